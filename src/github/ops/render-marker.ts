/**
 * A hidden marker (`<!-- handsbot:run=<id> target=<key> -->`) that lets a retried or resumed job
 * find what it already posted instead of posting it again. Values are reduced to id characters so a
 * value can never close the comment or forge another field.
 */
export function renderMarker(fields: Readonly<Record<string, string | number>>): string {
  const parts = Object.entries(fields).map(([k, v]) => `${clean(k)}=${clean(String(v))}`);
  return `<!-- handsbot:${parts.join(' ')} -->`;
}

function clean(value: string): string {
  return value.replace(/[^\w:.@/-]/g, '_');
}
