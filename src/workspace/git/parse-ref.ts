/**
 * What a run asks to check out: a commit (pinned, the usual case for a webhook-triggered run), a
 * full ref (`refs/pull/12/head`, `refs/heads/main`) or a short name (a branch, else a tag).
 */
export type RefRequest =
  | { readonly kind: 'commit'; readonly sha: string }
  | { readonly kind: 'ref'; readonly ref: string }
  | { readonly kind: 'name'; readonly name: string };

const SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
/** git check-ref-format's rules, enough to keep option-like or revision-syntax input away from git. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const UNSAFE = /(^[-/.]|\.\.|@\{|\/\/|\/\.|\.lock(\/|$)|[/.]$|[\s~^:?*[\\\u0000-\u001f\u007f])/;

export function parseRef(input: string): RefRequest {
  if (SHA.test(input)) return { kind: 'commit', sha: input };
  if (input === '' || input === '@' || UNSAFE.test(input)) {
    throw new TypeError(`not a ref or commit: ${JSON.stringify(input)}`);
  }
  return input.startsWith('refs/') ? { kind: 'ref', ref: input } : { kind: 'name', name: input };
}

/** The refs a mirror keeps up to date on every fetch; anything else is fetched by name when asked for. */
export const MIRROR_REFSPECS = ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'] as const;

/** Refs outside heads and tags (a PR's head) need their own refspec. */
export function extraRefspec(request: RefRequest): string | null {
  if (request.kind !== 'ref') return null;
  if (request.ref.startsWith('refs/heads/') || request.ref.startsWith('refs/tags/')) return null;
  return `+${request.ref}:${request.ref}`;
}

/** Candidates for `rev-parse`, most specific first. */
export function candidateRefs(request: RefRequest): string[] {
  switch (request.kind) {
    case 'commit':
      return [request.sha];
    case 'ref':
      return [request.ref];
    case 'name':
      return [`refs/heads/${request.name}`, `refs/tags/${request.name}`];
  }
}
