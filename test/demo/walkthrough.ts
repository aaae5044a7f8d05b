import { Queue } from 'bullmq';
import { RUN_QUEUE_NAME } from '../../jobs/job-ids.js';
import type { RunJobResult } from '../../jobs/run-job-context.js';
import { BOT, type E2eEnvironment, FULL, git, waitFor } from '../e2e/support/e2e-environment.js';
import type { StandinComment, StandinIssue } from '../github-standin/state.js';
import type { NarratedTurn } from './narrated-scenario.js';
import type { DemoPrinter } from './print.js';

/** The issue the demo files; its title is what routes the scripted model to FIX_ADD. */
export const DEMO_ISSUE = {
  title: 'add() subtracts instead of adding',
  body: 'add(2, 3) returns -1, so `node test.js` fails.',
  user: 'maintainer',
} as const;

export interface WalkthroughResult {
  readonly issue: StandinIssue;
  readonly pull: StandinIssue;
  readonly tracking: StandinComment;
  readonly diff: string;
  readonly commit: string;
  readonly job: RunJobResult | undefined;
}

/**
 * Label → PR, as a person on GitHub would see it, told step by step. `turns` fills as the scripted
 * model answers (in the LLM server's own callbacks); it is printed from here so steps stay in order.
 */
export async function labelToPullRequest(
  env: E2eEnvironment,
  out: DemoPrinter,
  turns: NarratedTurn[],
): Promise<WalkthroughResult> {
  const { standin } = env;
  const api = `${standin.url}/api/v3/repos/${FULL}`;
  const issue = standin.createIssue(FULL, { ...DEMO_ISSUE, labels: ['openhands'] });
  out.step(
    `Opened issue #${issue.number} “${issue.title}” in ${FULL} as @${DEMO_ISSUE.user} (a maintainer).`,
  );

  const delivery = await standin.deliver('issues', 'labeled', {
    repo: FULL,
    number: issue.number,
    sender: DEMO_ISSUE.user,
    overrides: { label: { name: 'openhands' } },
  });
  out.step(
    `Labelled issue #${issue.number} “${issue.title}” with \`openhands\` as @${DEMO_ISSUE.user} → ` +
      `webhook issues.labeled delivered to handsbot serve (${delivery.status}).`,
  );
  if (delivery.status !== 200)
    throw new Error(`the web process answered ${delivery.status}: ${delivery.body}`);
  out.note('serve checked the signature and queued a job in Redis; the worker took it from there.');

  const first = await env.trackingComment(issue.number);
  const eyes = issue.reactions.some((r) => r.content === 'eyes' && r.user.login === BOT);
  out.step(
    `${BOT} ${eyes ? 'reacted 👀 on the issue and ' : ''}posted its tracking comment (id ${first.id}); ` +
      'it edits this one comment as the run goes.',
  );
  out.note(`look: GET ${api}/issues/${issue.number}/comments`);

  const pull = await narrateRun(env, out, issue, turns);
  const head = pull.pull?.head ?? '';
  const commit = await git(env.gitDir, 'log', '-1', '--format=%an <%ae>%n%n%B', head);
  out.step(
    `The worker (not the agent) committed as ${BOT}, pushed branch ${head} and opened ` +
      `PR #${pull.number} “${pull.title}” against ${pull.pull?.base}.`,
  );
  out.note(`look: GET ${api}/pulls/${pull.number}, or git log in ${env.gitDir}`);

  const job = await finishedJob(env);
  const tracking = await env.trackingComment(issue.number, `#${pull.number}`);
  const left = (await env.sandboxes()).length;
  out.step(
    `The run ended (${job?.outcome ?? 'no result recorded'}); the tracking comment links PR #${pull.number}` +
      `${left === 0 ? ' and the sandbox container is gone' : ''}.`,
  );
  const diff = await git(env.gitDir, 'diff', `${pull.pull?.base ?? 'main'}...${head}`);
  return { issue, pull, tracking, diff, commit, job };
}

/** Prints the model's turns as they come, and the sandbox they run in, until the PR exists. */
async function narrateRun(
  env: E2eEnvironment,
  out: DemoPrinter,
  issue: StandinIssue,
  turns: NarratedTurn[],
): Promise<StandinIssue> {
  let sandboxShown = false;
  const drain = async () => {
    if (!sandboxShown && turns.length > 0) {
      sandboxShown = true;
      const [box] = await env.sandboxes();
      out.step(
        `The worker checked ${FULL} out into a sandbox container` +
          (box ? ` (${box.Names[0]?.replace(/^\//, '')}, image ${box.Image})` : '') +
          ' and started the agent. Each LLM answer is a tool call the worker runs in that container:',
      );
      out.note('look: docker ps --filter label=handsbot.sandbox');
    }
    for (const turn of turns.splice(0)) {
      if (turn.toolResult !== undefined) out.note(`     sandbox: ${turn.toolResult}`);
      out.note(`LLM request ${turn.request} → ${turn.answer}`);
    }
  };
  const prefix = `openhands/issue-${issue.number}-`;
  const pull = await waitFor(
    async () => {
      await drain();
      return env.pulls().find((p) => p.pull?.head.startsWith(prefix));
    },
    { timeoutMs: 120_000, intervalMs: 100, what: `a pull request from ${prefix}…` },
  );
  await drain(); // the last answer (finish) may have come in since the last look
  return pull;
}

/** The run job's own result, once BullMQ has it: after it the tracking comment is final. */
async function finishedJob(env: E2eEnvironment): Promise<RunJobResult | undefined> {
  const queue = new Queue(RUN_QUEUE_NAME, { connection: env.redis, prefix: env.queuePrefix });
  try {
    const [job] = await waitFor(
      async () => {
        const done = await queue.getJobs(['completed', 'failed']);
        return done.length > 0 ? done : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: 'the run job to finish' },
    );
    return job?.returnvalue as RunJobResult | undefined;
  } finally {
    await queue.close();
  }
}
