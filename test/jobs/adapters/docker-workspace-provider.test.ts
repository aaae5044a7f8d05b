import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerWorkspaceProvider } from '../../../jobs/adapters/docker-workspace-provider.js';
import { MirrorCache } from '../../../src/workspace/git/index.js';
import {
  connectTestDocker,
  listWorkerContainers,
  removeWorkerContainers,
  testWorkerId,
} from '../../support/docker.js';
import { createBuggyRepo } from '../../support/fixture-repo.js';
import { type GitHttpServer, startGitHttpServer } from '../../support/git-http-server.js';
import { ISSUE_RUN_DATA, ISSUE_RUN_TASK } from './provider-fixtures.js';

const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;
const worker = testWorkerId();
let server: GitHttpServer;
let tmp: string;
let docker: Awaited<ReturnType<typeof connectTestDocker>>;

beforeAll(async () => {
  docker = await connectTestDocker();
  tmp = await mkdtemp(path.join(tmpdir(), 'handsbot-provider-'));
  const root = path.join(tmp, 'remote');
  await mkdir(path.join(root, 'acme'), { recursive: true });
  execFileSync('git', [
    'clone',
    '--quiet',
    '--bare',
    await createBuggyRepo(),
    path.join(root, 'acme/widgets.git'),
  ]);
  // A repository with instructions for agents and a setup script on its default branch.
  const prepared = await createBuggyRepo();
  await mkdir(path.join(prepared, '.openhands'));
  await writeFile(path.join(prepared, 'AGENTS.md'), 'Run the tests with `node test.js`.\n');
  await writeFile(path.join(prepared, '.openhands/setup.sh'), 'echo preparing; touch .setup-ran; exit 3\n');
  execFileSync('git', ['add', '.'], { cwd: prepared });
  execFileSync(
    'git',
    ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'agents'],
    {
      cwd: prepared,
    },
  );
  execFileSync('git', ['clone', '--quiet', '--bare', prepared, path.join(root, 'acme/tools.git')]);
  server = await startGitHttpServer({ root, token: TOKEN });
});

afterAll(async () => {
  await removeWorkerContainers(docker.docker, worker);
  await server?.close();
});

const data = ISSUE_RUN_DATA;
const task = ISSUE_RUN_TASK;

function provider(workerId = worker) {
  return createDockerWorkspaceProvider({
    docker: docker.docker,
    image: docker.image,
    mirrors: new MirrorCache({ cacheDir: path.join(tmp, 'mirrors'), maxBytes: 500_000_000 }),
    checkoutsDir: path.join(tmp, 'checkouts'),
    gitBaseUrl: server.url,
    installationToken: async () => TOKEN,
    workerId,
    networkPolicy: { mode: 'none' },
    disk: { limitBytes: 1024 * 1024 * 1024 },
    logger: pino({ level: 'silent' }),
  });
}

