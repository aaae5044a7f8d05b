import { PermanentJobError, TransientJobError } from '../../../jobs/job-errors.js';
import { httpStatusOf } from '../ops/http-status-of.js';

/**
 * Turns a failed GitHub request into the error type the job boundary acts on, by HTTP status only:
 * 5xx (Octokit reports network failures as 500), 429, 401 (an installation token that expired
 * between mint and use) and a 403 with the rate limit spent are worth a retry; any other 403 or a 404
 * means the installation cannot see or change this repository, which retrying does not fix. Errors
 * that are not HTTP errors, and other statuses, are returned as they are (an internal error).
 */
export function toJobError(error: unknown, what: string): unknown {
  if (error instanceof TransientJobError || error instanceof PermanentJobError) return error;
  const status = httpStatusOf(error);
  if (status === undefined) return error;
  if (status >= 500 || status === 429 || status === 401 || (status === 403 && rateLimited(error))) {
    return new TransientJobError(`${what}: GitHub answered ${status}`, { cause: error });
  }
  if (status === 403 || status === 404) {
    return new PermanentJobError(
      `${what}: GitHub answered ${status}`,
      'handsbot’s installation cannot access what this run needs on this repository (GitHub refused it). Check the app’s permissions and installation.',
      { cause: error },
    );
  }
  return error;
}

/** Runs `fn`, rethrowing its failure as `toJobError` classifies it. */
export async function asJobError<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toJobError(error, what);
  }
}

function rateLimited(error: unknown): boolean {
  const headers = (error as { response?: { headers?: Record<string, string | undefined> } }).response
    ?.headers;
  return headers?.['x-ratelimit-remaining'] === '0' || headers?.['retry-after'] !== undefined;
}
