import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBuggyRepo } from '../support/fixture-repo.js';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../support/scripted-llm/index.js';
import { runCli, startCli, waitFor } from './run-cli.js';

const servers: ScriptedLlmServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const step = (n: number) => ({
  toolCalls: [
    {
      id: `call_step${n}`,
      name: 'terminal',
      arguments: { command: `echo step${n} >> executions.log && echo did step${n}` },
    },
  ],
});

function llmEnv(server: ScriptedLlmServer, dataDir: string): Record<string, string> {
  return {
    LLM_PROVIDER: 'openai',
    LLM_API_KEY: 'sk-test-key-0123456789',
    LLM_BASE_URL: server.openaiBaseUrl,
    LLM_MAX_RETRIES: '0',
    HANDSBOT_DATA_DIR: dataDir,
  };
}

describe('handsbot run, killed mid-run, then handsbot resume', () => {
  it('continues from the log: no tool call runs twice and no answered LLM call is asked again', async () => {
    const repo = await createBuggyRepo();
    const dataDir = await mkdtemp(path.join(tmpdir(), 'handsbot-data-'));
    const events = path.join(dataDir, 'events');
    const first = await startScriptedLlmServer([step(1), step(2), { fault: 'hang' }]);
    servers.push(first);

    const cli = startCli(
      ['run', '--repo', repo, '--task', 'Record three steps.', '--events', events],
      llmEnv(first, dataDir),
    );
    // The third LLM call is in flight: two steps are in the log. Kill the process without warning.
    await waitFor(() => first.requests.length === 3, 30_000, 'the third LLM request');
    cli.child.kill('SIGKILL');
    expect(await cli.exited).toBeNull();

    const [runId] = await readdir(events);
    expect(runId).toMatch(/^run-/);
    expect(await readFile(path.join(repo, 'executions.log'), 'utf8')).toBe('step1\nstep2\n');

    const second = await startScriptedLlmServer([
      step(3),
      { toolCalls: [{ id: 'call_finish', name: 'finish', arguments: { message: 'three steps recorded' } }] },
    ]);
    servers.push(second);
    const resumed = await runCli(['resume', String(runId), '--events', events], llmEnv(second, dataDir));
    expect(resumed.output).toContain('three steps recorded');
    expect(resumed.code).toBe(0);

    expect(await readFile(path.join(repo, 'executions.log'), 'utf8')).toBe('step1\nstep2\nstep3\n');
    expect(second.requests).toHaveLength(2);
    // The first request after resuming already carries both earlier results.
    const toolMessages = second.requests[0]?.openai?.messages.filter((m) => m.role === 'tool') ?? [];
    expect(toolMessages.map((m) => String(m.content))).toEqual([
      expect.stringContaining('did step1'),
      expect.stringContaining('did step2'),
    ]);

    const replay = await runCli(['replay', String(runId), '--events', events], llmEnv(second, dataDir));
    expect(replay.code).toBe(0);
    expect(replay.output).toContain('finished: three steps recorded');

    const verify = await runCli(
      ['replay', '--verify', String(runId), '--events', events],
      llmEnv(second, dataDir),
    );
    expect(verify.output).toContain('replayed 4 actions: every observation matches the log');
    expect(verify.code).toBe(0);
  }, 90_000);

  it('says exactly what to set when no LLM key is configured', async () => {
    const repo = await createBuggyRepo();
    const result = await runCli(['run', '--repo', repo, '--task', 'x'], {});
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/no LLM API key is set\. Set LLM_API_KEY \(or OPENAI_API_KEY\)/);
  });
});
