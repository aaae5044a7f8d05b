import type { ActionEvent, NewEvent, RunEvent, RunSettings } from '../events/event.js';
import type { EventStore } from '../events/event-store.js';
import { LlmError } from '../llm/llm-error.js';
import type { LlmResponse } from '../llm/types.js';
import { needsConfirmation } from '../security/confirmation-policy.js';
import type { ToolContext } from '../tools/tool.js';
import type { Workspace } from '../workspace/workspace.js';
import { type AgentSpec, AUTO_CONTINUE_MESSAGE } from './agent-spec.js';
import { buildLlmMessages } from './build-llm-messages.js';
import { checkLimits } from './check-limits.js';
import { condense, planCondensation } from './condenser.js';
import { ConversationView } from './conversation-view.js';
import { detectStuck } from './detect-stuck.js';
import { executeAction } from './execute-action.js';
import { RunLog, type RunLogDeps } from './run-log.js';
import { type RunState, TERMINAL_STATUSES } from './run-state.js';
import { terminalHistory } from './terminal-history.js';
import { toStepEvents } from './to-step-events.js';

export interface ConversationDeps extends RunLogDeps {
  /** A folder outside the workspace for full tool outputs that were cut. */
  outputDir: string;
  onTextDelta?: (text: string) => void;
}

export interface StartOptions {
  store: EventStore;
  runId: string;
  agent: AgentSpec;
  workspace: Workspace;
  settings: RunSettings;
  task: string;
  sender: string;
  deps: ConversationDeps;
}

export interface ResumeOptions extends Omit<StartOptions, 'task' | 'sender' | 'settings'> {
  /**
   * Something the agent must be told before it goes on (its workspace was rebuilt, say). It is added
   * to the log at the next `run`, after any cut-off action is answered, so it never splits a tool
   * call from its result.
   */
  notice?: { content: string; sender: string };
}

export type Decision = { approve: true; by: string } | { approve: false; by: string; reason: string };

/**
 * One run of the agent, bound to its log, its workspace and an immutable agent spec. Everything it
 * knows comes from the log, so `resume` after a crash continues exactly where the log ends: recorded
 * LLM answers are never asked for again, recorded observations never re-run.
 */
export class Conversation {
  private readonly view: ConversationView;
  private readonly scratch = new Map<string, unknown>();
  private pauseRequested: string | null = null;
  /**
   * Set when `resume` finds actions with no observation in a run that was not paused: the process
   * died while running them (or just before). Whether they took effect is unknown, so they are
   * reported back to the agent instead of being run a second time.
   */
  private cutOffByCrash = false;
  private notice: ResumeOptions['notice'] = undefined;

  private constructor(
    private readonly log: RunLog,
    private readonly agent: AgentSpec,
    private readonly workspace: Workspace,
    private readonly deps: ConversationDeps,
  ) {
    this.view = ConversationView.of(log.all());
    log.subscribe((event) => this.view.apply(event));
  }

  static async start(options: StartOptions): Promise<Conversation> {
    const log = await RunLog.open(options.store, options.runId, options.deps);
    if (log.state.lastSeq > 0) throw new Error(`run ${options.runId} already exists; resume it instead`);
    await log.append([
      { kind: 'run_started', source: 'environment', settings: options.settings },
      {
        kind: 'system_prompt',
        source: 'agent',
        systemPrompt: options.agent.systemPrompt,
        tools: options.agent.tools.specs(),
      },
      { kind: 'message', source: 'user', role: 'user', content: options.task, sender: options.sender },
    ]);
    return new Conversation(log, options.agent, options.workspace, options.deps);
  }

  static async resume(options: ResumeOptions): Promise<Conversation> {
    const log = await RunLog.open(options.store, options.runId, options.deps);
    if (log.state.settings === null) throw new Error(`run ${options.runId} has no run_started event`);
    const conversation = new Conversation(log, options.agent, options.workspace, options.deps);
    conversation.cutOffByCrash = log.state.status === 'running' && log.state.pendingActions.length > 0;
    conversation.notice = options.notice;
    return conversation;
  }

