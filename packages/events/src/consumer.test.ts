import { openTestDatabase, sql, type DatabaseHandle } from '@kabinet/db';
import type { RunningService } from '@kabinet/http';
import { pgSchema, text, uuid } from 'drizzle-orm/pg-core';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventConsumer, PermanentEventError } from './consumer';
import { eventSecretHeader, type EventEnvelope } from './publish';
import { defineInboxTable } from './tables';
import { createTables, serve, silentLogger } from './test-support';

const consumerSchema = pgSchema('consumer');
const inbox = defineInboxTable(consumerSchema);
const effects = consumerSchema.table('effects', { id: uuid('id').primaryKey(), note: text('note').notNull() });

const secret = 'consumer-secret';
let database: DatabaseHandle;
let service: RunningService;
let calls: string[] = [];
let failNext = false;

beforeAll(async () => {
  database = await openTestDatabase();
  await createTables(database, ['consumer'], [inbox, effects]);
  service = await serve((app) => {
    app.use(
      '/internal/events',
      eventConsumer({
        db: database.db,
        inbox,
        secret,
        logger: silentLogger(),
        handlers: {
          'test.noted': async (payload, tx, event) => {
            calls.push(event.id);
            await tx.insert(effects).values({ id: event.id, note: (payload as { note: string }).note });
            if (failNext) {
              failNext = false;
              throw new Error('handler failed after writing');
            }
          },
          'test.refused': async () => {
            throw new PermanentEventError('this account does not exist');
          },
        },
      }),
    );
  });
});

afterAll(async () => {
  await service?.stop();
  await database?.close();
});

beforeEach(async () => {
  calls = [];
  failNext = false;
  await database.db.execute(sql`truncate consumer.inbox, consumer.effects`);
});

function envelope(overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  return { id: randomUUID(), topic: 'test.noted', payload: { note: 'hello' }, createdAt: new Date().toISOString(), ...overrides };
}

function post(body: unknown, headers: Record<string, string> = { [eventSecretHeader]: secret }) {
  return fetch(`${service.url}/internal/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const count = async (table: typeof inbox | typeof effects) => (await database.db.select().from(table)).length;

describe('eventConsumer', () => {
  it('applies an event once and answers duplicates without running the handler', async () => {
    const event = envelope();
    const first = await post(event);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ status: 'processed' });

    const second = await post(event);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ status: 'duplicate' });

    expect(calls).toEqual([event.id]);
    expect(await count(effects)).toBe(1);
    expect(await database.db.select().from(inbox)).toEqual([
      expect.objectContaining({ eventId: event.id, topic: 'test.noted', receivedAt: expect.any(Date) }),
    ]);
  });

  it('answers 403 to a missing or wrong secret, before touching anything', async () => {
    expect((await post(envelope(), {})).status).toBe(403);
    expect((await post(envelope(), { [eventSecretHeader]: 'consumer-secreT' })).status).toBe(403);
    expect((await post(envelope(), { [eventSecretHeader]: `${secret}x` })).status).toBe(403);
    expect(calls).toEqual([]);
    expect(await count(inbox)).toBe(0);
  });

  it('answers 400 to a malformed envelope', async () => {
    expect((await post('{not json')).status).toBe(400);
    expect((await post({ topic: 'test.noted', payload: {} })).status).toBe(400);
    expect((await post(envelope({ id: 'not-a-uuid' }))).status).toBe(400);
    expect((await post(envelope({ createdAt: 'yesterday' }))).status).toBe(400);
    expect((await post({ ...envelope(), padding: 'x'.repeat(100_000) })).status).toBe(413);
    expect(calls).toEqual([]);
    expect(await count(inbox)).toBe(0);
  });

  it('answers 422 to an unknown topic, including names on Object.prototype', async () => {
    for (const topic of ['test.unknown', 'constructor', 'toString']) {
      const response = await post(envelope({ topic }));
      expect(response.status).toBe(422);
    }
    expect(await count(inbox)).toBe(0);
  });

  it('answers 422 when the handler says retrying cannot help', async () => {
    const response = await post(envelope({ topic: 'test.refused' }));
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ error: 'this account does not exist' });
    expect(await count(inbox)).toBe(0);
  });

  it('rolls back the handler and the inbox row when the handler fails, so a retry applies it', async () => {
    const event = envelope();
    failNext = true;
    const failed = await post(event);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: 'event handler failed' });
    expect(await count(inbox)).toBe(0);
    expect(await count(effects)).toBe(0);

    const retried = await post(event);
    expect(await retried.json()).toEqual({ status: 'processed' });
    expect(calls).toEqual([event.id, event.id]);
    expect(await count(inbox)).toBe(1);
    expect(await count(effects)).toBe(1);
  });

  it('applies concurrent deliveries of one event once', async () => {
    const event = envelope();
    const responses = await Promise.all([post(event), post(event), post(event)]);
    const statuses = await Promise.all(responses.map(async (response) => (await response.json()) as { status: string }));
    expect(statuses.map(({ status }) => status).sort()).toEqual(['duplicate', 'duplicate', 'processed']);
    expect(await count(effects)).toBe(1);
  });
});
