/**
 * The changed paths that are GitHub Actions workflows. A pushed workflow runs with the repository's
 * secrets on the next event, so an agent that read untrusted text must not add or edit one unless
 * the repository's config says `allowWorkflowChanges: true` (and the app token lacks the workflows
 * permission anyway, so GitHub would refuse the push with a less helpful message). Compared without
 * case and with `./` and backslashes normalised, so no spelling slips past.
 */
export function findWorkflowChanges(changedPaths: readonly string[]): string[] {
  return changedPaths.filter((p) => {
    const normalised = p
      .replace(/\\/g, '/')
      .replace(/^(\.\/)+/, '')
      .replace(/\/{2,}/g, '/')
      .toLowerCase();
    return normalised.startsWith('.github/workflows/');
  });
}
