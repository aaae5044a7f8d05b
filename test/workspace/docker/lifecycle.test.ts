import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LABELS,
  type ReapedSandbox,
  reapOrphans,
  SandboxUnavailableError,
  startOrphanReaper,
} from '../../../src/workspace/docker/index.js';
import { listWorkerContainers, removeWorkerContainers } from '../../support/docker.js';
import { type DockerTestContext, dockerTestContext } from './test-workspace.js';

let ctx: DockerTestContext;
const otherWorkers: string[] = [];

beforeEach(async () => {
  ctx = await dockerTestContext();
});

afterEach(async () => {
  // Left undefined when connecting failed: that error is the one to see, not a follow-on.
  await ctx?.cleanup();
  await Promise.all(otherWorkers.splice(0).map((worker) => removeWorkerContainers(ctx.docker, worker)));
});

async function exists(id: string): Promise<boolean> {
  return ctx.docker
    .getContainer(id)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}

/** A container as a crashed worker leaves it: labelled, running, nobody holding it. */
async function plantSandbox(labels: { worker: string; runId: string; deadline?: number }): Promise<string> {
  const container = await ctx.docker.createContainer({
    Image: ctx.image,
    Cmd: ['sleep', '300'],
    HostConfig: { NetworkMode: 'none', Init: true },
    Labels: {
      [LABELS.sandbox]: 'true',
      [LABELS.runId]: labels.runId,
      [LABELS.repository]: 'octo/repo',
      [LABELS.worker]: labels.worker,
      [LABELS.checkout]: `/var/lib/handsbot/checkouts/${labels.runId}`,
      [LABELS.deadline]: String(labels.deadline ?? Date.now() + 3_600_000),
    },
  });
  await container.start();
  return container.id;
}

describe('containers never outlive their run', () => {
  it('close() removes the container after a successful run', async () => {
    const workspace = await ctx.workspace();
    expect((await workspace.exec('echo done')).exitCode).toBe(0);
    expect(await exists(workspace.containerId)).toBe(true);
    await workspace.close();
    expect(await exists(workspace.containerId)).toBe(false);
    await workspace.close();
    await expect(workspace.exec('true')).rejects.toMatchObject({
      name: 'SandboxUnavailableError',
      reason: 'closed',
    });
  });

  it('a run that fails while a command runs still leaves nothing behind', async () => {
    const workspace = await ctx.workspace();
    const job = async () => {
      try {
        await workspace.shell().run({ command: 'sleep 100', isInput: false });
        throw new Error('the job failed');
      } finally {
        await workspace.close();
      }
    };
    await expect(job()).rejects.toThrow('the job failed');
    expect(await listWorkerContainers(ctx.docker, ctx.worker)).toEqual([]);
  });

  it('a container that cannot start is removed before the error is thrown', async () => {
    await expect(ctx.workspace({ network: 'hb-no-such-network' })).rejects.toThrow(/network/i);
    expect(await listWorkerContainers(ctx.docker, ctx.worker)).toEqual([]);
  });

  it('cancellation removes the container at once, even mid-command', async () => {
    const controller = new AbortController();
    const workspace = await ctx.workspace({ signal: controller.signal });
    const running = workspace.shell().run({ command: 'sleep 100', isInput: false, timeoutMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    controller.abort();
    await running.catch(() => undefined);
    expect(Date.now() - started).toBeLessThan(5_000);
    for (let i = 0; i < 50 && (await exists(workspace.containerId)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await exists(workspace.containerId)).toBe(false);
    await expect(workspace.readFile('/workspace/repo/x')).rejects.toMatchObject({ reason: 'cancelled' });
  });

  it('an already cancelled run creates no container', async () => {
    await expect(ctx.workspace({ signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(await listWorkerContainers(ctx.docker, ctx.worker)).toEqual([]);
  });

  it("the container is killed when the run's time is up", async () => {
    const workspace = await ctx.workspace({ limits: { runTimeoutMs: 1_500 } });
    const endless = await workspace.exec('sleep 100').catch((error: unknown) => error);
    expect(endless).toMatchObject({ exitCode: 137 });
    const container = ctx.docker.getContainer(workspace.containerId);
    // The engine records the stop a moment after the processes die.
    let running = true;
    for (let i = 0; i < 50 && running; i++) {
      running = (await container.inspect()).State.Running;
      if (running) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(running).toBe(false);
    const error = await workspace.exec('true').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxUnavailableError);
    expect(error).toMatchObject({ reason: 'run-timeout' });
    await workspace.close();
    expect(await exists(workspace.containerId)).toBe(false);
  });
});

describe('the orphan reaper', () => {
  it("removes this worker's containers of runs it no longer runs and reports their checkouts", async () => {
    const live = await ctx.workspace({ runId: 'run-live' });
    const orphan = await plantSandbox({ worker: ctx.worker, runId: 'run-crashed' });
    const otherWorker = `${ctx.worker}-other`;
    otherWorkers.push(otherWorker);
    const othersLive = await plantSandbox({ worker: otherWorker, runId: 'run-elsewhere' });
    const othersStale = await plantSandbox({
      worker: otherWorker,
      runId: 'run-stale',
      deadline: Date.now() - 3_600_000,
    });

    const reaped = await reapOrphans({
      docker: ctx.docker,
      worker: ctx.worker,
      isRunActive: (runId) => runId === 'run-live',
    });

    expect(reaped.map((r) => [r.runId, r.reason, r.checkoutDir]).sort()).toEqual([
      ['run-crashed', 'run-not-active', '/var/lib/handsbot/checkouts/run-crashed'],
      ['run-stale', 'past-deadline', '/var/lib/handsbot/checkouts/run-stale'],
    ]);
    expect(await exists(orphan)).toBe(false);
    expect(await exists(othersStale)).toBe(false);
    expect(await exists(live.containerId)).toBe(true);
    expect(await exists(othersLive)).toBe(true);
    expect((await live.exec('echo still-here')).output).toBe('still-here\n');
  });

  it('sweeps at start-up and then periodically', async () => {
    const first = await plantSandbox({ worker: ctx.worker, runId: 'run-before-start' });
    const sweeps: ReapedSandbox[][] = [];
    let second: string | undefined;
    const reaper = startOrphanReaper({
      docker: ctx.docker,
      worker: ctx.worker,
      isRunActive: () => false,
      intervalMs: 300,
      onReaped: (reaped) => {
        sweeps.push(reaped);
      },
    });
    try {
      for (let i = 0; i < 50 && sweeps.length === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sweeps[0]?.map((r) => r.containerId)).toEqual([first]);
      second = await plantSandbox({ worker: ctx.worker, runId: 'run-later' });
      for (let i = 0; i < 50 && sweeps.length < 2; i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sweeps[1]?.map((r) => r.containerId)).toEqual([second]);
    } finally {
      await reaper.stop();
    }
  });
});
