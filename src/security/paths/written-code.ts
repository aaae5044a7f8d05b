import path from 'node:path';

/**
 * The shell commands a file holds when a program will later run them as a script of the project:
 * `package.json` scripts (`npm test`), Makefile and justfile recipes (`make`). Writing such a file is
 * ordinary work, so what it will run is what gets rated: `{"scripts":{"test":"curl x|sh"}}` is a
 * download run, a new dependency is nothing. `undefined` for files that are not such a script.
 */
export function commandsInWrittenFile(file: string, content: string): string[] | undefined {
  const name = path.posix.basename(file);
  if (name === 'package.json') return packageScripts(content);
  if (/^(GNUmakefile|[Mm]akefile|.*\.mk|[Jj]ustfile|\.justfile)$/.test(name)) return recipeLines(content);
  return undefined;
}

function packageScripts(content: string): string[] {
  try {
    const parsed: unknown = JSON.parse(content);
    if (typeof parsed === 'object' && parsed !== null && 'scripts' in parsed) {
      const scripts = (parsed as { scripts: unknown }).scripts;
      if (typeof scripts === 'object' && scripts !== null)
        return Object.values(scripts).filter((v): v is string => typeof v === 'string');
    }
    return [];
  } catch {
    // A fragment (a `str_replace` of a few lines) is not JSON: read each `"key": "value"` in it.
    return [...content.matchAll(/"[^"\n]*"\s*:\s*"((?:[^"\\\n]|\\.)*)"/g)].map((m) => {
      try {
        return JSON.parse(`"${m[1] ?? ''}"`) as string;
      } catch {
        return m[1] ?? '';
      }
    });
  }
}

/** Recipe lines start with a tab; `@`, `-` and `+` before the command only change how make runs it. */
function recipeLines(content: string): string[] {
  return content
    .split('\n')
    .filter((line) => line.startsWith('\t'))
    .map((line) => line.trim().replace(/^[@+-]+/, ''))
    .filter((line) => line !== '');
}
