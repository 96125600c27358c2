import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';

// postgres-js runs patched (patches/postgres@3.4.9.patch): a prepared statement's signature (its
// parameter types and text) is remembered instead of built for every query. These check that
// what it finds is still the statement for those types and that text. PostgreSQL only.
const url = process.env.DATABASE_URL;

describe.skipIf(!url)('prepared statements on PostgreSQL (postgres-js)', () => {
  const sql = postgres(url!, { max: 1, onnotice: () => {} });
  afterAll(() => sql.end());

  const typeOf = async (text: string, value: unknown) => (await sql.unsafe(text, [value as never], { prepare: true }))[0]!.type as string;

  it('prepares one statement per text and parameter types, and uses it again for the same', async () => {
    const text = 'select pg_typeof($1)::text as type';
    expect(await typeOf(text, true)).toBe('boolean');
    expect(await typeOf(text, new Date('2026-12-01T00:00:00Z'))).toBe('timestamp with time zone');
    // The same text and types again: the statements prepared above, each still its own.
    expect(await typeOf(text, false)).toBe('boolean');
    expect(await typeOf(text, new Date('2026-12-02T00:00:00Z'))).toBe('timestamp with time zone');
    const prepared = await sql`select count(*)::int as count from pg_prepared_statements where statement = ${text}`;
    expect(prepared[0]!.count).toBe(2);
  });

  it('tells apart texts that differ only after a long common start', async () => {
    const common = `select ${'1 + '.repeat(2_000)}0 as padding, `;
    expect(await typeOf(`${common}'first'::text as type, $1::text as value`, 'x')).toBe('first');
    expect(await typeOf(`${common}'second'::text as type, $1::text as value`, 'x')).toBe('second');
  });
});
