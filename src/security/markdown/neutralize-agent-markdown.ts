import { stripInvisibleCharacters } from './invisible-characters.js';
import { planNeutralizingEdits, type SourceEdit } from './plan-neutralizing-edits.js';

export interface AgentMarkdownOptions {
  /**
   * Hosts that links and images may point at: the repository's own GitHub web host (`github.com`, or
   * the Enterprise host). Anything else could be fetched when the comment is viewed.
   */
  readonly allowedHosts: readonly string[];
}

/** Each pass removes a layer (a link around an image, a definition then its references). */
const MAX_PASSES = 8;

/**
 * Makes text the agent wrote (a summary, an explanation, a thread reply) safe to post on GitHub. The
 * agent read untrusted input and may be steered, and GitHub fetches images when a comment is viewed,
 * so even a run without network could send data out through `![x](https://host/?d=…)`. Images, links
 * and raw HTML that point off `allowedHosts` are shown as code (the text a reviewer needs stays,
 * nothing is fetched or linked), in every form the parser finds (see `planNeutralizingEdits`); HTML
 * comments (which could forge handsbot's markers) and unused definitions go; @mentions and closing
 * references go into code spans; invisible characters go. Code stays as written.
 *
 * The result is parsed again until a pass finds nothing; if that does not settle, the whole text is
 * posted as one code block.
 */
export function neutralizeAgentMarkdown(text: string, options: AgentMarkdownOptions): string {
  let result = stripInvisibleCharacters(text);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const edits = planNeutralizingEdits(result, options.allowedHosts);
    if (edits.length === 0) return result.replace(/^(?:[ \t]*\n)+/, '').trimEnd();
    result = applyEdits(result, edits);
  }
  return asCodeBlock(result);
}

/**
 * Applies the edits, skipping any that overlaps one before it (the next pass finds it again), from
 * the last to the first so offsets stay valid.
 */
function applyEdits(source: string, edits: readonly SourceEdit[]): string {
  const kept: SourceEdit[] = [];
  let end = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    if (edit.start < end) continue;
    kept.push(edit);
    end = Math.max(end, edit.end);
  }
  let result = source;
  for (const edit of kept.reverse())
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  return result;
}

function asCodeBlock(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text}\n${fence}`;
}
