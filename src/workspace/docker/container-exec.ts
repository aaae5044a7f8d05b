import { type Duplex, PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Container } from 'dockerode';
import { demuxDockerStream } from './demux-docker-stream.js';

export interface ExecSpec {
  cmd: string[];
  /** `uid:gid`; the container's user otherwise. */
  user: string;
  workingDir?: string;
  /** Whether the caller will write to the process's stdin. */
  stdin?: boolean;
}

export interface StartedExec {
  /** The hijacked connection: write stdin to it, `end()` it for EOF. */
  readonly stream: Duplex;
  readonly stdout: PassThrough;
  readonly stderr: PassThrough;
  /** The exit code once the process is gone (-1 if the engine could not tell). */
  readonly exited: Promise<number>;
}

/**
 * Starts a process in the container, attached, without a tty (so stdout and stderr stay apart and
 * nothing is echoed). The environment is the container's, which holds no secret; none is added here.
 */
export async function startExec(container: Container, spec: ExecSpec): Promise<StartedExec> {
  const exec = await container.exec({
    Cmd: spec.cmd,
    User: spec.user,
    ...(spec.workingDir === undefined ? {} : { WorkingDir: spec.workingDir }),
    AttachStdin: spec.stdin ?? false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = await exec.start({ hijack: true, stdin: spec.stdin ?? false, Detach: false, Tty: false });
  // A write after the process died, or a reset connection, must not crash the worker.
  stream.on('error', () => {});
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  demuxDockerStream(stream, stdout, stderr);
  const ended = new Promise<void>((resolve) => {
    stdout.once('end', resolve);
    stdout.once('close', resolve);
  });
  const exited = ended.then(async () => {
    // The stream can close a moment before the engine records the exit code.
    for (let attempt = 0; attempt < 50; attempt++) {
      const info = await exec.inspect().catch(() => null);
      if (!info) return -1;
      if (!info.Running) return info.ExitCode ?? -1;
      await sleep(20);
    }
    return -1;
  });
  return { stream, stdout, stderr, exited };
}

export interface ExecOutput {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
}

/**
 * A short helper process (file access, kill, cgroup reads): input written and closed, both streams
 * collected whole. Not for agent commands, which need kills (see `runSandboxCommand`). A helper that
 * does not finish in `timeoutMs` (bash retrying forks under a fork bomb...) is abandoned with an error.
 */
export async function collectExec(
  container: Container,
  spec: ExecSpec,
  options: { input?: string | Buffer; timeoutMs: number },
): Promise<ExecOutput> {
  const { input, timeoutMs } = options;
  const started = await startExec(container, { ...spec, stdin: input !== undefined });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  started.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  started.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  if (input !== undefined) started.stream.end(input);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    started.stream.destroy();
  }, timeoutMs);
  const exitCode = await started.exited.finally(() => clearTimeout(timer));
  if (timedOut) throw new Error(`${spec.cmd.join(' ').slice(0, 80)} did not finish within ${timeoutMs} ms`);
  return { exitCode, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) };
}
