import type { ShellFunction } from '../shell/shell-ir.js';
import { type Finding, finding } from './rule.js';

/**
 * `:(){ :|:& };:` and its renamings: a function that starts itself more than once per call (or in
 * the background) multiplies until the machine runs out of processes.
 */
export function forkBombFindings(functions: readonly ShellFunction[]): Finding[] {
  return functions
    .filter((fn) => {
      const selfCalls = fn.calls.filter((call) => call === fn.name).length;
      return selfCalls >= 2 || (selfCalls >= 1 && /&(?!&)/.test(fn.raw.replace(/&&/g, '')));
    })
    .map((fn) => finding('fork-bomb', 'HIGH', fn.raw));
}
