/**
 * Whether a delivery was caused by a bot: GitHub marks app and bot accounts with `type: 'Bot'`, and
 * their logins end in `[bot]`. handsbot's own comments are among them, which is what stops it from
 * answering itself. Read defensively: this runs before the payload is validated.
 */
export function isBotSender(payload: unknown): boolean {
  if (typeof payload !== 'object' || payload === null || !('sender' in payload)) return false;
  const sender = payload.sender;
  if (typeof sender !== 'object' || sender === null) return false;
  const type = 'type' in sender ? sender.type : undefined;
  const login = 'login' in sender ? sender.login : undefined;
  return type === 'Bot' || (typeof login === 'string' && login.toLowerCase().endsWith('[bot]'));
}
