import type { Database, Transaction } from '@kabinet/db';
import type { OutboxTable } from './tables';

/** What a destination receives, as JSON. */
export interface EventEnvelope {
  /** Unique per destination; the consumer applies each id once. */
  id: string;
  topic: string;
  payload: unknown;
  /** ISO 8601: when the producer's transaction wrote it. */
  createdAt: string;
}

/** Header carrying the secret a destination expects from relays. */
export const eventSecretHeader = 'x-kabinet-event-secret';

export interface NewEvent {
  topic: string;
  /** Plain JSON: it is stored as jsonb and sent as is. */
  payload: unknown;
  /** Subgraphs that receive it; each gets its own outbox row. */
  destinations: readonly string[];
}

/**
 * Kept well under the consumer's body limit: an oversized event fails the producer's
 * transaction now rather than being refused (and parked) at delivery.
 */
export const maxEventPayloadBytes = 48 * 1024;

/**
 * Call inside the producer's transaction, with its `tx`: the event exists exactly when the
 * change that caused it commits. Nudge the relay after the commit to deliver it promptly.
 */
export async function publishEvent(executor: Database | Transaction, outbox: OutboxTable, event: NewEvent): Promise<void> {
  const json = JSON.stringify(event.payload) as string | undefined;
  if (json === undefined) throw new TypeError(`event ${event.topic}: the payload is not JSON`);
  if (Buffer.byteLength(json) > maxEventPayloadBytes) {
    throw new RangeError(`event ${event.topic}: the payload is over ${maxEventPayloadBytes} bytes`);
  }
  if (event.destinations.length === 0) return;
  await executor
    .insert(outbox)
    .values(event.destinations.map((destination) => ({ destination, topic: event.topic, payload: event.payload })));
}