  get state(): RunState {
    return this.log.state;
  }

  get runId(): string {
    return this.log.runId;
  }

  events(): readonly RunEvent[] {
    return this.log.all();
  }

  subscribe(listener: Parameters<RunLog['subscribe']>[0]): () => void {
    return this.log.subscribe(listener);
  }

  /**
   * Ends the run for good (someone said `/agent stop`): a `Cancelled` error in the log, so a later
   * resume or replay sees a finished run, not a paused one to carry on. Call it once `run` returned.
   */
  async stop(reason: string): Promise<RunState> {
    if (TERMINAL_STATUSES.has(this.state.status)) return this.state;
    await this.log.append([
      { kind: 'conversation_error', source: 'user', code: 'Cancelled', detail: reason },
    ]);
    return this.state;
  }

  /** Asks the loop to stop at the next step boundary; `run` resolves with status `paused`. */
  pause(reason = 'paused'): void {
    this.pauseRequested = reason;
  }

  /** Answers the question a gated step asked. Call `run` afterwards to go on. */
  async decide(decision: Decision): Promise<void> {
    if (this.state.status !== 'waiting_for_confirmation') {
      throw new Error(`run ${this.runId} is ${this.state.status}, not waiting for confirmation`);
    }
    const rejections: NewEvent[] = decision.approve
      ? []
      : this.state.pendingActions.map((action) => ({
          kind: 'user_reject',
          source: 'user',
          actionId: action.id,
          toolCallId: action.toolCallId,
          reason: decision.reason,
          rejectedBy: 'user',
        }));
    const verb = decision.approve ? 'approved' : 'rejected';
    await this.log.append([
      ...rejections,
      { kind: 'state_update', source: 'user', status: 'running', reason: `${verb} by ${decision.by}` },
    ]);
  }

  /** Adds a message from a person (e.g. a follow-up instruction) before the next step. */
  async sendMessage(content: string, sender: string): Promise<void> {
    await this.log.append([{ kind: 'message', source: 'user', role: 'user', content, sender }]);
  }

  /**
   * Runs steps until the run finishes, fails, gets stuck, needs a confirmation or is paused or
   * interrupted through `signal`. Safe to call again after any of the last three.
   */
  async run(signal: AbortSignal = new AbortController().signal): Promise<RunState> {
    if (TERMINAL_STATUSES.has(this.state.status) || this.state.status === 'waiting_for_confirmation') {
      return this.state;
    }
    await this.rejectInterruptedActions();
    if (this.notice) {
      const { content, sender } = this.notice;
      this.notice = undefined;
      await this.sendMessage(content, sender);
    }
    if (this.state.status !== 'running') {
      await this.log.append([{ kind: 'state_update', source: 'environment', status: 'running' }]);
    }
    this.pauseRequested = null;
    while (this.state.status === 'running') {
      if (signal.aborted) {
        await this.log.append([{ kind: 'pause', source: 'user', reason: 'interrupted' }]);
        break;
      }
      if (this.pauseRequested !== null) {
        await this.log.append([{ kind: 'pause', source: 'user', reason: this.pauseRequested }]);
        break;
      }
      await this.step(signal);
    }
    return this.state;
  }

  private async step(signal: AbortSignal): Promise<void> {
    if (this.state.pendingActions.length > 0) {
      await this.executePending(signal);
      return;
    }
    const stop = checkLimits(this.state, this.now()) ?? this.stuckError();
    if (stop) {
      await this.log.append([stop]);
      return;
    }
    try {
      await this.condenseIfNeeded(false, signal);
    } catch (error) {
      await this.handleLlmError(error, signal);
      return;
    }
    let response: LlmResponse;
    try {
      response = await this.agent.llm.client('agent').complete(
        {
          purpose: 'agent',
          messages: buildLlmMessages(this.view.all(), {
            displayName: (n) => this.agent.tools.displayName(n),
          }),
          tools: this.agent.tools.specs(),
        },
        { signal, ...(this.deps.onTextDelta ? { onTextDelta: this.deps.onTextDelta } : {}) },
      );
    } catch (error) {
      await this.handleLlmError(error, signal);
      return;
    }
    const batch: NewEvent[] = await toStepEvents(
      response,
      this.agent,
      this.workspace.root,
      signal,
      terminalHistory(this.log.all()),
    );
    if (response.toolCalls.length === 0) {
      if (this.agent.autoContinue) {
        batch.push({
          kind: 'message',
          source: 'environment',
          role: 'user',
          content: AUTO_CONTINUE_MESSAGE,
          sender: 'handsbot',
          automatic: true,
        });
      } else {
        batch.push({ kind: 'finish', source: 'agent', message: response.content });
      }
      await this.log.append(batch);
      return;
    }
    const stored = await this.log.append(batch);
    if (this.gated(stored)) {
      await this.log.append([
        { kind: 'state_update', source: 'environment', status: 'waiting_for_confirmation' },
      ]);
      return;
    }
    await this.executePending(signal);
  }

