import { z } from 'zod';
import type { Risk, ToolSpec } from '../events/event.js';
import { isLenientBoolean } from './lenient-boolean.js';
import type { AnyToolDefinition } from './tool.js';

export interface ToolRegistryOptions {
  /** Which names the LLM is shown; both are accepted back whichever it sees. */
  names?: 'current' | 'legacy';
}

export type ParsedToolCall =
  | {
      ok: true;
      tool: AnyToolDefinition;
      /** Validated arguments, `security_risk` and `summary` taken out. */
      args: Record<string, unknown>;
      /** What the LLM declared; UNKNOWN when it declared nothing (or the tool is read-only). */
      securityRisk: Risk;
      summary?: string;
    }
  | { ok: false; error: string };

export interface ToolRegistry {
  readonly tools: readonly AnyToolDefinition[];
  /** Looks a tool up by current or legacy name. */
  get(name: string): AnyToolDefinition | undefined;
  specs(): ToolSpec[];
  parseToolCall(call: { name: string; arguments: string }): ParsedToolCall;
}

const DECLARED_RISKS = ['LOW', 'MEDIUM', 'HIGH'] as const;

const SECURITY_RISK_PROPERTY = {
  type: 'string',
  enum: [...DECLARED_RISKS],
  description:
    "The LLM's assessment of the safety risk of this action: LOW (read-only or easily undone, inside the workspace), MEDIUM (changes the workspace or installs packages), HIGH (deletes data, touches secrets or anything outside the workspace, sends data over the network).",
};

const SUMMARY_PROPERTY = {
  type: 'string',
  description: 'A concise summary (approximately 10 words) of what this action does, shown to the user.',
};

export function createToolRegistry(
  tools: readonly AnyToolDefinition[],
  options: ToolRegistryOptions = {},
): ToolRegistry {
  // A Map, not an object: a model-supplied name like `__proto__` or `toString` must find nothing.
  const byName = new Map<string, AnyToolDefinition>();
  for (const tool of tools) {
    for (const name of [tool.name, tool.legacyName]) {
      if (name === undefined) continue;
      if (byName.has(name)) throw new Error(`Two tools are registered under the name "${name}".`);
      byName.set(name, tool);
    }
  }
  const shownName = (tool: AnyToolDefinition) =>
    options.names === 'legacy' ? (tool.legacyName ?? tool.name) : tool.name;
  const specs = tools.map((tool) => toSpec(tool, shownName(tool)));

  return {
    tools,
    get: (name) => byName.get(name),
    specs: () => specs.map((spec) => structuredClone(spec)),
    parseToolCall(call) {
      const tool = byName.get(call.name);
      if (!tool) {
        const available = tools.map(shownName).join(', ');
        return { ok: false, error: `Tool "${call.name}" does not exist. Available tools: ${available}.` };
      }
      return parseArguments(tool, call.name, call.arguments);
    },
  };
}

function toSpec(tool: AnyToolDefinition, name: string): ToolSpec {
  const schema = z.toJSONSchema(tool.schema, {
    io: 'input',
    override: (context) => {
      // zod bounds every integer by the safe-integer range: noise for a model to read.
      if (context.jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete context.jsonSchema.minimum;
      if (context.jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete context.jsonSchema.maximum;
      if (!isLenientBoolean(context.zodSchema)) return;
      const description = context.jsonSchema.description;
      for (const key of Object.keys(context.jsonSchema)) delete context.jsonSchema[key];
      context.jsonSchema.type = 'boolean';
      if (description !== undefined) context.jsonSchema.description = description;
    },
  });
  const { $schema: _ignored, ...parameters } = schema;
  const properties: Record<string, unknown> = {
    ...(isRecord(parameters.properties) ? parameters.properties : {}),
  };
  const required = Array.isArray(parameters.required) ? [...parameters.required] : [];
  if (!tool.readOnly) {
    properties.security_risk = SECURITY_RISK_PROPERTY;
    required.push('security_risk');
  }
  properties.summary = SUMMARY_PROPERTY;
  return {
    name,
    description: tool.description,
    parameters: { ...parameters, type: 'object', properties, required },
  };
}

function parseArguments(tool: AnyToolDefinition, name: string, raw: string): ParsedToolCall {
  let value: unknown;
  try {
    // Some providers send "" for a call without arguments.
    value = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error: `The arguments of ${name} are not valid JSON (${reason}). Send a JSON object.`,
    };
  }
  if (!isRecord(value)) return { ok: false, error: `The arguments of ${name} must be a JSON object.` };

  const { security_risk: declared, summary, ...rest } = value;
  const problems: string[] = [];
  let securityRisk: Risk = 'UNKNOWN';
  if (!tool.readOnly && declared !== undefined && declared !== null) {
    const upper = typeof declared === 'string' ? declared.toUpperCase() : declared;
    const risk = DECLARED_RISKS.find((level) => level === upper);
    if (risk) securityRisk = risk;
    else
      problems.push(
        `- \`security_risk\`: must be one of LOW, MEDIUM, HIGH (got ${JSON.stringify(declared)})`,
      );
  }
  if (summary !== undefined && summary !== null && typeof summary !== 'string') {
    problems.push('- `summary`: must be a string');
  }

  const parsed = tool.schema.safeParse(rest);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String).join('.');
      const [top] = issue.path;
      const missing = issue.path.length === 1 && typeof top === 'string' && !Object.hasOwn(rest, top);
      problems.push(
        missing
          ? `- \`${path}\`: missing required argument`
          : `- \`${path || '(arguments)'}\`: ${issue.message}`,
      );
    }
  }
  if (problems.length > 0) {
    return { ok: false, error: `Invalid arguments for tool ${name}:\n${problems.join('\n')}` };
  }
  if (!isRecord(parsed.data)) return { ok: false, error: `The arguments of ${name} must be a JSON object.` };
  return {
    ok: true,
    tool,
    args: parsed.data,
    securityRisk,
    ...(typeof summary === 'string' ? { summary } : {}),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
