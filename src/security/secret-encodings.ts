import { squeezeSecret } from './squeeze-text.js';

/**
 * The forms a configured secret takes once a program has encoded it, found by the redactor in text with
 * whitespace removed: every encoding an agent reaches with one standard tool (`base64`, `base64url`,
 * `xxd -p`, `jq @uri`, `JSON.stringify`). Hex and percent-escapes come in lower and upper case, as
 * programs print them (mixed case is left out: no tool prints it, and each case is one more search).
 * Forms shorter than `minLength` are left out: they would match ordinary text.
 */
export function secretEncodings(secret: string, minLength: number): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const hex = bytes.toString('hex');
  const percentEach = hex.replace(/../g, '%$&');
  const uri = encodeURIComponent(secret);
  const forms = [
    secret,
    JSON.stringify(secret).slice(1, -1),
    // Whole, when the secret is all that was encoded; its cores, when it sat inside a longer text.
    bytes.toString('base64'),
    bytes.toString('base64url'),
    ...base64Cores(bytes, 'base64'),
    ...base64Cores(bytes, 'base64url'),
    hex,
    hex.toUpperCase(),
    percentEach,
    percentEach.toUpperCase(),
    uri,
    uri.replace(/%[0-9A-F]{2}/g, (percent) => percent.toLowerCase()),
  ];
  return [...new Set(forms.map(squeezeSecret))].filter((form) => form.length >= minLength);
}

/**
 * Base64 of the secret as it appears inside a longer encoded text (`base64 .env`, a Basic auth header of
 * `user:secret`): which characters it becomes depends on where it starts modulo three bytes. For each
 * offset, the characters made only of the secret's own bits, without the neighbours' bits on either end.
 */
function base64Cores(bytes: Buffer, encoding: 'base64' | 'base64url'): string[] {
  return [0, 1, 2].map((offset) => {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString(encoding);
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    return encoded.slice(first, end);
  });
}
