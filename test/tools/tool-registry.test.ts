import { describe, expect, it } from 'vitest';
import { defaultTools } from '../../src/tools/default-tools.js';
import { createToolRegistry } from '../../src/tools/tool-registry.js';

const registry = createToolRegistry(defaultTools());

function propertiesOf(name: string, names: 'current' | 'legacy' = 'current') {
  const spec = createToolRegistry(defaultTools(), { names })
    .specs()
    .find((s) => s.name === name);
  if (!spec) throw new Error(`no spec ${name}`);
  return spec.parameters as {
    properties: Record<string, { type?: string; enum?: string[] }>;
    required: string[];
  };
}

describe('specs', () => {
  it('lists the five tools by current or legacy name', () => {
    expect(registry.specs().map((s) => s.name)).toEqual([
      'terminal',
      'file_editor',
      'task_tracker',
      'think',
      'finish',
    ]);
    expect(
      createToolRegistry(defaultTools(), { names: 'legacy' })
        .specs()
        .map((s) => s.name),
    ).toEqual(['execute_bash', 'str_replace_editor', 'task_tracker', 'think', 'finish']);
  });

  it('adds security_risk only to tools that change things, and summary to all', () => {
    for (const name of ['terminal', 'file_editor']) {
      const schema = propertiesOf(name);
      expect(schema.properties.security_risk?.enum).toEqual(['LOW', 'MEDIUM', 'HIGH']);
      expect(schema.required).toContain('security_risk');
      expect(schema.properties.summary?.type).toBe('string');
    }
    for (const name of ['task_tracker', 'think', 'finish']) {
      const schema = propertiesOf(name);
      expect(schema.properties.security_risk).toBeUndefined();
      expect(schema.properties.summary?.type).toBe('string');
    }
  });

  it('shows the OpenHands argument names and plain booleans', () => {
    const terminal = propertiesOf('execute_bash', 'legacy');
    expect(Object.keys(terminal.properties)).toEqual([
      'command',
      'is_input',
      'timeout',
      'reset',
      'security_risk',
      'summary',
    ]);
    expect(terminal.properties.is_input?.type).toBe('boolean');
    expect(terminal.required).toEqual(['command', 'security_risk']);
    const editor = propertiesOf('file_editor');
    expect(Object.keys(editor.properties)).toEqual([
      'command',
      'path',
      'file_text',
      'old_str',
      'new_str',
      'insert_line',
      'view_range',
      'security_risk',
      'summary',
    ]);
  });
});

describe('parseToolCall', () => {
  it('validates, strips security_risk and summary, and returns the tool', () => {
    const call = registry.parseToolCall({
      name: 'terminal',
      arguments: JSON.stringify({ command: 'ls', security_risk: 'LOW', summary: 'list files' }),
    });
    expect(call).toMatchObject({
      ok: true,
      args: { command: 'ls' },
      securityRisk: 'LOW',
      summary: 'list files',
    });
    if (call.ok) expect(call.tool.name).toBe('terminal');
  });

  it('accepts legacy names whichever names the LLM was shown, and legacy string booleans', () => {
    const call = registry.parseToolCall({
      name: 'execute_bash',
      arguments: '{"command":"y","is_input":"true"}',
    });
    expect(call).toMatchObject({ ok: true, args: { command: 'y', is_input: true }, securityRisk: 'UNKNOWN' });
    const editor = createToolRegistry(defaultTools(), { names: 'legacy' }).parseToolCall({
      name: 'file_editor',
      arguments: '{"command":"view","path":"/x"}',
    });
    expect(editor.ok).toBe(true);
  });

  it('refuses unknown tools, prototype names included', () => {
    for (const name of ['browser', '__proto__', 'toString', 'constructor']) {
      const call = registry.parseToolCall({ name, arguments: '{}' });
      expect(call).toEqual({
        ok: false,
        error: `Tool "${name}" does not exist. Available tools: terminal, file_editor, task_tracker, think, finish.`,
      });
    }
  });

  it('explains malformed JSON and non-object arguments', () => {
    const bad = registry.parseToolCall({ name: 'think', arguments: '{"thought": ' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/^The arguments of think are not valid JSON/);
    expect(registry.parseToolCall({ name: 'think', arguments: '[1]' })).toEqual({
      ok: false,
      error: 'The arguments of think must be a JSON object.',
    });
  });

  it('lists missing and wrongly typed arguments', () => {
    const call = registry.parseToolCall({
      name: 'file_editor',
      arguments: JSON.stringify({ command: 'nuke', insert_line: 'three', security_risk: 'CRITICAL' }),
    });
    expect(call.ok).toBe(false);
    if (call.ok) return;
    expect(call.error).toContain('Invalid arguments for tool file_editor:');
    expect(call.error).toContain('`security_risk`: must be one of LOW, MEDIUM, HIGH');
    expect(call.error).toContain('`command`: Invalid option');
    expect(call.error).toContain('`path`: missing required argument');
    expect(call.error).toContain('`insert_line`: Invalid input: expected number, received string');
  });

  it('ignores security_risk on read-only tools and takes empty arguments as an empty object', () => {
    expect(
      registry.parseToolCall({ name: 'think', arguments: '{"thought":"x","security_risk":"HIGH"}' }),
    ).toMatchObject({
      ok: true,
      args: { thought: 'x' },
      securityRisk: 'UNKNOWN',
    });
    const empty = registry.parseToolCall({ name: 'finish', arguments: '' });
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(empty.error).toContain('`message`: missing required argument');
  });

  it('refuses two tools under one name', () => {
    expect(() => createToolRegistry([...defaultTools(), ...defaultTools()])).toThrow(/Two tools/);
  });
});
