import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { anthropicErrorBody, anthropicMessage, anthropicStreamFrames } from './anthropic-wire.js';
import { openAiCompletion, openAiErrorBody, openAiStreamFrames, type WireContext } from './openai-wire.js';
import {
  isFault,
  type RecordedRequest,
  type Script,
  type ScriptedFault,
  type ScriptedOutcome,
  type ScriptedTurn,
} from './script.js';

export interface ScriptedLlmServerOptions {
  /** When set, requests carrying another key get the provider's 401 (without using a turn). */
  apiKey?: string;
  /** Checks each request (e.g. against a published contract); returns the violations found. */
  validate?: (request: RecordedRequest) => readonly string[];
}

export interface ScriptedLlmServer {
  /** `http://127.0.0.1:PORT`: the Anthropic SDK's baseURL. */
  url: string;
  /** `url + '/v1'`: the OpenAI SDK's baseURL. */
  openaiBaseUrl: string;
  /** Every request received, in order, including those answered with faults. */
  requests: RecordedRequest[];
  /** Requests the `validate` option rejected; they were answered with a 400 naming the violations. */
  violations: { request: number; errors: readonly string[] }[];
  /** Turns not yet used (a function script never runs out: Infinity). */
  remaining(): number;
  /** Appends turns to an array script. */
  push(...turns: ScriptedTurn[]): void;
  close(): Promise<void>;
}

type Api = RecordedRequest['api'];
const ROUTES: Record<string, Api> = { '/v1/chat/completions': 'openai', '/v1/messages': 'anthropic' };

/**
 * An LLM provider on 127.0.0.1 that answers from a script in the real OpenAI chat-completions and
 * Anthropic messages wire formats (plain JSON and SSE), so tests drive the official SDK clients.
 */
export async function startScriptedLlmServer(
  script: Script,
  options: ScriptedLlmServerOptions = {},
): Promise<ScriptedLlmServer> {
  const turns: ScriptedTurn[] = typeof script === 'function' ? [] : [...script];
  let used = 0;
  let responses = 0;
  let calls = 0;
  const requests: RecordedRequest[] = [];
  const violations: ScriptedLlmServer['violations'] = [];

  function nextOutcome(request: RecordedRequest): ScriptedOutcome | undefined {
    if (typeof script === 'function') return script(request);
    const turn = turns[used];
    if (turn === undefined) return undefined;
    used++;
    return typeof turn === 'function' ? turn(request) : turn;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const api = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
    if (req.method !== 'POST' || api === undefined) {
      return sendJson(res, 404, { error: { message: `scripted LLM: no route ${req.method} ${path}` } });
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return sendFault(res, api, { fault: 'http', status: 400, message: 'scripted LLM: body is not JSON' });
    }
    const request = record(req, api, path, raw, body, requests.length);
    requests.push(request);

    if (options.apiKey !== undefined && request.apiKey !== options.apiKey) {
      return sendFault(res, api, { fault: 'http', status: 401 });
    }
    const errors = options.validate?.(request) ?? [];
    if (errors.length > 0) {
      violations.push({ request: request.index, errors });
      const message = `scripted LLM: request violates the contract: ${errors.join('; ')}`;
      return sendFault(res, api, { fault: 'http', status: 400, message });
    }
    const outcome = nextOutcome(request);
    if (outcome === undefined) {
      const message = `scripted LLM: script exhausted after ${used} turns (request #${request.index})`;
      return sendFault(res, api, { fault: 'http', status: 400, message });
    }
    if (!isFault(outcome) && outcome.delayMs) await delay(outcome.delayMs);
    if (isFault(outcome)) return sendOutcomeFault(req, res, api, request, outcome);

    responses++;
    const ctx: WireContext = {
      model: modelOf(body),
      responseId: api === 'openai' ? `chatcmpl-${responses}` : `msg_${responses}`,
      nextCallId: () => (api === 'openai' ? `call_${++calls}` : `toolu_${++calls}`),
      includeUsage: request.openai?.stream_options?.include_usage === true,
    };
    if (!request.stream) {
      return sendJson(
        res,
        200,
        api === 'openai' ? openAiCompletion(outcome, ctx) : anthropicMessage(outcome, ctx),
      );
    }
    writeFrames(
      res,
      api === 'openai' ? openAiStreamFrames(outcome, ctx) : anthropicStreamFrames(outcome, ctx),
    );
    res.end();
  }

  function sendOutcomeFault(
    req: IncomingMessage,
    res: ServerResponse,
    api: Api,
    request: RecordedRequest,
    fault: ScriptedFault,
  ): void {
    switch (fault.fault) {
      case 'http':
        sendFault(res, api, fault, request.index);
        return;
      case 'hang':
        return; // closeAllConnections() on close() ends it
      case 'drop':
        req.socket.destroy();
        return;
      case 'drop-mid-stream':
      case 'stall-mid-stream': {
        if (!request.stream) {
          if (fault.fault === 'drop-mid-stream') req.socket.destroy();
          return;
        }
        const ctx: WireContext = {
          model: modelOf(request.openai ?? request.anthropic),
          responseId: api === 'openai' ? 'chatcmpl-dropped' : 'msg_dropped',
          nextCallId: () => 'call_dropped',
          includeUsage: false,
        };
        const reply = { text: 'this answer is cut short', chunks: 4 };
        const frames = api === 'openai' ? openAiStreamFrames(reply, ctx) : anthropicStreamFrames(reply, ctx);
        writeFrames(res, frames.slice(0, 3));
        // Let the first frames leave before the socket dies, so the client sees a stream cut mid-way.
        if (fault.fault === 'drop-mid-stream') setTimeout(() => req.socket.destroy(), 20);
        return;
      }
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in a test's script: answer with a status no client retries, so the test fails fast.
      if (!res.headersSent) sendJson(res, 418, { error: { message: `scripted LLM internal error: ${err}` } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    requests,
    violations,
    remaining: () => (typeof script === 'function' ? Number.POSITIVE_INFINITY : turns.length - used),
    push: (...more) => {
      if (typeof script === 'function') throw new Error('push() needs an array script');
      turns.push(...more);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function record(
  req: IncomingMessage,
  api: Api,
  path: string,
  raw: string,
  body: unknown,
  index: number,
): RecordedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const bearer = /^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1];
  const stream = typeof body === 'object' && body !== null && (body as { stream?: unknown }).stream === true;
  return {
    index,
    api,
    method: req.method ?? 'POST',
    path,
    headers,
    apiKey: bearer ?? headers['x-api-key'],
    raw,
    // The body is what the SDK serialised from these very types; tests read it through them.
    openai: api === 'openai' ? (body as RecordedRequest['openai']) : undefined,
    anthropic: api === 'anthropic' ? (body as RecordedRequest['anthropic']) : undefined,
    stream,
  };
}

function modelOf(body: unknown): string {
  const model = typeof body === 'object' && body !== null ? (body as { model?: unknown }).model : undefined;
  return typeof model === 'string' ? model : 'scripted-model';
}

function sendFault(
  res: ServerResponse,
  api: Api,
  fault: Extract<ScriptedFault, { fault: 'http' }>,
  requestIndex = -1,
): void {
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
  const requestId = `req_scripted_${requestIndex}`;
  const body = api === 'openai' ? openAiErrorBody(fault) : anthropicErrorBody(fault, requestId);
  sendJson(res, fault.status, body, {
    ...headers,
    [api === 'openai' ? 'x-request-id' : 'request-id']: requestId,
  });
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function writeFrames(res: ServerResponse, frames: readonly string[]): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  for (const f of frames) res.write(f);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
