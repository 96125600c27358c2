import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from './database';
import { newRowId } from './ids';
import { rowsOf } from './sets';
import { openTestDatabase } from './test-database';

describe('newRowId', () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database?.close());

  it('makes UUIDs of version 7, each new, across many draws of random bytes', () => {
    const ids = Array.from({ length: 10_000 }, newRowId);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // Their random tails (48 bits) too: the random bytes are new for each id, not only the count.
    expect(new Set(ids.map((id) => id.slice(-12))).size).toBe(ids.length);
  });

  it('makes ids the database sorts in the order they were made, within a millisecond too', async () => {
    const made = Array.from({ length: 2_000 }, newRowId);
    const sorted = rowsOf<{ id: string }>(
      await database.db.execute(sql`select id::text as id from unnest(${`{${made.join(',')}}`}::uuid[]) as ids(id) order by id`),
    ).map((row) => row.id);
    expect(sorted).toEqual(made);
  });
});
