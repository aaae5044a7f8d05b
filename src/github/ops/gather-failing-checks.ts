import {
  sanitizeUntrustedLine,
  sanitizeUntrustedText,
} from '../../security/markdown/sanitize-untrusted-text.js';
import type { GitHubClient } from './github-client.js';
import { httpStatusOf } from './http-status-of.js';
import { boundText } from './select-allowed-items.js';
import type { FailingCheck, PullRequestChecks } from './trigger-context.js';

/**
 * Conclusions the agent can act on by changing code. `cancelled` is left out: it is almost always a
 * run superseded by a newer push or stopped by hand, so there is nothing to reproduce. So is
 * `action_required`: it waits for a person on GitHub (approving a first-time contributor's workflow,
 * setting up a third-party app), which no change in the workspace can give.
 */
const ACTIONABLE: ReadonlySet<string> = new Set(['failure', 'timed_out']);

/** Budgets: CI output is long, repetitive and untrusted; the prompt keeps a bounded slice of it. */
const MAX_FAILING_CHECKS = 10;
const MAX_CHECK_CHARS = 4_000;
const MAX_TOTAL_CHARS = 16_000;
/** Below this much budget left, a check is listed by name only. */
const MIN_USEFUL_CHARS = 200;
const MAX_NAME_CHARS = 200;
const MAX_URL_CHARS = 500;
/** Runs read at most; a commit with more is an outlier and the newest pages are not better. */
const MAX_RUNS_READ = 500;

interface CheckRun {
  readonly name: string;
  readonly status: string;
  readonly conclusion: string | null;
  readonly completed_at: string | null;
  readonly details_url?: string | null;
  readonly html_url?: string | null;
  readonly output: {
    readonly title: string | null;
    readonly summary: string | null;
    readonly text: string | null;
  };
}

/**
 * Reads the check runs of a pull request's head commit and keeps the failed ones that had completed
 * by the trigger, their output sanitised and bounded per check and in total. Commit statuses are not
 * read: that takes the `statuses` permission, which the app does not ask for.
 * A 403 or 404 (an installation that has not granted `checks: read`) gives `unavailable`, so the
 * run goes on without checks; any other error is thrown for the job to retry.
 */
export async function gatherFailingChecks(
  octokit: GitHubClient,
  options: { owner: string; repo: string; headSha: string; triggeredAt: string },
): Promise<PullRequestChecks> {
  // The sha is shown outside the quoted blocks, so it must be one; GitHub always gives one.
  if (!/^[0-9a-f]{40}$/.test(options.headSha)) return { ...EMPTY, unavailable: true };
  const cutoff = Date.parse(options.triggeredAt);
  let runs: CheckRun[];
  try {
    runs = await octokit.paginate(
      octokit.rest.checks.listForRef,
      { owner: options.owner, repo: options.repo, ref: options.headSha, filter: 'latest', per_page: 100 },
      (response, done) => {
        if (response.data.length >= MAX_RUNS_READ) done();
        return response.data;
      },
    );
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 403 || status === 404) return { ...EMPTY, unavailable: true };
    throw error;
  }

  const failed: CheckRun[] = [];
  let passedOrSkipped = 0;
  let notFinished = 0;
  for (const run of runs.slice(0, MAX_RUNS_READ)) {
    const completedAt = run.completed_at === null ? Number.NaN : Date.parse(run.completed_at);
    // Still running, or finished after the request: not what the requester saw.
    if (run.status !== 'completed' || !(completedAt <= cutoff)) notFinished++;
    else if (run.conclusion !== null && ACTIONABLE.has(run.conclusion)) failed.push(run);
    else passedOrSkipped++;
  }
  failed.sort((a, b) => a.name.localeCompare(b.name));
  const kept = failed.slice(0, MAX_FAILING_CHECKS);
  let budget = MAX_TOTAL_CHARS;
  const failing = kept.map((run): FailingCheck => {
    const allowance = Math.min(MAX_CHECK_CHARS, budget);
    const text = allowance >= MIN_USEFUL_CHARS ? outputOf(run, allowance) : '';
    budget -= text.length;
    return {
      name: boundText(sanitizeUntrustedLine(run.name), MAX_NAME_CHARS).replace(/\s+/g, ' '),
      conclusion: run.conclusion === 'timed_out' ? 'timed_out' : 'failure',
      completedAt: run.completed_at ?? '',
      detailsUrl: urlOf(run.details_url ?? run.html_url ?? null),
      text,
      outputLeftOut: allowance < MIN_USEFUL_CHARS,
    };
  });
  return {
    headSha: options.headSha,
    failing,
    passedOrSkipped,
    notFinished,
    overBudget: failed.length - kept.length,
    unavailable: false,
  };
}

const EMPTY: PullRequestChecks = {
  headSha: '',
  failing: [],
  passedOrSkipped: 0,
  notFinished: 0,
  overBudget: 0,
  unavailable: false,
};

/** Title, summary and text, each sanitised, together cut to `max` characters. */
function outputOf(run: CheckRun, max: number): string {
  const parts: string[] = [];
  let left = max;
  for (const raw of [run.output.title, run.output.summary, run.output.text]) {
    if (!raw || left <= 0) continue;
    // Cut before sanitising so a megabyte of log costs nothing; an HTML comment opened before the
    // cut and closed after it is still stripped (the sanitiser treats an unclosed one as running on).
    const clean = sanitizeUntrustedText(raw.slice(0, left * 4));
    if (clean === '') continue;
    const part = boundText(clean, left);
    parts.push(part);
    left -= part.length + 2;
  }
  return boundText(parts.join('\n\n'), max);
}

/** Only an http(s) URL is shown; it stays inside the quoted block like the rest of the check. */
function urlOf(raw: string | null): string | null {
  if (!raw) return null;
  const clean = sanitizeUntrustedLine(raw);
  if (clean.length > MAX_URL_CHARS || !/^https?:\/\/\S+$/.test(clean)) return null;
  return clean;
}
