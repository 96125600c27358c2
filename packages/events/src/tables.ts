import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, text, timestamp, uuid, type PgSchema } from 'drizzle-orm/pg-core';

/**
 * Events waiting to leave this subgraph: one row per destination subgraph, so each
 * destination is retried, delivered or parked on its own. Include the table in the
 * subgraph's drizzle schema so its migrations create it in the subgraph's own schema.
 */
export function defineOutboxTable(schema: PgSchema) {
  return schema.table(
    'outbox',
    {
      /** Also the event id the destination dedupes on. */
      id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
      destination: text('destination').notNull(),
      topic: text('topic').notNull(),
      payload: jsonb('payload').notNull(),
      createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
      /**
       * Write order, which relays deliver in: created_at is the same for every row of one
       * transaction (and PGlite's clock only counts milliseconds).
       */
      seq: bigserial('seq', { mode: 'number' }).notNull(),
      /** Failed deliveries so far. */
      attempts: integer('attempts').notNull().default(0),
      /** Due from then on; a relay that claims the row pushes it forward by a lease. */
      nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
      deliveredAt: timestamp('delivered_at', { withTimezone: true }),
      /**
       * Set when retrying cannot help (the destination refused the event, or attempts ran
       * out). To redeliver after a fix: `parked_at = null, next_attempt_at = now()`.
       */
      parkedAt: timestamp('parked_at', { withTimezone: true }),
      lastError: text('last_error'),
    },
    // Only pending rows are indexed: the index stays small however long the history grows.
    (table) => [index('outbox_due_idx').on(table.nextAttemptAt).where(sql`delivered_at is null and parked_at is null`)],
  );
}

/** Ids of events this subgraph has applied: written in the same transaction as the effect. */
export function defineInboxTable(schema: PgSchema) {
  return schema.table('inbox', {
    eventId: uuid('event_id').primaryKey(),
    topic: text('topic').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  });
}

export type OutboxTable = ReturnType<typeof defineOutboxTable>;
export type InboxTable = ReturnType<typeof defineInboxTable>;
