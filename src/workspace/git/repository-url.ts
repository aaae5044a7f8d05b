import path from 'node:path';

/** A repository's clone URL split into the parts that name its mirror on disk. */
export interface RepositoryUrl {
  /** `https://host/owner/name.git`: what git fetches from and what checkouts name as `origin`. */
  readonly url: string;
  /** Host, port and any path prefix, as one directory name (`127.0.0.1_8080`, `github.com`). */
  readonly hostDir: string;
  readonly owner: string;
  readonly name: string;
}

/** GitHub's owner and repository names: nothing that could climb out of the cache directory. */
const SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$/;

/**
 * Accepts `http(s)://host[:port][/prefix]/owner/name[.git]` and refuses credentials in the URL:
 * the token is passed per command, and a URL carrying one would be written into config.
 */
export function parseRepositoryUrl(input: string): RepositoryUrl {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new TypeError('repository URL is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`repository URL must be http(s), not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new TypeError('repository URL must not carry credentials');
  }
  if (url.search !== '' || url.hash !== '') throw new TypeError('repository URL must not have a query');
  const parts = url.pathname.split('/').filter((part) => part !== '');
  const owner = parts.at(-2);
  const name = parts.at(-1)?.replace(/\.git$/, '');
  if (owner === undefined || name === undefined || !SEGMENT.test(owner) || !SEGMENT.test(name)) {
    throw new TypeError('repository URL must end in /owner/name');
  }
  const prefix = parts.slice(0, -2).join('/');
  return {
    url: `${url.protocol}//${url.host}/${prefix === '' ? '' : `${prefix}/`}${owner}/${name}.git`,
    // A path prefix (some proxies and GHES setups) is part of the identity: same host, other repos.
    hostDir: [url.host, ...parts.slice(0, -2)].join('_').replace(/[^A-Za-z0-9.-]/g, '_'),
    owner,
    name,
  };
}

/** `<cacheDir>/<host>/<owner>/<name>.git`. */
export function mirrorPathOf(cacheDir: string, repo: RepositoryUrl): string {
  return path.join(cacheDir, repo.hostDir, repo.owner, `${repo.name}.git`);
}
