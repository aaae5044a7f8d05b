import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUILD_SCRIPT = path.join(ROOT, 'sandbox/build-app-image.sh');

/**
 * The app image of the root Dockerfile as it is now: sandbox/build-app-image.sh builds it, or answers
 * at once with the image already built from the same inputs (`.ci/run` builds it before the tests).
 * A build that fails fails the test with its output.
 */
export async function appImage(): Promise<string> {
  try {
    const { stdout } = await run(BUILD_SCRIPT, [], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`${BUILD_SCRIPT} failed:\n${(stderr ?? '').split('\n').slice(-40).join('\n')}`, {
      cause: error,
    });
  }
}

/** The image docker-compose.yml runs Redis from (sandbox/build-base-image.sh, run by appImage()). */
export const BASE_IMAGE = 'handsbot-base:latest';

export { ROOT };
