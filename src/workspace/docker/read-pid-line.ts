/**
 * Reads the pid a wrapper printed as the first line of stderr; what follows (bash's start-up chatter)
 * is read and dropped so the stream never backs up. Null if the process ended without printing it.
 */
export function readPidLine(stream: NodeJS.ReadableStream): Promise<number | null> {
  return new Promise((resolve) => {
    let text = '';
    let found = false;
    stream.on('data', (chunk: Buffer) => {
      if (found) return;
      text += chunk.toString('utf8');
      const newline = text.indexOf('\n');
      if (newline < 0) return;
      found = true;
      const value = Number(text.slice(0, newline).trim());
      resolve(Number.isInteger(value) && value > 1 ? value : null);
    });
    stream.once('end', () => resolve(null));
  });
}
