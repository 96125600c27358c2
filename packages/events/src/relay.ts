import type { Logger } from '@kabinet/config';
import type { Database } from '@kabinet/db';
import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { eventSecretHeader, type EventEnvelope } from './publish';
import type { OutboxTable } from './tables';

export interface OutboxRelayOptions {
  db: Database;
  outbox: OutboxTable;
  /** Where destination `name` receives events; looked up at delivery time (URLs may be known only after start). */
  endpointOf(destination: string): string | undefined;
  /** Value of the secret header the destination expects. */
  secretOf(destination: string): string;
  logger: Logger;
  /** Between passes when nothing nudges the relay; default 1000. */
  pollIntervalMs?: number;
  /** Rows claimed per pass; default 20. */
  batchSize?: number;
  /** Failed deliveries after which a row is parked; default 300 (about a day at the 5-minute cap). */
  maxAttempts?: number;
  /** Wait before the next try, given the failed attempts so far (1 after the first failure). */
  retryDelayMs?(attempts: number): number;
  /** Per HTTP request; default 10 000. */
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Delivers a producer's outbox, at least once: a crash between the consumer's answer and
 * the row being marked means the event is sent again, so consumers dedupe on the event id.
 * A pass sends rows in the order they were written, and a destination's rows wait behind
 * one of its rows that failed; still, events written while a row waits for its retry
 * overtake it, and replicas' relays interleave: consumers must not depend on event order.
 */
export interface OutboxRelay {
  /** One delivery pass over due rows; resolves with how many were delivered. */
  deliverDue(): Promise<number>;
  /** Ask for a pass soon (coalesced), e.g. right after a producer commits. */
  nudge(): void;
  /** Stop polling and wait for an in-flight pass. */
  stop(): Promise<void>;
}

const maxRetryDelayMs = 5 * 60_000;

/** 1 s, 2 s, 4 s, … capped at 5 minutes. */
export function exponentialRetryDelay(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(attempts - 1, 0), maxRetryDelayMs);
}

type OutboxRow = OutboxTable['$inferSelect'];

type Outcome = { kind: 'delivered' } | { kind: 'retry' | 'refused'; error: string };

