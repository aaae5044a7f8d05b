import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { ShellProcess } from './shell-process.js';
import { commandLine, findSentinel, initScript, type Sentinel, safeOutputLength } from './shell-protocol.js';
import type { ShellRunOptions, ShellRunResult, ShellSession } from './workspace.js';

/** The call does not fit the shell's state: a new command while one runs, input while none runs... */
export class ShellStateError extends Error {
  override readonly name = 'ShellStateError';
  constructor(
    readonly reason: 'busy' | 'idle' | 'unsupported_key' | 'closed' | 'aborted',
    message: string,
  ) {
    super(message);
  }
}

export interface ShellSessionOptions {
  /** Starts a fresh shell in the workspace root. */
  spawn: () => ShellProcess;
  /** Where a fresh shell starts, reported as cwd until the first command finishes. */
  initialCwd: string;
  /** Soft timeout: return after this long without new output, the command still running. */
  noOutputTimeoutMs?: number;
  /** Without a hard timeout, return after this long even if output keeps coming (a chatty server). */
  maxWaitMs?: number;
  /** How long a command gets to stop after C-c on a hard timeout before the shell is restarted. */
  interruptGraceMs?: number;
  startTimeoutMs?: number;
  /** Output kept in memory per call; beyond it the middle is dropped (the tool cuts far earlier). */
  maxBufferedChars?: number;
}

type Outcome = { kind: 'done'; sentinel: Sentinel } | { kind: 'exited' | 'soft' | 'hard' | 'aborted' };

/** Keys a model sends (`C-c`...) and what they become without a terminal. */
const CONTROL_KEYS: Readonly<Record<string, 'SIGINT' | 'SIGQUIT' | null>> = {
  'C-c': 'SIGINT',
  'C-\\': 'SIGQUIT',
  // EOF and job stop need a terminal: over a pipe shared with the shell, neither can be delivered.
  'C-d': null,
  'C-z': null,
};

export function createShellSession(options: ShellSessionOptions): ShellSession {
  return new PipeShellSession(options);
}