describe('the Docker workspace provider', () => {
  it('checks the repository out through the mirror into a sandbox, and removes both on the final release', async () => {
    const signal = new AbortController().signal;
    const prepared = await provider().prepare({ runId: 'run-a', data, task, resume: false, signal });
    try {
      expect(prepared.workspace.root).toBe('/workspace/widgets');
      expect(prepared.remoteUrl).toBe(`${server.url}/acme/widgets.git`);
      expect(prepared.baseCommit).toMatch(/^[0-9a-f]{40}$/);
      const result = await prepared.workspace.exec('node test.js; git config --get remote.origin.url; env');
      expect(result.output).toContain('AssertionError');
      expect(result.output).toContain(`${server.url}/acme/widgets.git`);
      expect(result.output).not.toContain(TOKEN);
    } finally {
      await prepared.release({ final: true });
    }
    expect(existsSync(prepared.checkoutDir)).toBe(false);
    expect(await listWorkerContainers(docker.docker, worker)).toEqual([]);
  });

  it('gives a resumed run the checkout it left, edits included', async () => {
    const signal = new AbortController().signal;
    const first = await provider().prepare({ runId: 'run-b', data, task, resume: false, signal });
    await first.workspace.writeFile('/workspace/widgets/NOTES.md', 'half done\n');
    await first.release({ final: false });
    expect(await listWorkerContainers(docker.docker, worker)).toEqual([]);

    const second = await provider().prepare({ runId: 'run-b', data, task, resume: true, signal });
    try {
      expect((await second.workspace.readFile('/workspace/widgets/NOTES.md')).toString()).toBe('half done\n');
      expect(second.freshCheckoutOnResume).toBeUndefined();
      expect(second.baseCommit).toBe(first.baseCommit);
    } finally {
      await second.release({ final: true });
    }
  });

  it('on resume elsewhere, removes the sandbox and network a dead worker left, and flags the fresh checkout', async () => {
    const signal = new AbortController().signal;
    const runId = `run-${randomBytes(4).toString('hex')}`;
    const open = { ...task, repoSettings: { network: { mode: 'open' as const } } };
    // The first worker "dies": it never releases its sandbox or the run's network.
    const deadWorker = testWorkerId();
    await provider(deadWorker).prepare({ runId, data, task: open, resume: false, signal });
    expect(await listWorkerContainers(docker.docker, deadWorker)).toHaveLength(1);

    // The run resumes on "another machine": its checkout is not there.
    await rm(path.join(tmp, 'checkouts', runId), { recursive: true, force: true });
    const resumed = await provider().prepare({ runId, data, task: open, resume: true, signal });
    try {
      expect(resumed.freshCheckoutOnResume).toBe(true);
      expect(await listWorkerContainers(docker.docker, deadWorker)).toEqual([]);
      expect(await listWorkerContainers(docker.docker, worker)).toHaveLength(1);
      expect((await resumed.workspace.exec('echo alive')).output).toContain('alive');
    } finally {
      await resumed.release({ final: true });
      await removeWorkerContainers(docker.docker, deadWorker);
    }
  });

  it("adds the base branch's AGENTS.md to the context and runs its setup script in the sandbox, reporting failure", async () => {
    const signal = new AbortController().signal;
    const tools = { ...data, repository: { id: 43, owner: 'acme', name: 'tools' } };
    const prepared = await provider().prepare({ runId: 'run-d', data: tools, task, resume: false, signal });
    try {
      expect(prepared.repositoryInstructions).toContain('Run the tests with `node test.js`.');
      expect(prepared.repositoryInstructions).toMatch(
        /<untrusted-[0-9a-f]+ source="repository file AGENTS.md">/,
      );
      expect(prepared.setup).toMatchObject({ exitCode: 3, timedOut: false });
      expect(prepared.setup?.output).toContain('preparing');
      expect((await prepared.workspace.stat('/workspace/tools/.setup-ran')).type).toBe('file');
    } finally {
      await prepared.release({ final: true });
    }
  });

  it("uses the network policy the repository asks for instead of the worker's", async () => {
    const signal = new AbortController().signal;
    const open = { ...task, repoSettings: { network: { mode: 'open' as const } } };
    const prepared = await provider().prepare({ runId: 'run-e', data, task: open, resume: false, signal });
    try {
      const interfaces = await prepared.workspace.exec('ls /sys/class/net');
      expect(interfaces.output.split(/\s+/).filter(Boolean).sort()).toEqual(['eth0', 'lo']);
    } finally {
      await prepared.release({ final: true });
    }
  });

  it('refuses, without retrying, a repository whose access is refused', async () => {
    const refused = createDockerWorkspaceProvider({
      docker: docker.docker,
      image: docker.image,
      mirrors: new MirrorCache({ cacheDir: path.join(tmp, 'mirrors-2'), maxBytes: 500_000_000 }),
      checkoutsDir: path.join(tmp, 'checkouts-2'),
      gitBaseUrl: server.url,
      installationToken: async () => 'ghs_wrong',
      workerId: worker,
      networkPolicy: { mode: 'none' },
      disk: { limitBytes: 1024 * 1024 * 1024 },
      logger: pino({ level: 'silent' }),
    });
    await expect(
      refused.prepare({ runId: 'run-c', data, task, resume: false, signal: new AbortController().signal }),
    ).rejects.toMatchObject({ name: 'PermanentJobError', userMessage: expect.stringContaining('refused') });
  });
});
