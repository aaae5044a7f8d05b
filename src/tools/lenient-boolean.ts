import { z } from 'zod';

/**
 * Booleans that also accept "true"/"false": older OpenHands trajectories (the `execute_bash` era) sent
 * `is_input` as a string, and models fine-tuned on them still do. The JSON Schema shown to the model
 * stays a plain boolean (see `isLenientBoolean`, used by the registry when it renders schemas).
 */
const lenientBooleans = new WeakSet<object>();

export function lenientBoolean() {
  const schema = z.union(
    [
      z.boolean(),
      z.enum(['true', 'false', 'True', 'False']).transform((value) => value.toLowerCase() === 'true'),
    ],
    { error: 'Invalid input: expected boolean' },
  );
  lenientBooleans.add(schema);
  return schema;
}

export function isLenientBoolean(schema: object): boolean {
  return lenientBooleans.has(schema);
}
