import { z } from 'zod';
import { repoConfigSchema } from './repo-config.schema.js';

/**
 * `.github/openhands.yml` as written: the keys of `repoConfigSchema`, each validated the same way but
 * optional and without its default, so the parsed file says which keys it sets. A key it leaves out
 * falls back to the installation's setting where there is one (`resolveRepoSettings`), and only then
 * to the schema's default; filling defaults in while parsing made a file that sets one key override
 * the installation on all the others. Derived from `repoConfigSchema`, which stays the one place keys
 * are described (and the JSON Schema's source).
 */

type Shape = typeof repoConfigSchema.shape;
type Setting = Shape[keyof Shape];

/** The schema of one key without the default (or optional) wrapper it has in `repoConfigSchema`. */
type Bare<S> = S extends { _zod: { def: { type: 'default' | 'optional'; innerType: infer T } } } ? T : S;

type FileShape = { [K in keyof Shape]: z.ZodExactOptional<Bare<Shape[K]>> };

function bare(schema: Setting): z.ZodType {
  return schema instanceof z.ZodDefault || schema instanceof z.ZodOptional ? schema.unwrap() : schema;
}

const fileShape = Object.fromEntries(
  Object.entries(repoConfigSchema.shape).map(([key, schema]) => [key, bare(schema).exactOptional()]),
  // The mapping above is FileShape key by key; TypeScript cannot follow Object.fromEntries.
) as FileShape;

export const repoConfigFileSchema = z.strictObject(fileShape);

/** The settings a repository's file sets, and only those. */
export type RepoConfigFile = z.output<typeof repoConfigFileSchema>;
