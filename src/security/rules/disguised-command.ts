import { programName } from '../shell/command-views.js';
import { isCodeInterpreter } from '../shell/interpreters.js';
import { DECODERS, DOWNLOADERS, RAW_NETWORK_CLIENTS } from '../shell/program-sets.js';
import { type CommandView, type Finding, finding } from './rule.js';

const BIDI_OR_TAG = /[\u202A-\u202E\u2066-\u2069]|\uDB40[\uDC00-\uDCFF]/;

/** Programs whose name in another case (`RM`, `Curl`) is a disguise: case-insensitive file systems run them. */
const DANGEROUS_VERBS = new Set([
  ...DOWNLOADERS,
  ...RAW_NETWORK_CLIENTS,
  ...DECODERS,
  'rm',
  'rmdir',
  'shred',
  'dd',
  'mkfs',
  'chmod',
  'chown',
  'sudo',
  'su',
  'doas',
  'eval',
  'exec',
  'source',
  'kill',
  'pkill',
  'killall',
  'shutdown',
  'reboot',
  'crontab',
  'git',
  'ssh',
  'scp',
  'rsync',
  'find',
  'xargs',
  'mv',
  'cp',
  'tee',
  'env',
  'npm',
  'pip',
]);

/**
 * A program name written to fool a reader: invisible or bidi characters inside it, a look-alike that
 * NFKC folds (`ｒｍ`), or a dangerous verb in another case (`RM -RF /`). Nobody types these by
 * accident, so the disguise is HIGH on its own, whatever the rules make of the normalised command.
 */
export function disguisedCommandFindings(view: CommandView): Finding[] {
  const [nameWord, ...argWords] = view.words;
  if (nameWord === undefined) return [];
  // Bidi overrides and tag characters in any word make what a reviewer reads differ from what runs.
  const hidden = argWords.find((w) => BIDI_OR_TAG.test(w.raw));
  if (hidden !== undefined)
    return [finding('disguised-command', 'HIGH', `${view.name}: bidi or tag characters in an argument`)];
  if (nameWord.disguised)
    return [finding('disguised-command', 'HIGH', `${view.name}: hidden or look-alike characters`)];
  const name = programName(nameWord.value);
  const lower = name.toLowerCase();
  if (
    lower !== name &&
    !DANGEROUS_VERBS.has(name) &&
    (DANGEROUS_VERBS.has(lower) || isCodeInterpreter(lower))
  )
    return [finding('disguised-command', 'HIGH', `${name}: ${lower} in another case`)];
  return [];
}
