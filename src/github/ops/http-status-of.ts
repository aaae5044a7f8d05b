/**
 * The HTTP status of an Octokit request error, or undefined for anything else. Checked by shape
 * rather than `instanceof` so an error from a second copy of `@octokit/request-error` (Probot's) is
 * recognised too; callers branch on the status, never on the message.
 */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, status } = error as { name?: unknown; status?: unknown };
  return name === 'HttpError' && typeof status === 'number' ? status : undefined;
}
