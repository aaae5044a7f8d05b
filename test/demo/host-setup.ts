import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { DemoSetupError } from './setup-error.js';

const run = promisify(execFile);

/** The one set-up script the demo and `.ci/run` share. */
export const SETUP_SCRIPT = path.resolve(import.meta.dirname, '../../sandbox/setup-host.sh');

/** What a reader without root types, from the repository's folder. */
export const SETUP_COMMAND = 'sudo sandbox/setup-host.sh';

export interface HostSetup {
  /** Root or passwordless sudo: the demo may run the set-up script itself. */
  readonly canRun: boolean;
  /**
   * Runs the script once (a second call waits for the first), after saying why; its own steps go to
   * stderr as it goes. Rejects when it fails. Only called when `canRun`.
   */
  run(why: string): Promise<void>;
}

/**
 * Whether this process may set the machine up (root, or `sudo -n` works), and how. The script does
 * everything at once (packages, Redis, dockerd, the sandbox image), so whichever part the demo finds
 * missing first, one run fixes them all.
 */
export async function detectHostSetup(progress: (text: string) => void): Promise<HostSetup> {
  const root = process.getuid?.() === 0;
  const sudo =
    !root &&
    (await run('sudo', ['-n', 'true']).then(
      () => true,
      () => false,
    ));
  let running: Promise<void> | undefined;
  return {
    canRun: root || sudo,
    run(why) {
      running ??= (async () => {
        progress(
          `${why}. Running ${SETUP_COMMAND.replace(/^sudo /, root ? '' : 'sudo ')} to set this machine up: it installs what ` +
            'is missing (git, redis-server, docker.io, debootstrap), starts Redis and the Docker engine, and builds ' +
            'the sandbox image from Debian packages (a few minutes, once). Its steps follow.',
        );
        await runScript(root ? [SETUP_SCRIPT] : ['sudo', '-n', SETUP_SCRIPT]);
      })();
      return running;
    },
  };
}

/** The script's steps go to our stderr so the reader sees them; its stdout is only the image tag. */
function runScript([command = SETUP_SCRIPT, ...args]: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new DemoSetupError(`${SETUP_SCRIPT} failed (exit ${code}); its output is above`)),
    );
  });
}
