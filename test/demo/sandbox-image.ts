import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import Docker from 'dockerode';
import { defaultSandboxImage, START_DOCKER_COMMAND } from '../support/docker.js';
import { DemoSetupError } from './setup-error.js';

const BUILD_SCRIPT = path.resolve(import.meta.dirname, '../../sandbox/build-image.sh');

export interface DemoSandbox {
  readonly image: string;
  /** The demo built the image just now (it stays: it is reused by every later run). */
  readonly built: boolean;
}

/**
 * The Docker engine answers and the sandbox image is there. The image is built when the demo can
 * (root, debootstrap, the image is a `handsbot-sandbox:` tag the script makes); otherwise the demo
 * stops with the command, since building needs root and a few minutes the reader should choose to spend.
 */
export async function ensureSandbox(
  progress: (text: string) => void = () => undefined,
): Promise<DemoSandbox> {
  // dockerode finds the engine through this process's DOCKER_HOST, so everything else is read from there too.
  const env = process.env;
  const docker = new Docker();
  await pingDocker(docker, env.DOCKER_HOST ?? 'unix:///var/run/docker.sock');
  const image = env.HANDSBOT_SANDBOX_IMAGE ?? defaultSandboxImage();
  if (await hasImage(docker, image)) return { image, built: false };

  const tag = /^handsbot-sandbox:([\w.-]+)$/.exec(image)?.[1];
  if (tag === undefined) {
    throw new DemoSetupError(
      `The sandbox image ${image} (HANDSBOT_SANDBOX_IMAGE) is missing. Pull or build it, or unset ` +
        'HANDSBOT_SANDBOX_IMAGE to use the image sandbox/build-image.sh makes.',
    );
  }
  const hasDebootstrap = await onPath('debootstrap', env);
  if (process.getuid?.() !== 0 || !hasDebootstrap) {
    const command = `sudo sandbox/build-image.sh${image === defaultSandboxImage() ? '' : ` ${tag}`}`;
    throw new DemoSetupError(
      `The sandbox image ${image} is missing. Build it once (a few minutes; needs root, Docker and ` +
        `debootstrap${hasDebootstrap ? '' : ', which is not installed: sudo apt-get install -y debootstrap'}) with:\n` +
        `  ${command}\nthen run the demo again.`,
    );
  }
  progress(`The sandbox image ${image} is missing; building it with ${BUILD_SCRIPT} (a few minutes, once)…`);
  await buildImage(tag);
  if (!(await hasImage(docker, image)))
    throw new DemoSetupError(`${BUILD_SCRIPT} ran but ${image} is not there`);
  return { image, built: true };
}

async function pingDocker(docker: Docker, where: string): Promise<void> {
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 3 s')), 3_000).unref()),
    ]);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
    throw new DemoSetupError(
      `Docker is not reachable at ${where}: ${reason}. The demo runs the agent in a Docker sandbox.\n` +
        `Start the engine: sudo systemctl start docker, or open Docker Desktop, or on a machine without\n` +
        `systemd (a container, WSL) as root: ${START_DOCKER_COMMAND}\n` +
        'Or set DOCKER_HOST to an engine you can reach.',
    );
  }
}

async function hasImage(docker: Docker, image: string): Promise<boolean> {
  return docker
    .getImage(image)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}

async function onPath(tool: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  // root's PATH usually has the sbin folders; look there too since debootstrap lives in /usr/sbin.
  const dirs = [...(env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/sbin'];
  for (const dir of dirs.filter(Boolean)) {
    if (
      await access(path.join(dir, tool), constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
}

/** The script's progress goes to our stderr so the reader sees it move; its stdout is only the tag. */
function buildImage(tag: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(BUILD_SCRIPT, [tag], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new DemoSetupError(`${BUILD_SCRIPT} ${tag} failed (exit ${code})`)),
    );
  });
}
