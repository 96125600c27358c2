import { openTestDatabase, sql, type DatabaseHandle } from '@kabinet/db';
import type { RunningService } from '@kabinet/http';
import { asc } from 'drizzle-orm';
import { pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import express from 'express';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventConsumer, PermanentEventError } from './consumer';
import { maxEventPayloadBytes, publishEvent, type EventEnvelope } from './publish';
import { exponentialRetryDelay, startOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './relay';
import { defineInboxTable, defineOutboxTable } from './tables';
import { createTables, serve, silentLogger } from './test-support';

// Producer and consumer each in their own Postgres schema of one database, as in embedded mode.
const producerSchema = pgSchema('producer');
const outbox = defineOutboxTable(producerSchema);
const consumerSchema = pgSchema('consumer');
const inbox = defineInboxTable(consumerSchema);
const effects = consumerSchema.table('effects', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  eventId: uuid('event_id').notNull(),
  note: text('note').notNull(),
});

const secret = 'consumer-secret';
let database: DatabaseHandle;
let consumer: RunningService;
let endpoint: string | undefined;
/** Every request that reached the consumer, in arrival order. */
let requests: Pick<EventEnvelope, 'id' | 'topic'>[] = [];
let handlerFailures = 0;
let handlerGate: Promise<void> | undefined;
const relays: OutboxRelay[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  await createTables(database, ['producer', 'consumer'], [outbox, inbox, effects]);
  consumer = await serve((app) => {
    app.use(
      '/internal/events',
      // Records what arrived; the consumer's own parser then finds the body already parsed.
      express.json(),
      (req, _res, next) => {
        requests.push({ id: req.body?.id, topic: req.body?.topic });
        next();
      },
      eventConsumer({
        db: database.db,
        inbox,
        secret,
        logger: silentLogger(),
        handlers: {
          'test.noted': async (payload, tx, event) => {
            await handlerGate;
            await tx.insert(effects).values({ eventId: event.id, note: (payload as { note: string }).note });
            if (handlerFailures > 0) {
              handlerFailures -= 1;
              throw new Error('handler failed after writing');
            }
          },
          'test.refused': async () => {
            throw new PermanentEventError('never');
          },
        },
      }),
    );
  });
});

afterAll(async () => {
  await consumer?.stop();
  await database?.close();
});

beforeEach(async () => {
  endpoint = `${consumer.url}/internal/events`;
  requests = [];
  handlerFailures = 0;
  handlerGate = undefined;
  await database.db.execute(sql`truncate producer.outbox, consumer.inbox, consumer.effects`);
});

afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.stop()));
});

/** A relay that polls only when nudged: tests drive passes with `deliverDue()`. */
function relay(overrides: Partial<OutboxRelayOptions> = {}): OutboxRelay {
  const started = startOutboxRelay({
    db: database.db,
    outbox,
    endpointOf: (destination) => (destination === 'consumer' ? endpoint : undefined),
    secretOf: () => secret,
    logger: silentLogger(),
    pollIntervalMs: 60_000,
    retryDelayMs: () => 0,
    ...overrides,
  });
  relays.push(started);
  return started;
}

async function publish(note: string, options: { topic?: string; destinations?: string[] } = {}) {
  await database.db.transaction(async (tx) => {
    await publishEvent(tx, outbox, {
      topic: options.topic ?? 'test.noted',
      payload: { note },
      destinations: options.destinations ?? ['consumer'],
    });
  });
}

/** For what the relay does on its own: soon, but on a busy machine later than vitest's default second. */
const eventually = { timeout: 10_000 };
const outboxRows = () => database.db.select().from(outbox).orderBy(asc(outbox.seq));
const appliedNotes = async () => (await database.db.select().from(effects)).map((effect) => effect.note).sort();
const inboxCount = async () => (await database.db.select().from(inbox)).length;

async function closedPortUrl(): Promise<string> {
  const service = await serve(() => {});
  await service.stop();
  return `${service.url}/internal/events`;
}

