import { rowsOf } from '@kabinet/db';
import type { TestStack } from '@kabinet/testing';
import { unclaimedEntries } from '@kabinet/utility-core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdOf, startElectricityStack, supplierIds, tables } from './testing/e2e';

/*
 * A billing run asks, for each batch of accounts, which ledger entries no statement shows yet.
 * Read through the account's whole ledger, that question cost more with every month billed; its
 * own partial index (`ledger_entries_unclaimed_idx`) holds only the unclaimed entries. This checks
 * that the run's very query is answered from it, on either database.
 */
describe('the unclaimed ledger entries a billing run looks up', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startElectricityStack();
  });
  afterAll(() => t?.stop());

  it('come from the index of unclaimed entries, not from every entry the accounts ever had', async () => {
    const accountId = await accountIdOf(t, supplierIds.kyiv, '10234567');
    const plan = await t.stack.database.db.transaction(async (tx) => {
      // The demo's tables are small enough for a table scan to be cheapest: what is checked is
      // which index the lookup takes once it takes one.
      await tx.execute(sql`set local enable_seqscan = off`);
      const explained = await tx.execute(sql`explain ${unclaimedEntries(tx, tables, [accountId], new Date())}`);
      return rowsOf<{ 'QUERY PLAN': string }>(explained).map((row) => row['QUERY PLAN']);
    });
    expect(plan.join('\n')).toContain('ledger_entries_unclaimed_idx');
  });
});
