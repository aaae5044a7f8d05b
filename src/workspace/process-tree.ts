import { readdir, readFile } from 'node:fs/promises';

/**
 * Linux process bookkeeping through /proc. Shells are started as session leaders (`detached`), so
 * every process they start (including process groups a command made for itself) shares their session
 * id; killing by session reaches them all, short of daemons that call `setsid` themselves.
 */
export async function listSessionProcesses(sessionId: number): Promise<number[]> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  await Promise.all(
    entries.map(async (entry) => {
      if (!/^\d+$/.test(entry)) return;
      try {
        const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
        // Fields after the command name, which is in parentheses and may itself contain spaces.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[3]) === sessionId) pids.push(Number(entry));
      } catch {
        // The process ended while we looked: nothing to kill.
      }
    }),
  );
  return pids;
}

/** SIGKILLs every process of the session, twice over to catch children forked meanwhile. */
export async function killSession(sessionId: number): Promise<void> {
  for (let round = 0; round < 2; round++) {
    sendSignal(-sessionId, 'SIGKILL');
    for (const pid of await listSessionProcesses(sessionId)) sendSignal(pid, 'SIGKILL');
  }
}

/** process.kill without the throw for a process that is already gone. */
export function sendSignal(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}
