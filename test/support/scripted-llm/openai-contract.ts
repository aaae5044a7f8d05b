import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { OpenAPIBackend } from 'openapi-backend';
import type { RecordedRequest } from './script.js';

/** OpenAI's own OpenAPI description (MIT), kept beside the project. */
export const OPENAI_OPENAPI_PATH = fileURLToPath(
  new URL('../../../../shared/contracts/openai-openapi.json', import.meta.url),
);

let shared: Promise<(request: RecordedRequest) => readonly string[]> | undefined;

/**
 * A `validate` option for the scripted server that checks each OpenAI request body against the
 * official OpenAPI description (it catches, say, a `tool` message without `tool_call_id`). Anthropic
 * requests pass unchecked: Anthropic publishes no description we can reach, so their SDK types are
 * the contract. Loading takes a moment, so one validator is shared by the whole test file.
 */
export function openAiContractValidator(
  specPath = OPENAI_OPENAPI_PATH,
): Promise<(request: RecordedRequest) => readonly string[]> {
  if (specPath === OPENAI_OPENAPI_PATH && shared) return shared;
  const created = build(specPath);
  if (specPath === OPENAI_OPENAPI_PATH) shared = created;
  return created;
}

async function build(specPath: string): Promise<(request: RecordedRequest) => readonly string[]> {
  const definition = rewriteNullable(JSON.parse(await readFile(specPath, 'utf8')));
  // openapi-backend's definition type is the OpenAPI document type; ours is parsed JSON of that shape.
  const api = new OpenAPIBackend({
    definition: definition as never,
    quick: true,
    strict: false,
    validate: true,
    // Format checks (uri, date-time…) need plugins we do not carry; the shapes are what matter here.
    ajvOpts: { validateFormats: false },
  });
  await api.init();
  return (request) => {
    if (request.api !== 'openai') return [];
    const result = api.validateRequest({
      method: request.method.toLowerCase(),
      // The description's paths are relative to its server, which ends in /v1.
      path: request.path.replace(/^\/v1/, ''),
      headers: { 'content-type': 'application/json' },
      body: request.openai,
    });
    return (result.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
  };
}

/**
 * Validators reject OpenAPI 3.0's `nullable` (the description still uses it in places): turn each
 * `{…, nullable: true}` into `anyOf: [{…}, {type: 'null'}]`, and drop `nullable: false`.
 */
export function rewriteNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteNullable);
  if (node === null || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) out[key] = rewriteNullable(value);
  return nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}
