import { readFile } from 'node:fs/promises';
import { type Document, OpenAPIBackend } from 'openapi-backend';
import { TRIMMED_PATH } from './trim-github-openapi.js';

/** An operation of the trimmed description that a request matched, with its path parameters. */
export interface MatchedOperation {
  readonly operationId: string;
  readonly params: Readonly<Record<string, string>>;
}

export interface GitHubContract {
  match(method: string, path: string): MatchedOperation | null;
  /** Problems with a request, as `where message` lines; empty when it fits the description. */
  validateRequest(request: {
    method: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
    body: unknown;
  }): string[];
  validateResponse(operationId: string, status: number, body: unknown): string[];
  /** GitHub's own example of an operation's answer (a fresh copy): the stand-in's answers start from it. */
  example(operationId: string, status: number): unknown;
}

type Json = { [key: string]: unknown };
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

let shared: Promise<GitHubContract> | undefined;

/** Loading and compiling takes a moment: one contract per test process. */
export function loadGitHubContract(): Promise<GitHubContract> {
  shared ??= build();
  return shared;
}

async function build(): Promise<GitHubContract> {
  const raw: unknown = JSON.parse(await readFile(TRIMMED_PATH, 'utf8'));
  if (!isObject(raw)) throw new Error(`${TRIMMED_PATH} is not an OpenAPI document`);
  const api = new OpenAPIBackend({
    // openapi-backend's definition type is the OpenAPI document type; ours is parsed JSON of that shape.
    definition: structuredClone(raw) as unknown as Document,
    quick: true,
    strict: false,
    validate: true,
    // No format plugin ships with openapi-backend; shapes, types, enums and required fields are checked.
    ajvOpts: { validateFormats: false },
  });
  await api.init();
  const examples = indexExamples(raw);
  const messages = (result: {
    errors?: readonly { instancePath?: string; message?: string; keyword?: string }[] | null;
  }) => (result.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword ?? 'invalid'}`);

  return {
    match(method, path) {
      const operation = api.matchOperation({ method: method.toLowerCase(), path, headers: {} });
      if (!operation?.operationId) return null;
      const params = api.router.parseRequest(
        { method: method.toLowerCase(), path, headers: {} },
        operation,
      ).params;
      return { operationId: operation.operationId, params: { ...params } };
    },
    validateRequest({ method, path, query, headers, body }) {
      const request = {
        method: method.toLowerCase(),
        path,
        query,
        headers,
        ...(body === undefined ? {} : { body }),
      };
      const operation = api.matchOperation(request);
      if (!operation) return [`${method} ${path}: no such operation in the description`];
      return messages(api.validateRequest(request, operation));
    },
    validateResponse(operationId, status, body) {
      return messages(api.validateResponse(body, operationId, status)).map((m) => `response ${status} ${m}`);
    },
    example(operationId, status) {
      const found = examples.get(`${operationId} ${status}`);
      if (found === undefined) throw new Error(`no example for ${operationId} ${status}`);
      return structuredClone(found);
    },
  };
}

/** `operationId status` → the `default` example's value, `$ref`s into `components/examples` resolved. */
function indexExamples(doc: Json): Map<string, unknown> {
  const components =
    isObject(doc.components) && isObject(doc.components.examples) ? doc.components.examples : {};
  const index = new Map<string, unknown>();
  for (const item of Object.values(isObject(doc.paths) ? doc.paths : {})) {
    for (const operation of Object.values(isObject(item) ? item : {})) {
      if (!isObject(operation) || typeof operation.operationId !== 'string') continue;
      for (const [status, response] of Object.entries(
        isObject(operation.responses) ? operation.responses : {},
      )) {
        const content =
          isObject(response) && isObject(response.content) ? response.content['application/json'] : null;
        // `default` when there is one, else the first (getContent names its examples by kind).
        const all = isObject(content) && isObject(content.examples) ? content.examples : {};
        const example = all.default ?? Object.values(all)[0];
        if (!isObject(example)) continue;
        const ref =
          typeof example.$ref === 'string' ? example.$ref.replace('#/components/examples/', '') : null;
        const resolved = ref === null ? example : components[ref];
        if (isObject(resolved) && 'value' in resolved)
          index.set(`${operation.operationId} ${status}`, resolved.value);
      }
    }
  }
  return index;
}
