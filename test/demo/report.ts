import type { E2eEnvironment } from '../e2e/support/e2e-environment.js';
import type { DemoPrinter } from './print.js';
import type { WalkthroughResult } from './walkthrough.js';

/** Where the README explains running handsbot for real; the closing line points there. */
export const README_SECTION = 'README.md → “Demo” → “With a real model and a real GitHub”';

/** What the run left on "GitHub", verbatim, and what it cost in (scripted) LLM requests. */
export function printOutcome(env: E2eEnvironment, result: WalkthroughResult, out: DemoPrinter): void {
  const { issue, pull, tracking, diff, commit } = result;
  out.section(`Tracking comment on issue #${issue.number} (final text)`, tracking.body);
  out.section(`Pull request #${pull.number}: ${pull.title}`, pull.body);
  out.section(`Commit on ${pull.pull?.head}`, commit);
  out.section(
    `Diff (git diff ${pull.pull?.base}...${pull.pull?.head} in the stand-in's bare repository)`,
    diff,
  );
  out.line();
  out.line(`LLM requests: ${env.llm.requests.length}, every one answered by the script.`);
  out.line(
    `GitHub contract: every REST request and answer was checked against GitHub's OpenAPI description: ` +
      `${env.standin.violations.length} violation(s).`,
  );
}

export function printClosing(out: DemoPrinter): void {
  out.line();
  out.line(
    'The LLM in this demo was scripted (test/e2e/support/scenarios.ts): no model was asked and no API key ' +
      `was used. To run handsbot with a real model and on a real GitHub, see ${README_SECTION}.`,
  );
}
