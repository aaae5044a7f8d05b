import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chown, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../src/workspace/docker/index.js';
import { freePort } from '../demo/free-port.js';
import { routeByTask } from '../e2e/support/agent-script.js';
import { FIX_ADD } from '../e2e/support/scenarios.js';
import type { GitHubStandin } from '../github-standin/create-github-standin.js';
import { APP_ID, APP_PRIVATE_KEY, FULL, git, standinWithRepo } from '../github-standin/standin-fixture.js';
import { waitFor } from '../jobs/support.js';
import { connectTestDocker } from '../support/docker.js';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../support/scripted-llm/index.js';
import { appImage, ROOT } from './app-image.js';
import { startTcpRelay, type TcpRelay } from './tcp-relay.js';

const run = promisify(execFile);
const docker = new Docker();

/** The uid the app image runs as (Dockerfile): the workers' data dir on the host must be theirs. */
const APP_UID = 10002;

/**
 * docker-compose.yml as an operator runs it, with Debian's docker-compose 1.29: web, two workers and
 * Redis on the compose network, the workers starting sandboxes through the host's Docker socket.
 * The GitHub stand-in and the scripted LLM run in this test on 127.0.0.1; the containers reach them
 * through relays on the compose network's gateway address, as GHE_HOST and LLM_BASE_URL.
 */
