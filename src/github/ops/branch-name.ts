import { isValidBranchName } from './is-valid-branch-name.js';

export const DEFAULT_BRANCH_PREFIX = 'openhands/';
const MAX_SLUG = 40;

export class InvalidBranchNameError extends Error {
  override readonly name = 'InvalidBranchNameError';
  constructor(readonly branch: string) {
    super(`not a valid branch name: ${JSON.stringify(branch)}`);
  }
}

export interface BranchNameOptions {
  readonly issueNumber: number;
  readonly title: string;
  /** From the repository config; `openhands/` by default. */
  readonly prefix?: string;
  /** 1 for the first choice, then `-try2`, `-try3`… when a name is taken. */
  readonly attempt?: number;
}

/**
 * `openhands/issue-<n>-<slug>`: the slug is the title in lower-case ASCII words, cut at a word
 * boundary; a title with no usable characters gives `openhands/issue-<n>`. Throws
 * `InvalidBranchNameError` when the result is not a valid branch name (only a bad prefix can do that).
 */
export function branchName({
  issueNumber,
  title,
  prefix = DEFAULT_BRANCH_PREFIX,
  attempt = 1,
}: BranchNameOptions): string {
  const slug = slugify(title);
  const suffix = attempt > 1 ? `-try${attempt}` : '';
  const name = `${prefix}issue-${issueNumber}${slug ? `-${slug}` : ''}${suffix}`;
  if (!isValidBranchName(name)) throw new InvalidBranchNameError(name);
  return name;
}

function slugify(title: string): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > MAX_SLUG) break;
    slug = next;
  }
  // A single very long word: cut it rather than lose the slug.
  return slug || (words[0] ?? '').slice(0, MAX_SLUG);
}
