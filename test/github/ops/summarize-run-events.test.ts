import { describe, expect, it } from 'vitest';
import { summarizeRunEvents } from '../../../src/github/ops/summarize-run-events.js';
import { action, observation, runLog, runStarted } from '../support/run-events.js';

/** Which of `commands`, each run once with exit 0, the summary counts as tests. */
function testsAmong(commands: readonly string[]): string[] {
  const { events, add } = runLog();
  add(runStarted());
  for (const command of commands) add(observation(add(action('terminal', { command })), 0));
  return summarizeRunEvents(events).tests.map((t) => t.command);
}

describe('summarizeRunEvents', () => {
  it('counts node running a test file, or node --test, as tests run; other node scripts are not', () => {
    expect(
      testsAmong([
        'node test.js',
        'node --test',
        'node tests/unit.test.mjs',
        'cd pkg && node spec/math.test.ts',
        'node build.js',
        'node server.js',
        'node -e "console.log(1)"',
      ]),
    ).toEqual([
      'node test.js',
      'node --test',
      'node tests/unit.test.mjs',
      'cd pkg && node spec/math.test.ts',
    ]);
  });

  it('still counts the usual runners', () => {
    expect(testsAmong(['npm test', 'pnpm run test', 'pytest -q', 'go test ./...', 'ls'])).toEqual([
      'npm test',
      'pnpm run test',
      'pytest -q',
      'go test ./...',
    ]);
  });
});
