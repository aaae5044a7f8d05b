import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';

/** The image's unprivileged `agent` user (sandbox/build-image.sh, sandbox/Dockerfile). */
export const SANDBOX_UID = 10001;

export interface SandboxUser {
  uid: number;
  gid: number;
  /** Gives the checkout back to its owner when the run is over; a no-op unless it was handed over. */
  release(): Promise<void>;
}

/**
 * Who the container runs as, so that both sides can write the checkout:
 * - a worker running as root hands the checkout to the image's `agent` user (uid 10001) for the run
 *   and takes it back afterwards (root writes it either way; git on the host then sees its own
 *   files again instead of refusing a "dubious ownership" repository);
 * - any other worker runs the container as its own uid:gid. No chown is needed, or possible without
 *   privileges, and that uid is just as unprivileged inside the container.
 * Never root inside: without a user namespace uid 0 in the container is uid 0 on the host, so any
 * escape would land as host root, and the files it made in the checkout would be root's.
 * A checkout must not share writable inodes with the bare mirror when the worker is not root: the
 * agent runs as the mirror's owner then (clone with --no-hardlinks).
 */
export async function prepareSandboxUser(
  hostCheckoutDir: string,
  workerUid = process.getuid?.() ?? SANDBOX_UID,
  workerGid = process.getgid?.() ?? SANDBOX_UID,
): Promise<SandboxUser> {
  if (workerUid !== 0) return { uid: workerUid, gid: workerGid, release: async () => {} };
  const owner = await stat(hostCheckoutDir);
  // Directories and files with one link only: a file with more may be hardlinked to the bare mirror
  // (`git clone --local` does that for objects), and handing it over would let the agent rewrite an
  // object every later checkout shares. Left as they are, they stay readable,
  // and git never rewrites an object in place.
  await find(hostCheckoutDir, ['(', '-type', 'd', '-o', '-links', '1', ')'], `${SANDBOX_UID}:${SANDBOX_UID}`);
  return {
    uid: SANDBOX_UID,
    gid: SANDBOX_UID,
    // Whatever the sandbox user owns by the end, its own files included, goes back to the owner.
    release: () => find(hostCheckoutDir, ['-user', String(SANDBOX_UID)], `${owner.uid}:${owner.gid}`),
  };
}

const run = promisify(execFile);

/** chown of what `tests` select, never following symlinks (`-P`, `-h`) nor leaving the filesystem. */
async function find(dir: string, tests: string[], owner: string): Promise<void> {
  await run('find', ['-P', dir, '-xdev', ...tests, '-exec', 'chown', '-h', owner, '--', '{}', '+']);
}
