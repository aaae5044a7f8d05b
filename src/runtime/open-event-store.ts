import type { Config } from '../config/load-config.js';
import type { EventStore } from '../events/event-store.js';
import { createFileEventStore } from '../events/file-event-store.js';
import { createRedisEventStore } from '../events/redis-event-store.js';

/** The store config names; `dirOverride` (the CLI's --events) wins for the file store. */
export function openEventStore(config: Config, dirOverride?: string): EventStore {
  if (dirOverride !== undefined) return createFileEventStore({ dir: dirOverride });
  switch (config.eventStore.kind) {
    case 'file':
      return createFileEventStore({ dir: config.eventStore.dir });
    case 'redis':
      // One prefix for all of handsbot's keys in a Redis, so installations (or test runs) sharing
      // one keep their queues and their event logs apart alike.
      return createRedisEventStore({ redis: config.eventStore.url, prefix: config.jobs.queuePrefix });
    default: {
      const unreachable: never = config.eventStore;
      return unreachable;
    }
  }
}
