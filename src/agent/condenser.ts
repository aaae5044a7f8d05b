import type { NewEvent } from '../events/event.js';
import type { LlmClient } from '../llm/types.js';
import type { ViewItem } from './conversation-view.js';

export interface CondenserSettings {
  /** Condense when the view holds more items than this (OpenHands: 80 in the resolver). */
  readonly maxViewEvents: number;
  /** Items at the start that are never forgotten: the system prompt and the task. */
  readonly keepFirst: number;
  /** Condense when the last agent prompt used more tokens than this; null to watch size only. */
  readonly maxPromptTokens: number | null;
}

export const DEFAULT_CONDENSER: CondenserSettings = {
  maxViewEvents: 80,
  keepFirst: 4,
  maxPromptTokens: null,
};

export interface CondensationPlan {
  readonly forgotten: readonly ViewItem[];
  readonly keepFirst: number;
}

/**
 * Decides whether the view must shrink and what goes: the older half after the first `keepFirst`
 * items, extended so a tool call and its result are forgotten together.
 */
export function planCondensation(
  view: readonly ViewItem[],
  settings: CondenserSettings,
  lastPromptTokens: number,
  force = false,
): CondensationPlan | null {
  const tooLong = view.length > settings.maxViewEvents;
  const tooBig = settings.maxPromptTokens !== null && lastPromptTokens > settings.maxPromptTokens;
  if (!force && !tooLong && !tooBig) return null;
  const start = Math.min(settings.keepFirst, view.length);
  let end = start + Math.floor((view.length - start) / 2);
  if (end <= start) return null;
  // Don't cut between the calls of one LLM response, nor between a call and its result.
  while (end < view.length) {
    const item = view[end];
    const previous = view[end - 1];
    const sameResponse =
      item !== undefined &&
      previous !== undefined &&
      'llmResponseId' in item &&
      'llmResponseId' in previous &&
      item.llmResponseId === previous.llmResponseId;
    const isResult = item?.kind === 'observation' || item?.kind === 'user_reject';
    if (!sameResponse && !isResult) break;
    end++;
  }
  return { forgotten: view.slice(start, end), keepFirst: start };
}

const SUMMARY_INSTRUCTIONS = `You are maintaining a context-aware state summary for an interactive coding agent. The agent's
earlier events are being dropped from its context; your summary replaces them. Track:
USER_CONTEXT: the task and its essential requirements and constraints.
COMPLETED: what was done, with the files changed and commands run, and their results.
PENDING: what is left to do.
CODE_STATE: file paths, function signatures, data structures that matter.
TESTS: failing cases, error messages, outputs.
CHANGES: code edits and variable updates.
Keep it precise and brief. Include anything from the previous summary that is still true.`;

/** Asks the condenser's LLM for a summary and returns the condensation event to append. */
export async function condense(
  plan: CondensationPlan,
  llm: LlmClient,
  signal?: AbortSignal,
): Promise<NewEvent> {
  const response = await llm.complete(
    {
      purpose: 'condenser',
      tools: [],
      messages: [
        { role: 'system', content: SUMMARY_INSTRUCTIONS },
        { role: 'user', content: renderForSummary(plan.forgotten) },
      ],
    },
    signal ? { signal } : {},
  );
  return {
    kind: 'condensation',
    source: 'environment',
    forgottenEventIds: plan.forgotten.filter((item) => item.kind !== 'summary').map((item) => item.id),
    summary: response.content,
    summaryOffset: plan.keepFirst,
    llm: response.metrics,
  };
}

const MAX_ITEM_CHARS = 2_000;

function renderForSummary(items: readonly ViewItem[]): string {
  const lines = items.map((item) => {
    switch (item.kind) {
      case 'summary':
        return `<PREVIOUS SUMMARY>\n${item.summary}\n</PREVIOUS SUMMARY>`;
      case 'system_prompt':
        return '[system prompt]';
      case 'message':
        return `[${item.role}] ${clip(item.content)}`;
      case 'action':
        return `[action ${item.toolName}] ${item.thought ? `${clip(item.thought)} ` : ''}${clip(JSON.stringify(item.arguments))}`;
      case 'observation':
        return `[result${item.exitCode === null ? '' : ` exit ${item.exitCode}`}] ${clip(item.content)}`;
      case 'agent_error':
        return `[bad tool call ${item.toolName}] ${clip(item.error)}`;
      case 'user_reject':
        return `[rejected] ${clip(item.reason)}`;
      default: {
        const unreachable: never = item;
        return unreachable;
      }
    }
  });
  return `Events to summarise:\n\n${lines.join('\n')}`;
}

function clip(text: string): string {
  if (text.length <= MAX_ITEM_CHARS) return text;
  const half = MAX_ITEM_CHARS / 2;
  return `${text.slice(0, half)}\n…[${text.length - MAX_ITEM_CHARS} chars cut]…\n${text.slice(-half)}`;
}
