/** `refs/heads/` plus the name must fit in the 255 bytes a file name (a loose ref) can have. */
export const MAX_BRANCH_NAME_BYTES = 244;

/**
 * The rules of `git check-ref-format --branch`, in TypeScript so the GitHub side needs no git
 * binary; stricter in two ways: printable ASCII only, and nothing that starts with `-` (an option).
 * The workspace's push step checks again with git itself before pushing.
 */
export function isValidBranchName(name: string): boolean {
  if (name === '' || name === '@' || Buffer.byteLength(name) > MAX_BRANCH_NAME_BYTES) return false;
  if (!/^[\x21-\x7E]+$/.test(name)) return false; // printable ASCII, no space or control characters
  if (/[~^:?*[\\]/.test(name) || name.includes('..') || name.includes('@{')) return false;
  if (name.startsWith('-') || name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false;
  if (name.includes('//') || name.startsWith('refs/')) return false;
  return name.split('/').every((part) => !part.startsWith('.') && !part.endsWith('.lock'));
}
