import Docker from 'dockerode';
import { defaultSandboxImage } from '../support/docker.js';
import { type HostSetup, SETUP_COMMAND } from './host-setup.js';
import { DemoSetupError } from './setup-error.js';

export interface DemoSandbox {
  readonly image: string;
  /** The set-up script ran just now (what it installed and built stays for every later run). */
  readonly ranSetup: boolean;
}

/**
 * The Docker engine answers and the sandbox image is there. When the local engine does not answer, or
 * the default image (the one sandbox/build-image.sh makes) is missing, `setup` fixes both if it may
 * (root); otherwise the demo stops with the one command, since it needs root and a few minutes.
 */
export async function ensureSandbox(setup?: HostSetup): Promise<DemoSandbox> {
  // dockerode finds the engine through this process's DOCKER_HOST, so everything else is read from there too.
  const env = process.env;
  const docker = new Docker();
  const where = env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  // An engine DOCKER_HOST names is the reader's own: the set-up script starts only the local one.
  const local = env.DOCKER_HOST === undefined;
  let ranSetup = false;
  const problem = await pingDocker(docker);
  if (problem !== undefined) {
    if (!local || !setup?.canRun) throw dockerUnreachable(where, problem);
    await setup.run(`Docker is not reachable at ${where} (${problem})`);
    ranSetup = true;
    const still = await pingDocker(docker);
    if (still !== undefined) throw dockerUnreachable(where, still);
  }
  const image = env.HANDSBOT_SANDBOX_IMAGE ?? defaultSandboxImage();
  if (await hasImage(docker, image)) return { image, ranSetup };

  if (image !== defaultSandboxImage()) {
    throw new DemoSetupError(
      `The sandbox image ${image} (HANDSBOT_SANDBOX_IMAGE) is missing. Pull or build it, or unset ` +
        'HANDSBOT_SANDBOX_IMAGE to use the image sandbox/build-image.sh makes.',
    );
  }
  if (!setup?.canRun) {
    throw new DemoSetupError(
      `The sandbox image ${image} is missing. Build it once (a few minutes; it needs root, and installs ` +
        `Docker and debootstrap when they are missing) with:\n  ${SETUP_COMMAND}\nthen run the demo again.`,
    );
  }
  await setup.run(`The sandbox image ${image} is missing`);
  if (!(await hasImage(docker, image)))
    throw new DemoSetupError(`${SETUP_COMMAND} ran but ${image} is not there`);
  return { image, ranSetup: true };
}

/** Why the engine does not answer, or undefined when it does. */
async function pingDocker(docker: Docker): Promise<string | undefined> {
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 3 s')), 3_000).unref()),
    ]);
    return undefined;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
  }
}

function dockerUnreachable(where: string, reason: string): DemoSetupError {
  // The engine runs, but its socket is not this user's: starting or installing anything would not help.
  if (reason.includes('EACCES')) {
    return new DemoSetupError(
      `Docker is running at ${where} but this user may not use it (${reason}). The demo runs the agent\n` +
        'in a Docker sandbox: add yourself to the docker group (sudo usermod -aG docker "$USER", then log in\n' +
        'again), or run the demo with sudo.',
    );
  }
  return new DemoSetupError(
    `Docker is not reachable at ${where}: ${reason}. The demo runs the agent in a Docker sandbox.\n` +
      `Start the engine: sudo systemctl start docker, or open Docker Desktop, or set this machine up\n` +
      `(Debian/Ubuntu: installs and starts Docker, Redis and the sandbox image) with: ${SETUP_COMMAND}\n` +
      'Or set DOCKER_HOST to an engine you can reach.',
  );
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
