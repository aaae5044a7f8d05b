import { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';
import type { Config } from '../config/load-config.js';
import { createRedactor } from '../security/redactor.js';

/**
 * The process logger: pino, with every line passed through the same redactor as comments and events
 * before it reaches stdout, so a token that slipped into an error message or a payload never lands in
 * a log collector.
 */
export function createLogger(
  config: Pick<Config, 'logLevel' | 'secrets'>,
  name: string,
  out: NodeJS.WritableStream = process.stdout,
): Logger {
  const redact = createRedactor({ secrets: [...config.secrets] });
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out.write(redact(chunk.toString('utf8')), callback);
    },
  });
  return pino({ name, level: config.logLevel }, destination);
}
