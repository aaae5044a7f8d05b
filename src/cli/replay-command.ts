import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { deriveRunState } from '../agent/run-state.js';
import { verifyReplay } from '../agent/verify-replay.js';
import { createToolbox } from '../runtime/create-toolbox.js';
import { openEventStore } from '../runtime/open-event-store.js';
import { readRunEvents } from '../runtime/read-run-events.js';
import { createLocalWorkspace } from '../workspace/local-workspace.js';
import type { CliContext } from './cli-context.js';
import { renderEvent, renderProgress } from './render-event.js';

const git = promisify(execFile);

export interface ReplayCommandOptions {
  runId: string;
  events?: string;
  verify: boolean;
  json: boolean;
}

/** `handsbot replay RUN`: prints a run from its log; with --verify, re-executes it and compares. */
export async function replayCommand(options: ReplayCommandOptions, ctx: CliContext): Promise<number> {
  const store = openEventStore(ctx.config, options.events);
  try {
    const run = await readRunEvents(store, options.runId);
    if (!run) {
      ctx.stderr.write(`handsbot: run ${options.runId} not found in the event store\n`);
      return 2;
    }
    const { events, started: first } = run;
    if (!options.verify) {
      for (const event of events) {
        const line = options.json ? JSON.stringify(event) : renderEvent(event);
        if (line !== null) ctx.stdout.write(`${line}\n`);
      }
      if (!options.json) ctx.stdout.write(`${renderProgress(deriveRunState(options.runId, events))}\n`);
      return 0;
    }
    const { root } = first.settings.workspace;
    const baseCommit = first.settings.labels.baseCommit;
    if (!baseCommit) {
      ctx.stderr.write(
        'handsbot: the run recorded no base commit, so there is no starting tree to replay on\n',
      );
      return 2;
    }
    const scratch = await mkdtemp(path.join(tmpdir(), 'handsbot-replay-'));
    try {
      const fresh = path.join(scratch, 'repo');
      await git('git', ['clone', '--quiet', '--no-hardlinks', root, fresh]);
      await git('git', ['checkout', '--quiet', '--detach', baseCommit], { cwd: fresh });
      const workspace = await createLocalWorkspace({ root: fresh });
      try {
        const report = await verifyReplay(events, createToolbox(ctx.config.toolNames), workspace, {
          originalRoot: root,
          outputDir: path.join(scratch, 'outputs'),
        });
        if (options.json) {
          ctx.stdout.write(`${JSON.stringify(report)}\n`);
        } else if (report.difference === null) {
          ctx.stdout.write(`✔ replayed ${report.executed} actions: every observation matches the log\n`);
        } else {
          const { action, expected, actual } = report.difference;
          ctx.stdout.write(
            `✗ observation ${expected.seq} differs (action ${action.seq}, ${action.toolName} ${JSON.stringify(action.arguments)})\n` +
              `--- recorded (exit ${expected.exitCode})\n${expected.content}\n+++ replayed (exit ${actual.exitCode})\n${actual.content}\n`,
          );
        }
        return report.difference === null ? 0 : 1;
      } finally {
        await workspace.close();
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  } finally {
    await store.close();
  }
}
