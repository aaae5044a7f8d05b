import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { LABELS } from '../../src/workspace/docker/index.js';

/**
 * Tests that need Docker get the real engine (DOCKER_HOST or the default socket) and the sandbox
 * image. A missing engine or image fails the test, in CI and locally alike: a skipped sandbox test
 * looks green while proving nothing.
 */
export const START_DOCKER_COMMAND = 'sandbox/setup-host.sh';

/** The files whose hash is the tag `sandbox/build-image.sh` gives by default (its input_hash). */
const BUILD_INPUTS = ['build-image.sh', 'debian-rootfs.sh'].map((file) =>
  path.resolve(import.meta.dirname, '../../sandbox', file),
);

/** The tag `sandbox/build-image.sh` gives by default: a hash of the scripts that make the image. */
export function defaultSandboxImage(): string {
  const hash = createHash('sha256');
  for (const file of BUILD_INPUTS) hash.update(readFileSync(file));
  return `handsbot-sandbox:${hash.digest('hex').slice(0, 12)}`;
}

export interface TestDocker {
  docker: Docker;
  image: string;
}

export async function connectTestDocker(env: NodeJS.ProcessEnv = process.env): Promise<TestDocker> {
  const docker = new Docker();
  const where = env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 3 s')), 3_000).unref()),
    ]);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
    const hint =
      env.CI === 'true'
        ? 'CI must provide Docker for these tests (.ci/run installs docker.io and starts dockerd).'
        : `Start one with: ${START_DOCKER_COMMAND} (as root), or set DOCKER_HOST.`;
    throw new Error(`Docker is not reachable at ${where}: ${reason}. ${hint}`, { cause: error });
  }
  const image = env.HANDSBOT_SANDBOX_IMAGE ?? defaultSandboxImage();
  try {
    await docker.getImage(image).inspect();
  } catch (error) {
    throw new Error(
      `The sandbox image ${image} is missing. Build it with: sudo sandbox/build-image.sh (or set HANDSBOT_SANDBOX_IMAGE).`,
      { cause: error },
    );
  }
  return { docker, image };
}

/** A worker id of its own per test file, so parallel files never reap or remove each other's containers. */
export function testWorkerId(): string {
  return `test-${randomUUID()}`;
}

/** Removes every container a test's worker id made; returns how many were still there. */
export async function removeWorkerContainers(docker: Docker, worker: string): Promise<number> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${LABELS.worker}=${worker}`] },
  });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => {}),
    ),
  );
  return containers.length;
}

export async function listWorkerContainers(docker: Docker, worker: string): Promise<string[]> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${LABELS.worker}=${worker}`] },
  });
  return containers.map((c) => c.Id);
}
