import { createPublicKey, type KeyObject, randomBytes, verify } from 'node:crypto';

/**
 * Checks an app JWT as GitHub does: RS256 signed by the app's private key (checked against the public
 * key the test gave the stand-in), `iss` the app id, not expired, issued at most ~10 minutes ahead.
 */
export function verifyAppJwt(
  authorization: string | undefined,
  appId: number,
  publicKey: KeyObject,
): boolean {
  const match = /^bearer\s+(.+)$/i.exec(authorization ?? '');
  const [header, payload, signature] = (match?.[1] ?? '').split('.');
  if (!header || !payload || !signature) return false;
  try {
    const alg = (JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: unknown }).alg;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
      iss?: unknown;
      exp?: unknown;
    };
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      publicKey,
      Buffer.from(signature, 'base64url'),
    );
    const nowS = Date.now() / 1000;
    return alg === 'RS256' && signed && String(claims.iss) === String(appId) && Number(claims.exp) > nowS;
  } catch {
    return false;
  }
}

export function toPublicKey(key: string | KeyObject): KeyObject {
  return typeof key === 'string' ? createPublicKey(key) : key;
}

/** Shaped like GitHub's installation tokens (`ghs_` + 36), so the redactor treats it as one. */
export function newInstallationToken(): string {
  return `ghs_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36)}`;
}

/** `token X` or `bearer X` → X. */
export function bearerToken(authorization: string | undefined): string | null {
  return /^(?:token|bearer)\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? null;
}

/** The token in `Basic base64(x-access-token:TOKEN)`, as git sends it. */
export function basicToken(authorization: string | undefined): string | null {
  const match = /^basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return null;
  const [user, ...rest] = Buffer.from(match[1], 'base64').toString().split(':');
  return user === 'x-access-token' ? rest.join(':') : null;
}