/** `now() + ms` on the database's clock, so relays on different hosts agree on what is due. */
const inMs = (ms: number) => sql`now() + ${ms}::double precision * interval '1 millisecond'`;

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch reports "fetch failed" and keeps the reason (ECONNREFUSED, …) in `cause`.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/** 4xx means the destination will refuse this event every time; 408 and 429 are worth another try. */
const isRefusal = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { db, outbox, logger } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const batchSize = options.batchSize ?? 20;
  const maxAttempts = options.maxAttempts ?? 300;
  const retryDelayMs = options.retryDelayMs ?? exponentialRetryDelay;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const fetchEvent = options.fetch ?? fetch;
  // A pass delivers its rows one after another, each bounded by the request timeout; the
  // lease outlasts the whole pass, so no other relay claims a row this one will still send.
  // A relay that dies mid-pass leaves its rows to be claimed again when the lease ends.
  const leaseMs = batchSize * requestTimeoutMs + 60_000;

  async function claim(): Promise<OutboxRow[]> {
    // No transaction stays open while HTTP is in flight (embedded PGlite has one
    // connection): one statement moves the due rows' next attempt past the lease, and
    // SKIP LOCKED keeps a concurrent relay's statement off the rows this one is moving.
    const due = db.$with('due').as(
      db
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(isNull(outbox.deliveredAt), isNull(outbox.parkedAt), lte(outbox.nextAttemptAt, sql`now()`)))
        .orderBy(asc(outbox.seq))
        .limit(batchSize)
        .for('update', { skipLocked: true }),
    );
    const claimed = db.$with('claimed').as(
      db
        .update(outbox)
        .set({ nextAttemptAt: inMs(leaseMs) })
        .where(inArray(outbox.id, db.select({ id: due.id }).from(due)))
        .returning(),
    );
    // RETURNING keeps no order.
    return db.with(due, claimed).select().from(claimed).orderBy(asc(claimed.seq));
  }

  async function send(row: OutboxRow): Promise<Outcome> {
    const endpoint = options.endpointOf(row.destination);
    if (!endpoint) return { kind: 'retry', error: `no endpoint known for ${row.destination}` };
    const envelope: EventEnvelope = {
      id: row.id,
      topic: row.topic,
      payload: row.payload,
      createdAt: row.createdAt.toISOString(),
    };
    try {
      const response = await fetchEvent(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [eventSecretHeader]: options.secretOf(row.destination) },
        body: JSON.stringify(envelope),
        // The secret header would follow a redirect to wherever it points.
        redirect: 'error',
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
      const body = (await response.text()).slice(0, 500);
      if (response.ok) return { kind: 'delivered' };
      const error = `HTTP ${response.status}${body ? `: ${body}` : ''}`;
      return { kind: isRefusal(response.status) ? 'refused' : 'retry', error };
    } catch (error) {
      return { kind: 'retry', error: describeError(error) };
    }
  }

  async function park(row: OutboxRow, attempts: number, error: string): Promise<void> {
    await db
      .update(outbox)
      .set({ attempts, lastError: error, parkedAt: sql`now()` })
      .where(eq(outbox.id, row.id));
    logger.error(
      { eventId: row.id, topic: row.topic, destination: row.destination, attempts, error },
      'event parked: it will not be delivered again until parked_at is cleared',
    );
  }

  /** Records the outcome; for a retry, returns how long the row waits. */
  async function settle(row: OutboxRow, outcome: Outcome): Promise<number | undefined> {
    if (outcome.kind === 'delivered') {
      await db
        .update(outbox)
        .set({ deliveredAt: sql`now()`, lastError: null })
        .where(eq(outbox.id, row.id));
      return undefined;
    }
    const attempts = row.attempts + 1;
    if (outcome.kind === 'refused' || attempts >= maxAttempts) {
      await park(row, attempts, outcome.error);
      return undefined;
    }
    const delay = retryDelayMs(attempts);
    await db
      .update(outbox)
      .set({ attempts, lastError: outcome.error, nextAttemptAt: inMs(delay) })
      .where(eq(outbox.id, row.id));
    logger.warn(
      { eventId: row.id, topic: row.topic, destination: row.destination, attempts, error: outcome.error },
      'event delivery failed; will retry',
    );
    return delay;
  }

  let stopped = false;

  async function pass(): Promise<{ claimed: number; delivered: number }> {
    if (stopped) return { claimed: 0, delivered: 0 };
    const rows = await claim();
    let delivered = 0;
    // Once a destination fails in a pass, its later rows wait with the failed one instead of
    // overtaking it (and instead of each waiting out a timeout against a dead host).
    const waitOf = new Map<string, number>();
    const postponed = new Map<number, string[]>();
    const postpone = (delay: number, id: string) => postponed.set(delay, [...(postponed.get(delay) ?? []), id]);
    try {
      for (const row of rows) {
        const wait = stopped ? 0 : waitOf.get(row.destination);
        if (wait !== undefined) {
          postpone(wait, row.id);
          continue;
        }
        const outcome = await send(row);
        const delay = await settle(row, outcome);
        if (outcome.kind === 'delivered') delivered += 1;
        if (delay !== undefined) waitOf.set(row.destination, delay);
      }
    } finally {
      // Claimed rows not tried are handed back rather than left until the lease ends.
      for (const [delay, ids] of postponed) {
        await db.update(outbox).set({ nextAttemptAt: inMs(delay) }).where(inArray(outbox.id, ids));
      }
    }
    return { claimed: rows.length, delivered };
  }

  // Passes never overlap within one relay: a direct call waits for the polling one.
  let queue: Promise<unknown> = Promise.resolve();
  function enqueue() {
    const next = queue.then(pass);
    queue = next.catch(() => undefined);
    return next;
  }

  let timer: NodeJS.Timeout | undefined;
  let polling = false;
  let nudged = false;

  function schedule(ms: number) {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(poll, ms);
    // Never the reason a process stays alive.
    timer.unref();
  }

  function poll() {
    timer = undefined;
    polling = true;
    nudged = false;
    enqueue().then(
      // A full batch suggests more rows are due right now.
      ({ claimed }) => {
        if (claimed === batchSize) nudged = true;
      },
      (error: unknown) => logger.error({ err: error }, 'outbox relay pass failed'),
    ).finally(() => {
      polling = false;
      schedule(nudged ? 0 : pollIntervalMs);
    });
  }

  // The first pass comes after one interval (nudges bring it forward): rows left by an
  // earlier process are delivered then.
  schedule(pollIntervalMs);

  return {
    deliverDue: async () => (await enqueue()).delivered,
    nudge() {
      if (stopped) return;
      // During a pass the row may have been committed after the claim: run once more after it.
      if (polling) nudged = true;
      else schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await queue;
    },
  };
}
