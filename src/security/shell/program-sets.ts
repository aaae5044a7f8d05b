/** Groups of programs the rules treat alike. */

/** Programs that fetch from the network: their output piped into a shell runs a download. */
export const DOWNLOADERS = new Set([
  'curl',
  'wget',
  'fetch',
  'aria2c',
  'http',
  'https',
  'xh',
  'lwp-download',
  'GET',
  'lynx',
  'invoke-webrequest',
  'iwr',
]);

/** Clients that open a raw connection: their output piped into a shell is a remote shell. */
export const RAW_NETWORK_CLIENTS = new Set([
  'nc',
  'ncat',
  'netcat',
  'telnet',
  'socat',
  'openssl',
  'cryptcat',
  'pwncat',
]);

/** Programs that turn an opaque payload back into text: feeding their output to a shell hides the code. */
export const DECODERS = new Set([
  'base64',
  'base32',
  'xxd',
  'uudecode',
  'openssl',
  'gunzip',
  'zcat',
  'gzip',
  'bzip2',
  'xz',
  'rev',
  'tr',
  'basenc',
]);