class PipeShellSession implements ShellSession {
  private readonly nonce = randomBytes(8).toString('hex');
  private readonly noOutputTimeoutMs: number;
  private readonly maxWaitMs: number;
  private readonly interruptGraceMs: number;
  private readonly startTimeoutMs: number;
  private readonly maxBufferedChars: number;
  private proc: ShellProcess | null = null;
  private exitCode: number | null = null;
  /** Output received and not yet handed out, sentinels included until a waiter takes them. */
  private raw = '';
  private running: number | null = null;
  private nextId = 1;
  private cwd: string;
  private notify: (() => void) | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: ShellSessionOptions) {
    this.cwd = options.initialCwd;
    this.noOutputTimeoutMs = options.noOutputTimeoutMs ?? 30_000;
    this.maxWaitMs = options.maxWaitMs ?? 120_000;
    this.interruptGraceMs = options.interruptGraceMs ?? 3_000;
    this.startTimeoutMs = options.startTimeoutMs ?? 10_000;
    this.maxBufferedChars = options.maxBufferedChars ?? 2_000_000;
  }

  run(options: ShellRunOptions): Promise<ShellRunResult> {
    return this.serialised(() => this.runNow(options));
  }

  async reset(): Promise<void> {
    await this.stop();
    if (!this.closed) await this.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }

  /** Parallel tool calls must not interleave on one shell. */
  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async runNow({ command, isInput, timeoutMs, signal }: ShellRunOptions): Promise<ShellRunResult> {
    if (this.closed) throw new ShellStateError('closed', 'The terminal session is closed.');
    if (signal?.aborted) throw new ShellStateError('aborted', 'Cancelled before the command was sent.');
    const key = Object.hasOwn(CONTROL_KEYS, command.trim()) ? command.trim() : null;
    let prefix = '';
    let id = this.running;
    if (id === null) {
      if (isInput || key !== null) {
        throw new ShellStateError('idle', 'ERROR: No previous running command to interact with.');
      }
      if (command.trim() === '') {
        throw new ShellStateError('idle', 'ERROR: No previous running command to retrieve logs from.');
      }
      const proc = await this.start();
      // Whatever background jobs printed between commands is shown with the next one.
      prefix = this.raw;
      this.raw = '';
      id = this.nextId++;
      this.running = id;
      proc.stdin.write(commandLine(id, command));
    } else if (key !== null) {
      const name = CONTROL_KEYS[key];
      if (!name) {
        throw new ShellStateError(
          'unsupported_key',
          `${key} cannot be sent: this terminal is not a tty. Use C-c to interrupt the command, or reset the terminal.`,
        );
      }
      this.proc?.signal(name);
    } else if (isInput) {
      if (command !== '') this.proc?.stdin.write(command.endsWith('\n') ? command : `${command}\n`);
    } else if (command.trim() !== '') {
      throw new ShellStateError(
        'busy',
        `[Your command "${command}" is NOT executed. The previous command is still running - you CANNOT send new commands until it has completed. With \`is_input\` set to true you can: send an empty command to wait for more output, send text to the running process's stdin, or send C-c to interrupt it before running your new command.]`,
      );
    }
    const waitOptions = timeoutMs === undefined ? {} : { hardMs: timeoutMs };
    const outcome = await this.waitFor(id, signal ? { ...waitOptions, signal } : waitOptions);
    return this.finish(id, outcome, prefix);
  }

  private async finish(id: number, outcome: Outcome, prefix: string): Promise<ShellRunResult> {
    switch (outcome.kind) {
      case 'done':
        this.running = null;
        this.cwd = outcome.sentinel.cwd;
        return this.result(prefix + outcome.sentinel.before, outcome.sentinel.exitCode, false);
      case 'soft': {
        const length = safeOutputLength(this.nonce, this.raw);
        const output = this.raw.slice(0, length);
        this.raw = this.raw.slice(length);
        return this.result(prefix + output, -1, false);
      }
      case 'exited':
        return this.result(prefix + this.shellGone(), this.exitCode ?? -1, false);
      case 'hard':
      case 'aborted': {
        // Interrupt as a terminal's C-c would, then give the command a moment to wind down.
        this.proc?.signal('SIGINT');
        const after = await this.waitFor(id, { hardMs: this.interruptGraceMs });
        const timedOut = outcome.kind === 'hard';
        if (after.kind === 'done') return { ...(await this.finish(id, after, prefix)), timedOut };
        if (after.kind === 'exited')
          return { ...this.result(prefix + this.shellGone(), -1, false), timedOut };
        const output = prefix + this.raw;
        await this.stop();
        const note =
          '\n[The command did not stop on C-c, so the terminal was restarted: the working directory and exported variables were reset.]';
        return { ...this.result(output + note, -1, false), timedOut };
      }
    }
  }

  private result(output: string, exitCode: number, timedOut: boolean): ShellRunResult {
    return { output, exitCode, cwd: this.cwd, timedOut };
  }

  /** The shell died under a command (`exit`, `set -e`...): report it and start afresh next time. */
  private shellGone(): string {
    const output = this.raw;
    // Background jobs of the dead shell go with it.
    void this.proc?.kill();
    this.proc = null;
    this.raw = '';
    this.running = null;
    this.cwd = this.options.initialCwd;
    return `${output}\n[The shell exited with code ${this.exitCode ?? -1}. A new shell will start in ${this.cwd} with the next command; exported variables are gone.]`;
  }

  private async start(): Promise<ShellProcess> {
    if (this.proc && this.exitCode === null) return this.proc;
    if (this.proc) await this.stop();
    const proc = this.options.spawn();
    this.proc = proc;
    this.raw = '';
    this.exitCode = null;
    const decoder = new StringDecoder('utf8');
    proc.stdout.on('data', (chunk: Buffer) => this.onData(proc, decoder.write(chunk)));
    // The init script merges stderr into stdout; what still comes here is bash's start-up chatter
    // ("no job control in this shell", the first prompt), which may arrive after the handshake.
    proc.stderr?.resume();
    void proc.exited.then((code) => {
      if (this.proc !== proc) return;
      this.exitCode = code;
      this.notify?.();
    });
    proc.stdin.write(initScript(this.nonce));
    const ready = await this.waitFor(0, { hardMs: this.startTimeoutMs });
    if (ready.kind !== 'done') {
      const output = this.raw;
      await this.stop();
      throw new Error(`The shell did not start (${ready.kind}): ${output.slice(0, 500)}`);
    }
    this.cwd = ready.sentinel.cwd;
    return proc;
  }

  private async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    this.running = null;
    this.raw = '';
    this.cwd = this.options.initialCwd;
    this.notify?.();
    if (proc) await proc.kill();
  }

  private onData(proc: ShellProcess, text: string): void {
    if (proc !== this.proc || text === '') return;
    this.raw += text;
    if (this.raw.length > this.maxBufferedChars) {
      // Keep the tail whole: the sentinel will be there.
      const half = Math.floor(this.maxBufferedChars / 2);
      const dropped = this.raw.length - 2 * half;
      this.raw = `${this.raw.slice(0, half)}\n[... ${dropped} characters dropped ...]\n${this.raw.slice(-half)}`;
    }
    this.notify?.();
  }

  /** Takes the sentinel of command `id` out of the buffer, dropping stale ones of earlier commands. */
  private takeSentinel(id: number): Sentinel | null {
    for (;;) {
      const sentinel = findSentinel(this.nonce, this.raw);
      if (!sentinel) return null;
      if (sentinel.id === id) {
        this.raw = sentinel.after;
        return sentinel;
      }
      this.raw = sentinel.before + sentinel.after;
    }
  }

  private waitFor(id: number, options: { hardMs?: number; signal?: AbortSignal }): Promise<Outcome> {
    const { hardMs, signal } = options;
    const proc = this.proc;
    return new Promise((resolve) => {
      const timers: NodeJS.Timeout[] = [];
      let softTimer: NodeJS.Timeout | undefined;
      const settle = (outcome: Outcome) => {
        for (const timer of timers) clearTimeout(timer);
        clearTimeout(softTimer);
        signal?.removeEventListener('abort', onAbort);
        this.notify = null;
        resolve(outcome);
      };
      const onAbort = () => settle({ kind: 'aborted' });
      const check = () => {
        const sentinel = this.takeSentinel(id);
        if (sentinel) return settle({ kind: 'done', sentinel });
        if (this.proc !== proc || this.exitCode !== null) return settle({ kind: 'exited' });
        if (hardMs !== undefined) return;
        if (this.raw.length >= this.maxBufferedChars) return settle({ kind: 'soft' });
        clearTimeout(softTimer);
        softTimer = setTimeout(() => settle({ kind: 'soft' }), this.noOutputTimeoutMs);
      };
      if (hardMs !== undefined) timers.push(setTimeout(() => settle({ kind: 'hard' }), hardMs));
      else timers.push(setTimeout(() => settle({ kind: 'soft' }), this.maxWaitMs));
      this.notify = check;
      // The signal may have fired while the shell was starting: an abort listener added now would never run.
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }
}
