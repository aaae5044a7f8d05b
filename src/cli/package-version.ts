import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * handsbot's version from its package.json, found by walking up from this module: from source it is
 * two folders up (`src/cli`), from the build three (`dist/src/cli`), and an installed package or the
 * app image has it wherever `dist` sits.
 */
export function packageVersion(from: string = import.meta.dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (manifest.name === 'handsbot' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // No package.json here (or not ours): look one folder up.
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}
