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
 * Never root inside: with all capabilities dropped it could still write every root-owned file the
 * image has on its tmpfs mounts and own the checkout in ways the worker cannot undo.
 */
export async function prepareSandboxUser(
  hostCheckoutDir: string,
  workerUid = process.getuid?.() ?? SANDBOX_UID,
  workerGid = process.getgid?.() ?? SANDBOX_UID,
): Promise<SandboxUser> {
  if (workerUid !== 0) return { uid: workerUid, gid: workerGid, release: async () => {} };
  const owner = await stat(hostCheckoutDir);
  await chownTree(hostCheckoutDir, SANDBOX_UID, SANDBOX_UID);
  return {
    uid: SANDBOX_UID,
    gid: SANDBOX_UID,
    release: () => chownTree(hostCheckoutDir, owner.uid, owner.gid),
  };
}

const run = promisify(execFile);

/** `chown -R` without following symlinks (-P is chown's default; -h changes the links themselves). */
async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await run('chown', ['-R', '-h', `${uid}:${gid}`, '--', dir]);
}