  private gated(stored: readonly RunEvent[]): boolean {
    const policy = this.agent.confirmationPolicy;
    return stored.some(
      (event) =>
        event.kind === 'action' &&
        !this.agent.tools.get(event.toolName)?.readOnly &&
        needsConfirmation(policy, event.verdict),
    );
  }

  private async executePending(signal: AbortSignal): Promise<void> {
    for (const action of [...this.state.pendingActions]) {
      if (signal.aborted || this.state.status !== 'running') return;
      let outcome: NewEvent[];
      try {
        outcome = await executeAction(action, this.agent.tools, this.toolContext(signal));
      } catch (error) {
        // Cancelled mid-action: the action stays pending and the loop records the interrupt.
        if (signal.aborted) return;
        throw error;
      }
      await this.log.append(outcome);
    }
  }

  private toolContext(signal: AbortSignal): ToolContext {
    return {
      workspace: this.workspace,
      signal,
      runId: this.runId,
      outputDir: this.deps.outputDir,
      scratch: this.scratch,
      tasks: this.state.tasks,
    };
  }

  /** After an interrupt, actions cut off mid-way are not run again blindly: the LLM is told instead. */
  private async rejectInterruptedActions(): Promise<void> {
    const interrupted = this.state.pauseReason === 'interrupted';
    const crashed = this.cutOffByCrash;
    this.cutOffByCrash = false;
    if ((!interrupted && !crashed) || this.state.pendingActions.length === 0) return;
    const reason = interrupted
      ? 'the run was interrupted before this action finished'
      : 'the run stopped unexpectedly while this action was running or about to run, so it may or may not have taken effect; check before running it again';
    await this.log.append(
      this.state.pendingActions.map((action: ActionEvent) => ({
        kind: 'user_reject',
        source: 'environment',
        actionId: action.id,
        toolCallId: action.toolCallId,
        reason,
        rejectedBy: 'interrupt',
      })),
    );
  }

  /** Returns whether it condensed. */
  private async condenseIfNeeded(force: boolean, signal: AbortSignal): Promise<boolean> {
    const plan = planCondensation(
      this.view.all(),
      this.agent.condenser,
      this.state.metrics.lastPromptTokens,
      force,
    );
    if (!plan) return false;
    await this.log.append([await condense(plan, this.agent.llm.client('condenser'), signal)]);
    return true;
  }

  private async handleLlmError(error: unknown, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return; // the loop records the interrupt
    if (error instanceof LlmError && error.kind === 'context_window_exceeded') {
      // Shrink and try again; the stuck detector ends a run that keeps failing this way.
      if (await this.condenseIfNeeded(true, signal)) return;
    }
    const detail =
      error instanceof LlmError
        ? `${error.profile}: ${error.message}`
        : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    await this.log.append([{ kind: 'conversation_error', source: 'environment', code: 'LlmError', detail }]);
  }

  private stuckError(): NewEvent | null {
    if (!this.agent.stuckDetection) return null;
    const stuck = detectStuck(this.log.all());
    if (!stuck) return null;
    return {
      kind: 'conversation_error',
      source: 'environment',
      code: 'Stuck',
      detail: `${stuck.pattern}: ${stuck.detail}`,
    };
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}
