import type { AgentToolbox } from '../agent/agent-spec.js';
import { defaultTools } from '../tools/default-tools.js';
import type { AnyToolDefinition } from '../tools/tool.js';
import { createToolRegistry } from '../tools/tool-registry.js';

/** The agent's tools under the names config picks (OpenHands' current or legacy names). */
export function createToolbox(
  names: 'current' | 'legacy',
  tools: readonly AnyToolDefinition[] = defaultTools(),
): AgentToolbox {
  const registry = createToolRegistry(tools, { names });
  const specs = registry.specs();
  return {
    specs: () => specs,
    parseToolCall: (call) => registry.parseToolCall(call),
    get: (name) => registry.get(name),
    displayName: (name) => {
      const tool = registry.get(name);
      if (!tool) return name;
      return names === 'legacy' ? (tool.legacyName ?? tool.name) : tool.name;
    },
  };
}
