import { lastToolResult } from '../../support/scripted-llm/index.js';
import { type AgentScenario, finish, terminal } from './agent-script.js';

/**
 * Scenarios more than one place plays: the end-to-end tests and `npm run demo` show the same run,
 * so the demo cannot drift from what the tests prove.
 */

/** The model a maintainer would hope for: reproduce, fix, run the tests, report. */
export const FIX_ADD: AgentScenario = {
  name: 'fix add',
  whenTaskContains: 'add() subtracts',
  steps: [
    terminal('node test.js'),
    terminal("sed -i 's/a - b/a + b/' src/math.js"),
    terminal('node test.js'),
    (request) =>
      finish(
        lastToolResult(request)?.content.includes('all tests passed')
          ? 'Fixed add(): it subtracted. Ran node test.js: all tests passed.'
          : 'The tests still fail.',
      ),
  ],
};
