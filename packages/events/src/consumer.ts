import { secretsMatch } from '@kabinet/auth';
import type { Logger } from '@kabinet/config';
import type { Database, Transaction } from '@kabinet/db';
import express, { type ErrorRequestHandler, type Router } from 'express';
import { z } from 'zod';
import { eventSecretHeader, maxEventPayloadBytes, type EventEnvelope } from './publish';
import type { InboxTable } from './tables';

/** Thrown by a handler when retrying can never help (the relay then parks the event). */
export class PermanentEventError extends Error {
  override name = 'PermanentEventError';
}

/**
 * Applies one event inside the transaction that records it in the inbox. Write through
 * `tx` only: on embedded PGlite a query on `db` would wait for this very transaction.
 */
export type EventHandler = (payload: unknown, tx: Transaction, event: EventEnvelope) => Promise<void>;

export interface EventConsumerOptions {
  db: Database;
  inbox: InboxTable;
  /** What relays must send in the `x-kabinet-event-secret` header. */
  secret: string;
  logger: Logger;
  /** By topic; a handler validates its own payload. */
  handlers: Record<string, EventHandler>;
  /** After a handler's transaction committed: a handler that published events nudges its relay here. */
  afterCommit?(event: EventEnvelope): void;
}

const envelopeSchema = z.object({
  id: z.uuid(),
  topic: z.string().min(1),
  payload: z.unknown(),
  createdAt: z.iso.datetime({ offset: true }),
});

// Room for the largest payload a producer may publish, plus the envelope around it.
const bodyLimit = maxEventPayloadBytes + 16 * 1024;

/**
 * A consumer's POST endpoint (mount e.g. at /internal/events). Each event id is applied
 * once: its inbox row and the handler's writes commit together or not at all, so a
 * redelivery after a crash or a failed handler finds the row, or retries cleanly.
 * Statuses tell the relay what to do: 2xx done, 4xx give up (park), 5xx try again.
 */
export function eventConsumer(options: EventConsumerOptions): Router {
  const { db, inbox, logger, handlers } = options;
  const router = express.Router();

  // The secret is checked before the body is even parsed.
  router.use((req, res, next) => {
    if (secretsMatch(options.secret, req.get(eventSecretHeader))) return next();
    res.status(403).json({ error: 'forbidden' });
  });
  router.use(express.json({ limit: bodyLimit }));

  router.post('/', async (req, res) => {
    const parsed = envelopeSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'malformed event', issues: z.flattenError(parsed.error).fieldErrors });
      return;
    }
    const { id, topic, payload, createdAt } = parsed.data;
    const event: EventEnvelope = { id, topic, payload, createdAt };
    // hasOwn: a topic named "constructor" must not find Object.prototype's.
    const handler = Object.hasOwn(handlers, event.topic) ? handlers[event.topic] : undefined;
    if (!handler) {
      logger.error({ eventId: event.id, topic: event.topic }, 'event with an unknown topic refused');
      res.status(422).json({ error: `unknown topic ${event.topic}` });
      return;
    }

    try {
      const status = await db.transaction(async (tx) => {
        const recorded = await tx
          .insert(inbox)
          .values({ eventId: event.id, topic: event.topic })
          .onConflictDoNothing()
          .returning({ eventId: inbox.eventId });
        if (recorded.length === 0) return 'duplicate' as const;
        await handler(event.payload, tx, event);
        return 'processed' as const;
      });
      if (status === 'processed') options.afterCommit?.(event);
      res.json({ status });
    } catch (error) {
      if (error instanceof PermanentEventError) {
        logger.error({ err: error, eventId: event.id, topic: event.topic }, 'event refused by its handler');
        res.status(422).json({ error: error.message });
        return;
      }
      logger.error({ err: error, eventId: event.id, topic: event.topic }, 'event handler failed');
      res.status(500).json({ error: 'event handler failed' });
    }
  });

  // Body errors (bad JSON, over the limit) as JSON, not express' HTML page.
  const bodyErrors: ErrorRequestHandler = (error, _req, res, _next) => {
    const status = Number((error as { status?: unknown }).status);
    if (status >= 400 && status < 500) {
      res.status(status).json({ error: (error as Error).message });
      return;
    }
    logger.error({ err: error }, 'event request failed');
    res.status(500).json({ error: 'internal error' });
  };
  router.use(bodyErrors);

  return router;
}