describe('outbox relay', () => {
  it('delivers an event published in a committed transaction once, and it is applied once', async () => {
    const outboxRelay = relay();
    await publish('committed');

    expect(await outboxRelay.deliverDue()).toBe(1);
    expect(await outboxRelay.deliverDue()).toBe(0);

    expect(requests).toHaveLength(1);
    expect(await appliedNotes()).toEqual(['committed']);
    const [row] = await outboxRows();
    expect(row).toMatchObject({ destination: 'consumer', attempts: 0, lastError: null, parkedAt: null });
    expect(row?.deliveredAt).toBeInstanceOf(Date);
    expect(requests[0]?.id).toBe(row?.id);
  });

  it('delivers nothing for a transaction that rolled back', async () => {
    const outboxRelay = relay();
    await expect(
      database.db.transaction(async (tx) => {
        await publishEvent(tx, outbox, { topic: 'test.noted', payload: { note: 'rolled back' }, destinations: ['consumer'] });
        throw new Error('the producer change failed');
      }),
    ).rejects.toThrow('the producer change failed');

    expect(await outboxRelay.deliverDue()).toBe(0);
    expect(await outboxRows()).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('refuses, inside the producer transaction, a payload that is not JSON or too big', async () => {
    const publishing = (payload: unknown) =>
      database.db.transaction((tx) => publishEvent(tx, outbox, { topic: 'test.noted', payload, destinations: ['consumer'] }));
    await expect(publishing(undefined)).rejects.toThrow(TypeError);
    await expect(publishing({ note: 'x'.repeat(maxEventPayloadBytes) })).rejects.toThrow(RangeError);
    await publishing({ note: 'x'.repeat(maxEventPayloadBytes - 100) });

    expect(await relay().deliverDue()).toBe(1);
    expect(await outboxRows()).toHaveLength(1);
  });

  it('writes one row per destination, each delivered on its own', async () => {
    const outboxRelay = relay({ endpointOf: () => endpoint });
    await publish('twice', { destinations: ['consumer', 'also-consumer'] });

    expect(await outboxRelay.deliverDue()).toBe(2);
    const rows = await outboxRows();
    expect(rows.map((row) => row.destination).sort()).toEqual(['also-consumer', 'consumer']);
    expect(new Set(requests.map((request) => request.id))).toEqual(new Set(rows.map((row) => row.id)));
  });

  it('keeps retrying while the consumer is down and delivers once it is up', async () => {
    const outboxRelay = relay();
    endpoint = await closedPortUrl();
    await publish('patient');

    expect(await outboxRelay.deliverDue()).toBe(0);
    expect(await outboxRelay.deliverDue()).toBe(0);
    const [failed] = await outboxRows();
    expect(failed).toMatchObject({ attempts: 2, deliveredAt: null, parkedAt: null });
    expect(failed?.lastError).toMatch(/ECONNREFUSED|fetch failed/);

    endpoint = `${consumer.url}/internal/events`;
    expect(await outboxRelay.deliverDue()).toBe(1);
    expect(await appliedNotes()).toEqual(['patient']);
    expect((await outboxRows())[0]?.deliveredAt).toBeInstanceOf(Date);
  });

  it('retries while the destination has no known endpoint yet', async () => {
    const outboxRelay = relay();
    endpoint = undefined;
    await publish('early');

    expect(await outboxRelay.deliverDue()).toBe(0);
    expect((await outboxRows())[0]).toMatchObject({ attempts: 1, lastError: 'no endpoint known for consumer' });

    endpoint = `${consumer.url}/internal/events`;
    expect(await outboxRelay.deliverDue()).toBe(1);
  });

  it('waits for the retry delay before trying again', async () => {
    const outboxRelay = relay({ retryDelayMs: () => 60_000 });
    endpoint = await closedPortUrl();
    await publish('later');

    expect(await outboxRelay.deliverDue()).toBe(0);
    endpoint = `${consumer.url}/internal/events`;
    expect(await outboxRelay.deliverDue()).toBe(0);
    expect(requests).toEqual([]);
    expect((await outboxRows())[0]?.attempts).toBe(1);
  });

  it('applies an event once when the relay delivered it but crashed before marking it', async () => {
    let crashes = 1;
    const outboxRelay = relay({
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (crashes-- > 0) throw new Error('relay crashed before marking the row');
        return response;
      },
    });
    await publish('exactly once');

    expect(await outboxRelay.deliverDue()).toBe(0);
    expect((await outboxRows())[0]?.deliveredAt).toBeNull();
    expect(await outboxRelay.deliverDue()).toBe(1);

    expect(requests).toHaveLength(2);
    expect(requests[0]?.id).toBe(requests[1]?.id);
    expect(await appliedNotes()).toEqual(['exactly once']);
    expect(await inboxCount()).toBe(1);
  });

  it('retries after a failing handler, which left nothing behind, then applies the event', async () => {
    const outboxRelay = relay();
    handlerFailures = 1;
    await publish('second time lucky');

    expect(await outboxRelay.deliverDue()).toBe(0);
    expect(await appliedNotes()).toEqual([]);
    expect(await inboxCount()).toBe(0);
    const [failed] = await outboxRows();
    expect(failed).toMatchObject({ attempts: 1, deliveredAt: null, parkedAt: null });
    expect(failed?.lastError).toMatch(/^HTTP 500/);

    expect(await outboxRelay.deliverDue()).toBe(1);
    expect(await appliedNotes()).toEqual(['second time lucky']);
    expect(await inboxCount()).toBe(1);
  });

  it('parks an event the consumer refuses with 403 (wrong secret) and logs an error', async () => {
    const logger = silentLogger();
    const logged = vi.spyOn(logger, 'error');
    const outboxRelay = relay({ secretOf: () => 'not-the-secret', logger });
    await publish('forbidden');

    expect(await outboxRelay.deliverDue()).toBe(0);
    expect(await outboxRelay.deliverDue()).toBe(0);

    expect(requests).toHaveLength(1);
    const [parked] = await outboxRows();
    expect(parked).toMatchObject({ attempts: 1, deliveredAt: null });
    expect(parked?.parkedAt).toBeInstanceOf(Date);
    expect(parked?.lastError).toMatch(/^HTTP 403/);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(await appliedNotes()).toEqual([]);
  });

  it('parks an event with an unknown topic, or one its handler refuses for good', async () => {
    const outboxRelay = relay();
    await publish('who?', { topic: 'test.unknown' });
    await publish('no', { topic: 'test.refused' });

    expect(await outboxRelay.deliverDue()).toBe(0);
    expect(await outboxRelay.deliverDue()).toBe(0);

    expect(requests).toHaveLength(2);
    const rows = await outboxRows();
    expect(rows.map((row) => row.lastError)).toEqual(['HTTP 422: {"error":"unknown topic test.unknown"}', 'HTTP 422: {"error":"never"}']);
    expect(rows.every((row) => row.parkedAt instanceof Date)).toBe(true);
  });

  it('retries 408 and 429, and parks after maxAttempts failures', async () => {
    const statuses = [429, 408, 503];
    const outboxRelay = relay({
      maxAttempts: 3,
      fetch: async () => new Response('busy', { status: statuses.shift() ?? 500 }),
    });
    await publish('doomed');

    for (let pass = 0; pass < 5; pass += 1) expect(await outboxRelay.deliverDue()).toBe(0);

    const [parked] = await outboxRows();
    expect(parked).toMatchObject({ attempts: 3, lastError: 'HTTP 503: busy' });
    expect(parked?.parkedAt).toBeInstanceOf(Date);
    expect(statuses).toEqual([]);
  });

  it('delivers in write order, and holds a destination\'s later rows behind a failed one', async () => {
    const outboxRelay = relay();
    await database.db.transaction(async (tx) => {
      for (const note of ['first', 'second', 'third']) {
        await publishEvent(tx, outbox, { topic: 'test.noted', payload: { note }, destinations: ['consumer'] });
      }
    });
    const ids = (await outboxRows()).map((row) => row.id);
    handlerFailures = 1;

    // 'first' fails: 'second' and 'third' must not overtake it in this pass.
    expect(await outboxRelay.deliverDue()).toBe(0);
    expect(requests.map((request) => request.id)).toEqual([ids[0]]);
    expect((await outboxRows()).map((row) => row.attempts)).toEqual([1, 0, 0]);

    expect(await outboxRelay.deliverDue()).toBe(3);
    expect(requests.map((request) => request.id)).toEqual([ids[0], ids[0], ids[1], ids[2]]);
  });

  it('lets two relays over one outbox deliver each row once', async () => {
    const [a, b] = [relay({ batchSize: 5 }), relay({ batchSize: 5 })];
    for (let index = 0; index < 12; index += 1) await publish(`event ${index}`);

    let delivered = 0;
    for (let pass = 0; pass < 3; pass += 1) {
      const counts = await Promise.all([a.deliverDue(), b.deliverDue()]);
      delivered += counts[0] + counts[1];
    }

    expect(delivered).toBe(12);
    expect(requests).toHaveLength(12);
    expect(new Set(requests.map((request) => request.id)).size).toBe(12);
    expect(await inboxCount()).toBe(12);
  });

  it('delivers on its own after a nudge, and stop() waits for the pass in flight', async () => {
    const outboxRelay = relay();
    let open!: () => void;
    handlerGate = new Promise((resolve) => (open = resolve));
    await publish('nudged');
    outboxRelay.nudge();
    await vi.waitFor(() => expect(requests).toHaveLength(1), eventually);

    let stopped = false;
    const stopping = outboxRelay.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    open();
    await stopping;
    expect((await outboxRows())[0]?.deliveredAt).toBeInstanceOf(Date);

    // Stopped: nudges and direct passes do nothing.
    await publish('after stop');
    outboxRelay.nudge();
    expect(await outboxRelay.deliverDue()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requests).toHaveLength(1);
  });

  it('polls on its own when nobody nudges it', async () => {
    relay({ pollIntervalMs: 20 });
    await publish('polled');
    await vi.waitFor(async () => expect(await appliedNotes()).toEqual(['polled']), eventually);
  });
});

describe('relay timers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps one unref\'d timer, coalesces nudges, and leaves none after stop()', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const outboxRelay = startOutboxRelay({
      db: database.db,
      outbox,
      endpointOf: () => undefined,
      secretOf: () => secret,
      logger: silentLogger(),
    });
    expect(vi.getTimerCount()).toBe(1);
    outboxRelay.nudge();
    outboxRelay.nudge();
    expect(vi.getTimerCount()).toBe(1);

    await outboxRelay.stop();
    expect(vi.getTimerCount()).toBe(0);
    outboxRelay.nudge();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('unrefs its timer so it never keeps the process alive', async () => {
    const created: NodeJS.Timeout[] = [];
    const realSetTimeout = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((...args: Parameters<typeof setTimeout>) => {
      const timer = realSetTimeout(...args);
      created.push(timer);
      return timer;
    }) as typeof setTimeout);
    const outboxRelay = startOutboxRelay({
      db: database.db,
      outbox,
      endpointOf: () => undefined,
      secretOf: () => secret,
      logger: silentLogger(),
    });
    spy.mockRestore();
    await outboxRelay.stop();
    expect(created).toHaveLength(1);
    expect(created[0]?.hasRef()).toBe(false);
  });
});

describe('exponentialRetryDelay', () => {
  it('doubles from one second and stops at five minutes', () => {
    expect([1, 2, 3, 4].map(exponentialRetryDelay)).toEqual([1000, 2000, 4000, 8000]);
    expect(exponentialRetryDelay(9)).toBe(256_000);
    expect(exponentialRetryDelay(10)).toBe(300_000);
    expect(exponentialRetryDelay(1000)).toBe(300_000);
  });
});
