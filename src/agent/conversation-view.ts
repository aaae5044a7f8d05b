import type {
  ActionEvent,
  AgentErrorEvent,
  MessageEvent,
  ObservationEvent,
  RunEvent,
  SystemPromptEvent,
  UserRejectEvent,
} from '../events/event.js';

/** Events the LLM sees, plus the condenser's summary standing in for what it forgot. */
export type ViewItem =
  | SystemPromptEvent
  | MessageEvent
  | ActionEvent
  | ObservationEvent
  | AgentErrorEvent
  | UserRejectEvent
  | { kind: 'summary'; id: string; summary: string };

export function isViewEvent(event: RunEvent): event is Exclude<ViewItem, { kind: 'summary' }> {
  switch (event.kind) {
    case 'system_prompt':
    case 'message':
    case 'action':
    case 'observation':
    case 'agent_error':
    case 'user_reject':
      return true;
    default:
      return false;
  }
}

/**
 * What the LLM is shown, kept up to date one event at a time so a step costs the same at event 10 and
 * at event 10,000: condensation events drop the events they forgot and put their summary in place.
 */
export class ConversationView {
  private items: ViewItem[] = [];

  static of(events: readonly RunEvent[]): ConversationView {
    const view = new ConversationView();
    for (const event of events) view.apply(event);
    return view;
  }

  get length(): number {
    return this.items.length;
  }

  all(): readonly ViewItem[] {
    return this.items;
  }

  apply(event: RunEvent): void {
    if (isViewEvent(event)) {
      this.items.push(event);
      return;
    }
    if (event.kind !== 'condensation') return;
    const forgotten = new Set(event.forgottenEventIds);
    const kept = this.items.filter((item) => item.kind !== 'summary' && !forgotten.has(item.id));
    const offset = Math.min(event.summaryOffset, kept.length);
    kept.splice(offset, 0, { kind: 'summary', id: event.id, summary: event.summary });
    this.items = kept;
  }
}
