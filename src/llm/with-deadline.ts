import { simpleFailure } from './classify-llm-failure.js';

/**
 * Runs one attempt under a deadline that covers the whole call, streamed body included: the SDKs'
 * own timeout stops at the response headers, so a stream that stalls half-way would hang forever.
 * The attempt gets a signal that fires on the caller's abort or the deadline; a deadline failure is
 * reported as kind `timeout` (retried), the caller's abort stays an abort.
 */
export async function withDeadline<T>(
  ms: number,
  profile: string,
  signal: AbortSignal | undefined,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error(`no complete answer within ${ms} ms`)), ms);
  const combined = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
  try {
    return await run(combined);
  } catch (err) {
    if (deadline.signal.aborted && !signal?.aborted) {
      throw simpleFailure('timeout', profile, `no complete answer within ${ms} ms`, err).error;
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
