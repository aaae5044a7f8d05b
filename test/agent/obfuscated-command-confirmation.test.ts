import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createInMemoryEventStore } from '../../src/events/index.js';
import { createBuggyRepo } from '../support/fixture-repo.js';
import { type ScriptedLlmServer, startScriptedLlmServer } from '../support/scripted-llm/index.js';
import { startScriptedConversation } from './scripted-agent.js';

let server: ScriptedLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * The model declares LOW and hides the program behind a computed name (`tr` output the analyzer cannot
 * read): harmless here (`touch`), but it could be anything, so the installation's default policy holds it.
 */
const OBFUSCATED = 'c=$(printf hicot | tr hicot touch); $c ran-it';

async function obfuscatedRun(repo: string) {
  server = await startScriptedLlmServer([
    { toolCalls: [{ name: 'terminal', arguments: { command: OBFUSCATED, security_risk: 'LOW' } }] },
    { toolCalls: [{ name: 'finish', arguments: { message: 'done' } }] },
  ]);
  const started = await startScriptedConversation({
    provider: 'openai',
    server,
    repo,
    store: createInMemoryEventStore(),
  });
  return started;
}

describe('an obfuscated command under the default confirmation policy', () => {
  it('waits for approval with the reason, and runs nothing until a person approves it', async () => {
    const repo = await createBuggyRepo();
    const { conversation, workspace } = await obfuscatedRun(repo);
    try {
      const waiting = await conversation.run();
      expect(waiting.status).toBe('waiting_for_confirmation');
      const [pending] = waiting.pendingActions;
      expect(pending?.verdict.reasons.map((r) => r.rule)).toContain('dynamic-command');
      expect(existsSync(path.join(repo, 'ran-it'))).toBe(false);

      await conversation.decide({ approve: true, by: 'maintainer' });
      const finished = await conversation.run();
      expect(finished.status).toBe('finished');
      expect(existsSync(path.join(repo, 'ran-it'))).toBe(true);
    } finally {
      await workspace.close();
    }
  });
});
