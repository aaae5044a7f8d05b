import { parseArgs } from 'node:util';
import type { E2eEnvironment } from '../e2e/support/e2e-environment.js';
import { startE2eEnvironment } from '../e2e/support/e2e-environment.js';
import { FIX_ADD } from '../e2e/support/scenarios.js';
import { detectHostSetup } from './host-setup.js';
import { keepRunning, webhookUrl } from './keep-running.js';
import { type DemoRedis, ensureRedis } from './local-redis.js';
import { type NarratedTurn, narrated } from './narrated-scenario.js';
import { createPrinter, type DemoPrinter, seconds } from './print.js';
import { printClosing, printOutcome } from './report.js';
import { ensureSandbox } from './sandbox-image.js';
import { DemoSetupError } from './setup-error.js';
import { labelToPullRequest } from './walkthrough.js';

/**
 * `npm run demo [-- --keep]`: handsbot's whole path from a label to a pull request on this machine,
 * with a GitHub stand-in and a scripted LLM instead of accounts and an API key. The services are the
 * ones the end-to-end tests use, so what the demo shows is what the tests prove.
 */
const USAGE = `usage: npm run demo [-- --keep]

  --keep   leave everything running after the walkthrough (until Ctrl-C) and print its URLs
`;

class Interrupted extends Error {}

async function main(argv: string[]): Promise<number> {
  let keep: boolean;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { keep: { type: 'boolean' }, help: { type: 'boolean' } },
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    keep = values.keep === true;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }

  // After Ctrl-C the walkthrough may still be half-way through a step: it goes on quietly until stopped.
  let quiet = false;
  const out = createPrinter((text) => {
    if (!quiet) process.stdout.write(text);
  });
  const began = Date.now();
  // One promise for Ctrl-C / SIGTERM: it ends the walkthrough early, or the --keep wait as intended.
  const stopped = new Promise<string>((resolve) => {
    const stop = (signal: string) => {
      quiet = true;
      process.stderr.write(`\n${signal}: stopping everything the demo started…\n`);
      resolve(signal);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // Promises, not values: Ctrl-C during start-up must still stop what is halfway up.
  let redisStarting: Promise<DemoRedis> | undefined;
  let envStarting: Promise<E2eEnvironment> | undefined;
  let env: E2eEnvironment | undefined;
  let walkedThrough = false;
  let code = 0;

  out.line('handsbot demo: label an issue, get a pull request. Everything runs on this machine:');
  out.line(
    'a GitHub stand-in instead of github.com, a scripted LLM instead of a model. No accounts, no API key.',
  );
  out.line();
  try {
    const walk = async () => {
      const setup = await detectHostSetup((text) => out.note(text));
      redisStarting = ensureRedis(process.env, setup);
      const redis = await redisStarting;
      out.step(
        redis.startedByDemo
          ? `Started redis-server at ${redis.url} for the job queue (the demo stops it again at the end).`
          : `Redis answers at ${redis.url}; the job queue uses it under a prefix of its own.`,
      );
      const sandbox = await ensureSandbox(setup);
      out.step(
        `Docker answers; the sandbox image is ${sandbox.image}${sandbox.ranSetup ? ' (set up just now)' : ''}.`,
      );

      // startE2eEnvironment, and the processes it starts, take both from the environment.
      process.env.REDIS_URL = redis.url;
      process.env.HANDSBOT_SANDBOX_IMAGE = sandbox.image;
      const turns: NarratedTurn[] = [];
      const startAt = Date.now();
      envStarting = startE2eEnvironment({ scenarios: [narrated(FIX_ADD, (turn) => turns.push(turn))] });
      env = await envStarting;
      describeServices(env, out, Date.now() - startAt);

      const labelledAt = Date.now();
      const result = await labelToPullRequest(env, out, turns);
      const flow = Date.now() - labelledAt;
      printOutcome(env, result, out);
      out.line(`Time: ${seconds(Date.now() - began)} in all, ${seconds(flow)} from label to finished run.`);
      printClosing(out);
      walkedThrough = true;
      if (keep) await keepRunning(env, { redisUrl: redis.url, runId: result.job?.runId }, out, stopped);
    };
    await Promise.race([
      walk(),
      stopped.then((signal) => {
        throw new Interrupted(signal);
      }),
    ]);
  } catch (error) {
    code = 1;
    if (error instanceof Interrupted) {
      // In --keep mode this is how it is meant to end; earlier it cuts the walkthrough short.
      code = keep && walkedThrough ? 0 : 130;
    } else if (error instanceof DemoSetupError) {
      process.stderr.write(`\n${error.message}\n`);
    } else {
      process.stderr.write(`\nThe demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      if (env) process.stderr.write(`\n${env.diagnostics()}\n`);
    }
  } finally {
    await shutDown(envStarting, redisStarting);
  }
  return code;
}

function describeServices(env: E2eEnvironment, out: DemoPrinter, tookMs: number): void {
  const worker = env.workers[0];
  out.step(
    `Started the GitHub stand-in at ${env.standin.url} (REST under /api/v3, as GitHub Enterprise; git over ` +
      'HTTP) with acme/widgets, whose add() in src/math.js subtracts, so `node test.js` fails.',
  );
  out.step(
    `Started the scripted LLM at ${env.llm.openaiBaseUrl} (OpenAI wire format). It is not a model: it ` +
      'plays fixed turns (FIX_ADD in test/e2e/support/scenarios.ts).',
  );
  out.step(
    `Started \`handsbot serve\` (pid ${env.web.pid}, webhooks at ${webhookUrl(env)}) and \`handsbot worker\` ` +
      `(pid ${worker?.pid}) in ${seconds(tookMs)}: the real CLI, set up only through environment variables ` +
      '(GHE_HOST makes the stand-in their GitHub, LLM_BASE_URL the scripted LLM).',
  );
}

async function shutDown(
  envStarting: Promise<E2eEnvironment> | undefined,
  redisStarting: Promise<DemoRedis> | undefined,
) {
  const parts: string[] = [];
  // A start that failed has cleaned up after itself; one still going is waited for, then stopped.
  const env = await envStarting?.catch(() => undefined);
  const redis = await redisStarting?.catch(() => undefined);
  if (env) {
    // Processes (a worker removes its sandboxes on SIGTERM), Redis keys, LLM, stand-in, data dir.
    await env.close();
    parts.push('handsbot serve and worker, the stand-in, the scripted LLM, the data dir');
  }
  if (redis?.startedByDemo) {
    await redis.stop();
    parts.push(`the redis-server the demo started (${redis.url})`);
  }
  if (parts.length > 0) process.stdout.write(`\nShut down ${parts.join('; ')}.\n`);
}

// process.exit: a walkthrough cut short by Ctrl-C may still hold timers and sockets.
process.exit(await main(process.argv.slice(2)));
