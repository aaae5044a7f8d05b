/**
 * Something the machine lacks (Redis, Docker, the sandbox image), with what to do about it. The demo
 * prints its message alone, without a stack: the reader needs the command to run, not our call chain.
 */
export class DemoSetupError extends Error {
  override readonly name = 'DemoSetupError';
}
