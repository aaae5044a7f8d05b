import { sanitizeUntrustedText } from '../../security/markdown/sanitize-untrusted-text.js';
import type { PermissionChecker } from './create-permission-checker.js';
import type { LeftOut, UntrustedItem } from './trigger-context.js';
import type { GqlComment } from './trigger-context-queries.js';

/** Longest text kept from one comment; the rest is cut with a note (prompts must stay bounded). */
export const MAX_ITEM_CHARS = 8_000;

export interface SelectAllowedItemsOptions {
  readonly triggeredAt: string;
  readonly permissions: PermissionChecker;
  /** How many of the newest allowed items to keep. */
  readonly maxItems: number;
  /** Comments never shown as discussion (the trigger comment: its words arrive as instructions). */
  readonly excludeIds?: ReadonlySet<number>;
}

export interface SelectedItems {
  readonly items: UntrustedItem[];
  readonly leftOut: LeftOut;
}

/**
 * Keeps only what may reach the agent: written at or before the trigger, not minimised, by someone
 * allowed to trigger (each distinct author asked once through the cached checker), newest first up
 * to the budget, then returned oldest first. Every kept text is sanitised and bounded.
 */
export async function selectAllowedItems(
  comments: readonly (GqlComment | null)[],
  { triggeredAt, permissions, maxItems, excludeIds }: SelectAllowedItemsOptions,
): Promise<SelectedItems> {
  const leftOut: LeftOut = { notAllowed: 0, afterTrigger: 0, minimized: 0, overBudget: 0 };
  const cutoff = Date.parse(triggeredAt);
  const candidates: GqlComment[] = [];
  for (const c of comments) {
    if (!c || (c.databaseId !== null && excludeIds?.has(c.databaseId))) continue;
    if (c.body.trim() === '') continue;
    if (!(Date.parse(c.createdAt) <= cutoff)) leftOut.afterTrigger++;
    else if (c.isMinimized) leftOut.minimized++;
    else if (!c.author) leftOut.notAllowed++;
    else candidates.push(c);
  }
  const verdicts = new Map<string, boolean>();
  await Promise.all(
    [...new Map(candidates.map((c) => [c.author?.login.toLowerCase(), c.author])).values()].map(
      async (author) => {
        if (!author) return;
        const result = await permissions(author.login, author.__typename === 'Bot' ? 'Bot' : undefined);
        verdicts.set(author.login.toLowerCase(), result.allowed);
      },
    ),
  );
  const allowed = candidates.filter((c) => verdicts.get(c.author?.login.toLowerCase() ?? '') === true);
  leftOut.notAllowed += candidates.length - allowed.length;
  allowed.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  const kept = allowed.slice(Math.max(0, allowed.length - maxItems));
  leftOut.overBudget += allowed.length - kept.length;
  return {
    items: kept.map((c) => ({
      author: c.author?.login ?? 'ghost',
      createdAt: c.createdAt,
      url: c.url,
      text: boundText(sanitizeUntrustedText(c.body)),
    })),
    leftOut,
  };
}

/** Cuts a sanitised text to the item budget, saying how much was cut. */
export function boundText(text: string, max: number = MAX_ITEM_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n[… ${text.length - max} more characters not shown]`;
}

export function addLeftOut(a: LeftOut, b: LeftOut): LeftOut {
  return {
    notAllowed: a.notAllowed + b.notAllowed,
    afterTrigger: a.afterTrigger + b.afterTrigger,
    minimized: a.minimized + b.minimized,
    overBudget: a.overBudget + b.overBudget,
  };
}
