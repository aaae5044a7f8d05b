#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { loadEnvironment } from '../config/load-environment.js';
import type { CliContext } from './cli-context.js';
import { packageVersion } from './package-version.js';
import { replayCommand } from './replay-command.js';
import { resumeCommand } from './resume-command.js';
import { runRiskCommand } from './risk-command.js';
import { runCommand } from './run-command.js';
import { serveCommand } from './serve-command.js';
import { workerCommand } from './worker-command.js';

/** The `handsbot` command: wiring only; each subcommand lives in its own module. */
function buildProgram(context: () => CliContext, exit: (code: number) => void): Command {
  const program = new Command('handsbot')
    .description(
      'A coding agent that turns issues into pull requests (event-sourced, OpenHands-compatible tools)',
    )
    .version(packageVersion())
    .showHelpAfterError();

  program
    .command('run')
    .description('run the agent on a local git repository; changes stay in its working tree')
    .requiredOption('--repo <path>', 'the repository to work in')
    .option('--task <text>', 'what to do')
    .option('--task-file <file>', 'read the task from a file')
    .addOption(new Option('--workspace <kind>', 'where commands run').choices(['local']).default('local'))
    .option('--events <dir>', 'keep the event log in this folder (file store)')
    .option('--model <profile>', 'model profile for agent steps')
    .option('--max-iterations <n>', 'LLM steps before giving up', positiveInt)
    .option('--max-cost <usd>', 'spending cap in dollars', positiveNumber)
    .option('--yes', 'approve every gated action without asking', false)
    .option('--no-confirm', 'never gate actions (confirmation policy "never")')
    .action(async (opts) => exit(await runCommand(opts, context())));

  program
    .command('resume')
    .description('continue a run from its event log (after a crash, Ctrl-C or a pending confirmation)')
    .argument('<run>', 'run id')
    .option('--events <dir>', 'the folder holding the event log (file store)')
    .option('--yes', 'approve every gated action without asking', false)
    .action(async (runId: string, opts) => exit(await resumeCommand({ runId, ...opts }, context())));

  program
    .command('replay')
    .description('print a run from its log; with --verify re-execute it in a fresh checkout and compare')
    .argument('<run>', 'run id')
    .option('--events <dir>', 'the folder holding the event log (file store)')
    .option('--verify', 'rerun every action with the logged LLM answers; report the first difference', false)
    .option('--json', 'machine-readable output', false)
    .action(async (runId: string, opts) => exit(await replayCommand({ runId, ...opts }, context())));

  program
    .command('serve')
    .description('the GitHub App web server: receives webhooks and enqueues jobs (workers run them)')
    .action(async () => exit(await serveCommand(context())));

  program
    .command('worker')
    .description('run agent jobs from the queue (scale out with more workers sharing one Redis)')
    .action(async () => exit(await workerCommand(context(), { withWeb: false })));

  program
    .command('start')
    .description('the web server and a worker in one process, for small installs')
    .action(async () => exit(await workerCommand(context(), { withWeb: true })));

  program
    .command('risk')
    .description('rate shell commands as the security analyzer does')
    .argument('[command...]', 'the command to rate (after --)')
    .option('--json', 'print the verdict as JSON', false)
    .option('--jsonl', 'read {"command": ...} lines on stdin, write one verdict per line', false)
    .action(async (command: string[], opts) => {
      const ctx = context();
      exit(
        await runRiskCommand(
          { ...opts, command },
          { stdin: ctx.stdin, stdout: ctx.stdout, policy: ctx.config.confirmationPolicy },
        ),
      );
    });

  return program;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

async function main(): Promise<void> {
  let cached: CliContext | undefined;
  // Config is parsed once, when a command first needs it, so `--help` works with a broken environment.
  const context = (): CliContext => {
    if (!cached) {
      const env = loadEnvironment();
      cached = {
        env,
        config: loadConfig(env),
        stdout: process.stdout,
        stderr: process.stderr,
        stdin: process.stdin,
        interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
      };
    }
    return cached;
  };
  const program = buildProgram(context, (code) => {
    process.exitCode = code;
  });
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`handsbot: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`handsbot: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

await main();
