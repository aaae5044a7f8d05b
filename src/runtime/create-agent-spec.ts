import type { AgentSpec } from '../agent/agent-spec.js';
import { buildSystemPrompt } from '../agent/system-prompt.js';
import type { Config } from '../config/load-config.js';
import type { LlmClientDeps } from '../llm/llm-client-deps.js';
import { createLlmClientFromProfile, createLlmRouter } from '../llm/llm-router.js';
import type { LlmClient } from '../llm/types.js';
import type { ConfirmationPolicy } from '../security/confirmation-policy.js';
import { type EnsembleMember, ensembleAnalyzer } from '../security/ensemble-analyzer.js';
import { llmDeclaredRiskAnalyzer } from '../security/llm-declared-risk-analyzer.js';
import { createLlmRiskAnalyzer } from '../security/llm-risk-analyzer.js';
import { ruleBasedAnalyzer } from '../security/rule-based-analyzer.js';
import { createToolbox } from './create-toolbox.js';

export interface AgentSpecOptions {
  workspaceRoot: string;
  sandboxed: boolean;
  /** Put this profile first on the agent route (the CLI's --model). */
  modelProfile?: string;
  confirmationPolicy?: ConfirmationPolicy;
  repositoryInstructions?: string;
  llmDeps?: LlmClientDeps;
  /** Headless runs nudge the agent on when it stops calling tools; interactive ones may not want to. */
  autoContinue?: boolean;
}

/** Builds the immutable agent from config: LLM routing, tools, analyzers, policy and prompt. */
export function createAgentSpec(config: Config, options: AgentSpecOptions): AgentSpec {
  if (!config.llm.ok) throw new Error(config.llm.problem);
  const llm = config.llm;
  const profiles: Record<string, LlmClient> = {};
  for (const profile of llm.profiles) {
    profiles[profile.name] = createLlmClientFromProfile(profile, { prices: llm.prices, ...options.llmDeps });
  }
  const chosen = options.modelProfile;
  if (chosen !== undefined && !Object.hasOwn(profiles, chosen)) {
    throw new Error(`unknown model profile "${chosen}"; configured: ${Object.keys(profiles).join(', ')}`);
  }
  const agentRoute = chosen ? [chosen, ...llm.routes.agent.filter((n) => n !== chosen)] : llm.routes.agent;
  const router = createLlmRouter({ profiles, routes: { ...llm.routes, agent: agentRoute } });
  const analyzers: EnsembleMember[] = [
    // A model that declares no risk says nothing; rules that cannot read what would run count as
    // HIGH (fail closed: an unreadable command is what a hostile agent hides behind).
    { analyzer: llmDeclaredRiskAnalyzer },
    { analyzer: ruleBasedAnalyzer, unknownAs: 'HIGH' },
  ];
  if (config.securityLlm) analyzers.push({ analyzer: createLlmRiskAnalyzer(router.client('security')) });
  return Object.freeze({
    systemPrompt: buildSystemPrompt({
      workspaceRoot: options.workspaceRoot,
      sandboxed: options.sandboxed,
      ...(options.repositoryInstructions ? { repositoryInstructions: options.repositoryInstructions } : {}),
    }),
    tools: createToolbox(config.toolNames),
    llm: router,
    analyzer: ensembleAnalyzer(analyzers),
    confirmationPolicy: options.confirmationPolicy ?? config.confirmationPolicy,
    condenser: config.condenser,
    stuckDetection: true,
    autoContinue: options.autoContinue ?? true,
  });
}