describe('docker-compose.yml', () => {
  const project = `handsbot-compose-${randomUUID().slice(0, 8)}`;
  const cleanups: (() => Promise<unknown>)[] = [];
  let dir = '';
  // Each step and when it ended, on stderr as it goes: a slow or stuck step shows where it is.
  const began = Date.now();
  const trace = (text: string) =>
    process.stderr.write(`[compose test +${Math.round((Date.now() - began) / 1000)} s] ${text}\n`);
  const compose = async (...args: string[]) => {
    trace(`docker-compose ${args.join(' ')}`);
    try {
      const { stdout } = await run(
        'docker-compose',
        ['-p', project, '-f', path.join(ROOT, 'docker-compose.yml'), '--project-directory', dir, ...args],
        // A hung docker-compose fails the test with what it said, instead of eating its whole time.
        {
          cwd: dir,
          // Only what the test wrote in .env: compose would take a ${VAR} from this process's own
          // environment first (REDIS_URL, HANDSBOT_DATA_DIR... of the machine running the tests).
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' },
          maxBuffer: 64 * 1024 * 1024,
          timeout: 240_000,
          killSignal: 'SIGKILL',
        },
      );
      return stdout;
    } catch (error) {
      const { code, stderr } = error as { code?: unknown; stderr?: string };
      if (code === 'ENOENT') {
        throw new Error('docker-compose is not installed: sudo sandbox/setup-host.sh --deploy installs it');
      }
      throw new Error(`docker-compose ${args.join(' ')} failed (${String(code)}):\n${stderr}`, {
        cause: error,
      });
    }
  };
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }, 120_000);

  it('brings up web, two workers and Redis; a signed webhook becomes a run on a worker and a PR', async () => {
    const image = await appImage();
    const { image: sandboxImage } = await connectTestDocker();
    dir = await mkdtemp(path.join(tmpdir(), 'handsbot-compose-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    // Mirrors and checkouts: the same path inside the workers as on the host (the engine mounts
    // checkouts into sandboxes by it), owned by the image's user.
    const dataDir = await mkdtemp(path.join(tmpdir(), 'handsbot-compose-data-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    await chown(dataDir, APP_UID, APP_UID);

    const env: Record<string, string> = {
      HANDSBOT_IMAGE: image,
      HANDSBOT_PUBLISH: `127.0.0.1:${await freePort()}`,
      HANDSBOT_DATA_DIR: dataDir,
      DOCKER_GID: String((await stat('/var/run/docker.sock')).gid),
      HANDSBOT_STOP_GRACE: '30s',
      HANDSBOT_SHUTDOWN_GRACE_S: '15',
      LOG_LEVEL: 'info',
      REDIS_URL: 'redis://redis:6379',
    };
    const writeEnv = () =>
      writeFile(
        path.join(dir, '.env'),
        Object.entries(env)
          .map(([key, value]) => `${key}="${value.replaceAll('\n', '\\n')}"\n`)
          .join(''),
      );
    await writeEnv();
    // Down first in the clean-up order's end: containers (workers remove their sandboxes on SIGTERM),
    // the network and the Redis volume; then any sandbox a killed worker left.
    cleanups.push(async () => {
      const workers = await compose('ps', '-q', 'worker').catch(() => '');
      await compose('down', '-v', '--timeout', '30');
      await removeSandboxesOf(workers.split('\n').filter(Boolean));
    });

    // Redis first: it makes the compose network, whose gateway address the relays listen on.
    await compose('up', '-d', 'redis');
    const gateway = await networkGateway(`${project.replaceAll('-', '')}_default`, `${project}_default`);
    const standin: GitHubStandin = await standinWithRepo();
    cleanups.push(() => standin.close());
    const llmKey = `sk-compose-${randomBytes(8).toString('hex')}`;
    const llm: ScriptedLlmServer = await startScriptedLlmServer(routeByTask([FIX_ADD]), { apiKey: llmKey });
    cleanups.push(() => llm.close());
    const relays: TcpRelay[] = [
      await startTcpRelay(gateway, Number(new URL(standin.url).port)),
      await startTcpRelay(gateway, Number(new URL(llm.url).port)),
    ];
    cleanups.push(() => Promise.all(relays.map((r) => r.close())));
    const webhookSecret = `whsec-${randomBytes(8).toString('hex')}`;
    Object.assign(env, {
      APP_ID: String(APP_ID),
      PRIVATE_KEY: APP_PRIVATE_KEY,
      WEBHOOK_SECRET: webhookSecret,
      GHE_HOST: `${gateway}:${relays[0]?.port}`,
      GHE_PROTOCOL: 'http',
      LLM_PROVIDER: 'openai',
      LLM_MODEL: 'gpt-4o',
      LLM_BASE_URL: `http://${gateway}:${relays[1]?.port}/v1`,
      LLM_API_KEY: llmKey,
      LLM_MAX_RETRIES: '1',
      HANDSBOT_SANDBOX_IMAGE: sandboxImage,
      HANDSBOT_JOB_BACKOFF_MS: '1000',
    });
    await writeEnv();

    await compose('up', '-d', '--scale', 'worker=2');
    const workers = (await compose('ps', '-q', 'worker')).split('\n').filter(Boolean);
    expect(workers).toHaveLength(2);
    for (const id of workers) {
      await waitFor(async () => (await containerLogs(id)).includes('worker ready'), {
        timeoutMs: 120_000,
        intervalMs: 500,
        what: `worker ${id.slice(0, 12)} to be ready`,
      }).catch(async (error: Error) => {
        const { RestartCount, State } = await docker.getContainer(id).inspect();
        throw new Error(
          `${error.message} (${State.Status}, restarted ${RestartCount} times); its output:\n${await containerLogs(id)}`,
        );
      });
    }
    trace('both workers are ready');
    const webUrl = `http://${env.HANDSBOT_PUBLISH}`;
    await waitFor(
      async () =>
        (await fetch(`${webUrl}/ping`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined))?.ok,
      {
        timeoutMs: 120_000,
        intervalMs: 500,
        what: 'the web container to answer /ping on its published port',
      },
    );

    trace('the web process answers on its published port');
    // The delivery: signed with the app's secret, to the published port, as GitHub would.
    standin.setWebhook(`${webUrl}/api/github/webhooks`, webhookSecret);
    const issue = standin.createIssue(FULL, {
      title: 'add() subtracts instead of adding',
      body: 'add(2, 3) returns -1, so `node test.js` fails.',
      user: 'maintainer',
      labels: ['openhands'],
    });
    const delivery = await standin.deliver('issues', 'labeled', {
      repo: FULL,
      number: issue.number,
      sender: 'maintainer',
      overrides: { label: { name: 'openhands' } },
    });
    expect(delivery.status, delivery.body).toBe(200);
    trace('the webhook was accepted');

    const [owner = '', name = ''] = FULL.split('/');
    const repo = standin.state.repo(owner, name);
    const pull = await waitFor(
      () =>
        [...(repo?.items.values() ?? [])].find((item) =>
          item.pull?.head.startsWith(`openhands/issue-${issue.number}-`),
        ),
      { timeoutMs: 180_000, intervalMs: 500, what: 'the pull request' },
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await Promise.all(workers.map(containerLogs))}`);
    });
    trace(`pull request #${pull.number} opened`);
    const diff = await git(repo?.gitDir ?? '', 'diff', `main...${pull.pull?.head}`);
    expect(diff).toContain('+  return a + b;');

    // One of the two workers ran it, in a sandbox it started on the host's engine.
    const ran = [];
    for (const id of workers) if ((await containerLogs(id)).includes('run job started')) ran.push(id);
    expect(ran).toHaveLength(1);
    expect(llm.requests.length).toBe(FIX_ADD.steps.length);

    // Redis keeps an append-only file on its volume.
    expect(await compose('exec', '-T', 'redis', 'redis-cli', 'config', 'get', 'appendonly')).toMatch(
      /appendonly\s+yes/,
    );
  }, 600_000);
});

/** The gateway address of the compose network (named without dashes by docker-compose 1.x, with them by v2). */
async function networkGateway(...names: string[]): Promise<string> {
  for (const name of names) {
    const info = await docker
      .getNetwork(name)
      .inspect()
      .catch(() => undefined);
    const gateway = info?.IPAM?.Config?.[0]?.Gateway as string | undefined;
    if (gateway) return gateway;
  }
  throw new Error(`no compose network named ${names.join(' or ')}`);
}

async function containerLogs(id: string): Promise<string> {
  const buffer = (await docker
    .getContainer(id)
    .logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  return buffer.toString('utf8');
}

/** A worker labels its sandboxes `<hostname>-<pid>`; a container's hostname is its short id. */
async function removeSandboxesOf(workerContainers: string[]): Promise<void> {
  const hosts = workerContainers.map((id) => id.slice(0, 12));
  const sandboxes = await docker.listContainers({
    all: true,
    filters: { label: [`${LABELS.sandbox}=true`] },
  });
  for (const sandbox of sandboxes) {
    const worker = sandbox.Labels[LABELS.worker] ?? '';
    if (hosts.some((host) => worker.startsWith(`${host}-`))) {
      await docker
        .getContainer(sandbox.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
  }
}
