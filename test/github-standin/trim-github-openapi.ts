/**
 * Writes `github-openapi.trimmed.json`: GitHub's own REST description (`@octokit/openapi`,
 * `generated/api.github.com.json`) cut down to the operations the stand-in serves, with every
 * component they reference (transitively, examples included: the stand-in builds its answers from
 * them), and `nullable` rewritten so the validator accepts it. Run with `npm run standin:openapi`.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { rewriteNullable } from '../support/scripted-llm/openai-contract.js';

/** What handsbot calls (src/github), plus what tests act through as people (a review). */
export const STANDIN_OPERATIONS = [
  'apps/create-installation-access-token',
  'apps/get-authenticated',
  'users/get-by-username',
  'repos/get',
  'repos/get-collaborator-permission-level',
  'repos/get-content',
  'checks/list-for-ref',
  'git/get-ref',
  'issues/get',
  'issues/list-comments',
  'issues/create-comment',
  'issues/get-comment',
  'issues/update-comment',
  'reactions/create-for-issue',
  'reactions/create-for-issue-comment',
  'reactions/create-for-pull-request-review-comment',
  'pulls/create',
  'pulls/list',
  'pulls/get',
  'pulls/request-reviewers',
  'pulls/list-review-comments',
  'pulls/create-reply-for-review-comment',
  'pulls/create-review',
] as const;

export const TRIMMED_PATH = fileURLToPath(new URL('./github-openapi.trimmed.json', import.meta.url));

type Json = { [key: string]: unknown };

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function trimGitHubOpenApi(full: Json, operationIds: readonly string[]): Json {
  const wanted = new Set(operationIds);
  const paths: Json = {};
  for (const [path, item] of Object.entries(isObject(full.paths) ? full.paths : {})) {
    if (!isObject(item)) continue;
    const kept: Json = {};
    for (const [method, operation] of Object.entries(item)) {
      if (
        isObject(operation) &&
        typeof operation.operationId === 'string' &&
        wanted.has(operation.operationId)
      ) {
        kept[method] = operation;
        wanted.delete(operation.operationId);
      }
    }
    if (Object.keys(kept).length > 0) paths[path] = kept;
  }
  if (wanted.size > 0) throw new Error(`operations not in the description: ${[...wanted].join(', ')}`);

  // Follow `#/components/<section>/<name>` references until no new one turns up.
  const allComponents = isObject(full.components) ? full.components : {};
  const components: Record<string, Json> = {};
  const pending: unknown[] = [paths];
  while (pending.length > 0) {
    const node = pending.pop();
    if (Array.isArray(node)) pending.push(...node);
    else if (isObject(node)) {
      const ref = node.$ref;
      if (typeof ref === 'string') {
        const match = /^#\/components\/([^/]+)\/(.+)$/.exec(ref);
        if (!match?.[1] || !match[2]) throw new Error(`unsupported $ref ${ref}`);
        const [, section, name] = match;
        const source = allComponents[section];
        const target = isObject(source) ? source[name] : undefined;
        if (target === undefined) throw new Error(`dangling $ref ${ref}`);
        const bucket = components[section] ?? {};
        components[section] = bucket;
        if (!(name in bucket)) {
          bucket[name] = target;
          pending.push(target);
        }
      }
      pending.push(...Object.values(node));
    }
  }
  const sorted: Json = {};
  for (const section of Object.keys(components).sort()) {
    const bucket = components[section] ?? {};
    sorted[section] = Object.fromEntries(
      Object.keys(bucket)
        .sort()
        .map((k) => [k, bucket[k]]),
    );
  }
  return rewriteNullable({
    openapi: full.openapi,
    info: full.info,
    servers: full.servers,
    paths,
    components: sorted,
  }) as Json;
}

async function main(): Promise<void> {
  const require = createRequire(import.meta.url);
  const source = require.resolve('@octokit/openapi/generated/api.github.com.json');
  const full: unknown = JSON.parse(await readFile(source, 'utf8'));
  if (!isObject(full)) throw new Error(`${source} is not an OpenAPI document`);
  const trimmed = trimGitHubOpenApi(full, STANDIN_OPERATIONS);
  await writeFile(TRIMMED_PATH, `${JSON.stringify(trimmed, null, 2)}\n`);
  // The file is committed and linted: leave it as `npm run format` would.
  execFileSync('npx', ['biome', 'format', '--write', TRIMMED_PATH], { stdio: 'ignore' });
  const schemas =
    isObject(trimmed.components) && isObject(trimmed.components.schemas) ? trimmed.components.schemas : {};
  console.log(
    `wrote ${TRIMMED_PATH}: ${STANDIN_OPERATIONS.length} operations, ${Object.keys(schemas).length} schemas`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
