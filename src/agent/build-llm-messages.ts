import type { ActionEvent, AgentErrorEvent } from '../events/event.js';
import type { ChatMessage, ToolCall } from '../llm/types.js';
import type { ViewItem } from './conversation-view.js';

export interface BuildMessagesOptions {
  /** The name the LLM knows a tool by (current or legacy OpenHands names). */
  displayName: (toolName: string) => string;
}

type CallEvent = ActionEvent | AgentErrorEvent;

/**
 * Turns the view into provider-neutral messages. Every tool call shown to the LLM is followed by its
 * result, and every result follows its call: providers refuse a prompt that breaks either rule, and a
 * condensation or an unfinished step can leave one without the other, so unpaired halves are dropped.
 */
export function buildLlmMessages(view: readonly ViewItem[], options: BuildMessagesOptions): ChatMessage[] {
  const answered = new Set<string>();
  const called = new Map<string, string>();
  for (const item of view) {
    if (item.kind === 'observation' || item.kind === 'user_reject' || item.kind === 'agent_error') {
      answered.add(item.toolCallId);
    }
    if (item.kind === 'action') called.set(item.toolCallId, options.displayName(item.toolName));
  }

  const messages: ChatMessage[] = [];
  let group: CallEvent[] = [];
  const flush = () => {
    if (group.length === 0) return;
    const visible = group.filter((call) => answered.has(call.toolCallId));
    if (visible.length > 0) {
      messages.push({
        role: 'assistant',
        content: group[0]?.thought ?? '',
        toolCalls: visible.map((call) => toToolCall(call, options)),
      });
      // A bad call's result is its error; it has no observation of its own, so it goes right here.
      for (const call of visible) {
        if (call.kind === 'agent_error')
          messages.push(toolResult(call.toolCallId, call.toolName, call.error, true));
      }
    }
    group = [];
  };

  for (const item of view) {
    if (item.kind === 'action' || item.kind === 'agent_error') {
      if (group.length > 0 && group[0]?.llmResponseId !== item.llmResponseId) flush();
      group.push(item);
      continue;
    }
    flush();
    switch (item.kind) {
      case 'system_prompt':
        messages.push({ role: 'system', content: item.systemPrompt });
        break;
      case 'message':
        messages.push(
          item.role === 'user'
            ? { role: 'user', content: item.content }
            : { role: 'assistant', content: item.content, toolCalls: [] },
        );
        break;
      case 'summary':
        messages.push({
          role: 'user',
          content: `Summary of the earlier part of this conversation, which was condensed:\n${item.summary}`,
        });
        break;
      case 'observation':
        if (called.has(item.toolCallId)) {
          messages.push(
            toolResult(item.toolCallId, options.displayName(item.toolName), item.content, item.isError),
          );
        }
        break;
      case 'user_reject':
        if (called.has(item.toolCallId)) {
          const name = called.get(item.toolCallId) ?? '';
          messages.push(toolResult(item.toolCallId, name, `Action rejected: ${item.reason}`, true));
        }
        break;
      default: {
        const unreachable: never = item;
        return unreachable;
      }
    }
  }
  flush();
  return messages;
}

/** Events are frozen, so each call's argument text is built once, not on every step that shows it. */
const argumentText = new WeakMap<ActionEvent, string>();

function toToolCall(call: CallEvent, options: BuildMessagesOptions): ToolCall {
  if (call.kind === 'agent_error') {
    return { id: call.toolCallId, name: call.toolName, arguments: call.rawArguments };
  }
  let text = argumentText.get(call);
  if (text === undefined) {
    const args: Record<string, unknown> = { ...call.arguments };
    if (call.summary !== undefined) args.summary = call.summary;
    if (call.securityRisk !== 'UNKNOWN') args.security_risk = call.securityRisk;
    text = JSON.stringify(args);
    argumentText.set(call, text);
  }
  return { id: call.toolCallId, name: options.displayName(call.toolName), arguments: text };
}

function toolResult(toolCallId: string, toolName: string, content: string, isError: boolean): ChatMessage {
  return { role: 'tool', toolCallId, toolName, content, isError };
}
