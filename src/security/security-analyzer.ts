import type { Risk, SecurityVerdict } from '../events/event.js';

/** What an analyzer is shown: the tool call after validation, and the risk the LLM declared for it. */
export interface ProposedAction {
  toolName: string;
  arguments: Readonly<Record<string, unknown>>;
  declaredRisk: Risk;
  /** The workspace root, so rules can tell paths inside it from paths outside. */
  workspaceRoot: string;
  /**
   * The terminal session's earlier commands, oldest first, since its last reset (those that ran, and
   * the calls before this one in the same LLM response): the shell keeps what they defined.
   */
  history?: readonly string[];
}

/** Rates one action. Pure where it can be; a thrown error counts as HIGH (see `ensembleAnalyzer`). */
export interface SecurityAnalyzer {
  readonly name: string;
  analyze(action: ProposedAction, signal?: AbortSignal): Promise<SecurityVerdict> | SecurityVerdict;
}
