import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import {
  createDockerWorkspace,
  type DockerWorkspace,
  type DockerWorkspaceOptions,
} from '../../../src/workspace/docker/index.js';
import { connectTestDocker, removeWorkerContainers, testWorkerId } from '../../support/docker.js';

/**
 * Per test file: the engine, a worker id of its own, and the workspaces and folders a test made,
 * all removed by `cleanup()` in afterEach.
 */
export interface DockerTestContext {
  docker: Docker;
  image: string;
  worker: string;
  /** A Docker workspace on a fresh (or the given) checkout folder. */
  workspace(overrides?: Partial<DockerWorkspaceOptions>): Promise<DockerWorkspace>;
  /** An empty folder removed at cleanup. */
  folder(): Promise<string>;
  /** Removes `dir` at cleanup too (fixture repositories made elsewhere). */
  adopt(dir: string): string;
  cleanup(): Promise<void>;
}

export async function dockerTestContext(): Promise<DockerTestContext> {
  const { docker, image } = await connectTestDocker();
  const worker = testWorkerId();
  const workspaces: DockerWorkspace[] = [];
  const folders: string[] = [];
  const folder = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hb-docker-'));
    folders.push(dir);
    return dir;
  };
  return {
    docker,
    image,
    worker,
    folder,
    adopt(dir) {
      folders.push(dir);
      return dir;
    },
    async workspace(overrides = {}) {
      const workspace = await createDockerWorkspace({
        docker,
        image,
        runId: `run-${workspaces.length + 1}`,
        hostCheckoutDir: overrides.hostCheckoutDir ?? (await folder()),
        repoName: 'repo',
        labels: { repository: 'octo/repo', worker },
        limits: { memoryBytes: 256 * 1024 * 1024, pids: 128, cpus: 1 },
        // Long enough that a quick command on a loaded machine is not cut by the soft timeout.
        shell: { noOutputTimeoutMs: 1_500, interruptGraceMs: 1_000 },
        ...overrides,
      });
      workspaces.push(workspace);
      return workspace;
    },
    async cleanup() {
      await Promise.all(workspaces.splice(0).map((w) => w.close().catch(() => {})));
      await removeWorkerContainers(docker, worker);
      await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}
