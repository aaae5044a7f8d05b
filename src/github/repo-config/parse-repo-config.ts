import { parseDocument } from 'yaml';
import { formatConfigIssues } from './format-config-issues.js';
import { repoConfigSchema } from './repo-config.schema.js';
import { RepoConfigError, TRIGGER_KEYS, type TriggerKeys } from './repo-config-error.js';
import { type RepoConfigFile, repoConfigFileSchema } from './repo-config-file.schema.js';

/** Aliases are rarely needed in a settings file; a low cap stops "billion laughs" expansion. */
const MAX_ALIASES = 20;

/**
 * Parses the text of `.github/openhands.yml` into the settings it sets, and only those: no defaults
 * are filled in (`resolveRepoSettings` does that, the installation's first). An empty file sets
 * nothing; a YAML error or a value the schema refuses throws a `RepoConfigError` naming the line or
 * key and what is expected.
 */
export function parseRepoConfig(text: string, path: string): RepoConfigFile {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new RepoConfigError(
      path,
      'yaml',
      doc.errors.map((e) => {
        const at = e.linePos?.[0];
        // The code is stable; the first line of the message is the yaml package's own description.
        const what = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
        return {
          key: at ? `line ${at.line}, column ${at.col}` : '(file)',
          expected: `valid YAML (${e.code}: ${what})`,
        };
      }),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (cause) {
    throw new RepoConfigError(path, 'yaml', [{ key: '(file)', expected: 'YAML without deep aliases' }], {
      cause,
    });
  }
  if (value === null || value === undefined) value = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RepoConfigError(path, 'schema', [
      { key: '(file)', expected: 'a mapping of settings (key: value)' },
    ]);
  }
  const parsed = repoConfigFileSchema.safeParse(value);
  if (!parsed.success) {
    throw new RepoConfigError(
      path,
      'schema',
      formatConfigIssues(parsed.error, Object.keys(repoConfigSchema.shape)),
      { triggerKeys: validTriggerKeys(value) },
    );
  }
  return parsed.data;
}

/**
 * The trigger keys a refused file sets validly, each judged on its own: kept so that only what the
 * file meant as a trigger (its label, reviews on its branches) is told the file is broken.
 */
function validTriggerKeys(file: object): TriggerKeys {
  const kept: TriggerKeys = {};
  for (const key of TRIGGER_KEYS) {
    const one = repoConfigFileSchema.shape[key].safeParse(key in file ? Reflect.get(file, key) : undefined);
    if (one.success && one.data !== undefined) kept[key] = one.data;
  }
  return kept;
}
