import { rowsOf, type Database, type Transaction } from '@kabinet/db';
import type { TestStack } from '@kabinet/testing';
import { balanceSum, happenedBy, latestReadingOfEachZone, loadBillingHistories, submissionHistoryReader, unclaimedEntries } from '@kabinet/utility-core';
import { eq, sql, type SQLWrapper } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdOf, startElectricityStack, supplierIds, tables } from './testing/e2e';

/*
 * What a billing run reads for a batch of accounts, a reading submission and the Dashboard for
 * theirs, must not grow with every month billed: each month adds readings and ledger entries to
 * every account, and whatever read them all would slow down year after year. These check those
 * lookups on the demo's Kyiv account 10234567: readings for June (the value before the demo's
 * months) to October, September's missed and estimated by its run.
 */

/**
 * The plan of `query` with table scans (and, with `noBitmaps`, bitmap scans) off: the demo's
 * tables are small enough for a scan to be cheapest, and what is checked is which index a lookup
 * takes once it takes one.
 */
async function planOf(db: Database, query: (tx: Transaction) => SQLWrapper, { noBitmaps = false } = {}): Promise<string> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`);
    if (noBitmaps) await tx.execute(sql`set local enable_bitmapscan = off`);
    return rowsOf<{ 'QUERY PLAN': string }>(await tx.execute(sql`explain ${query(tx)}`))
      .map((row) => row['QUERY PLAN'])
      .join('\n');
  });
}

describe('what is read of an account\'s history', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startElectricityStack();
  });
  afterAll(() => t?.stop());

  it('takes unclaimed ledger entries from their own index, not from every entry the account ever had', async () => {
    const accountId = await accountIdOf(t, supplierIds.kyiv, '10234567');
    const { db } = t.stack.database;
    expect(await planOf(db, (tx) => unclaimedEntries(tx, tables, [accountId], new Date()))).toContain('ledger_entries_unclaimed_idx');
  });

  it('sums an account\'s balance from the index alone, not a table page per entry', async () => {
    const accountId = await accountIdOf(t, supplierIds.kyiv, '10234567');
    const ledger = tables.ledgerEntries;
    // The balance as the Dashboard's and a submission's statements sum it.
    const balance = sql`select ${balanceSum(tables)} from ${ledger} where ${ledger.accountId} = ${accountId} and ${happenedBy(tables, new Date())}`;
    expect(await planOf(t.stack.database.db, () => balance, { noBitmaps: true })).toContain('Index Only Scan using ledger_entries_balance_idx');
  });

  it('finds each meter zone\'s latest reading by index, not by sorting every reading the meter had', async () => {
    const accountId = await accountIdOf(t, supplierIds.kyiv, '10234567');
    const { db } = t.stack.database;
    const latest = latestReadingOfEachZone(db, tables);
    const ofAccount = () => db.select({ zone: latest.zone, period: latest.period }).from(tables.meters).innerJoinLateral(latest, sql`true`).where(eq(tables.meters.accountId, accountId));
    const plan = await planOf(db, ofAccount, { noBitmaps: true });
    expect(plan).toContain('readings_pkey');
    expect(plan).not.toContain('Sort');
    // October's, of each zone: the demo's latest.
    expect((await ofAccount()).sort((a, b) => a.zone.localeCompare(b.zone))).toEqual([
      { zone: 'DAY', period: '2026-10-01' },
      { zone: 'NIGHT', period: '2026-10-01' },
    ]);
  });

  it('reads each meter zone from its latest real reading before the month on, the estimates since it included', async () => {
    const accountId = await accountIdOf(t, supplierIds.kyiv, '10234567');
    const periodsRead = async (period: string) => {
      const history = (await loadBillingHistories(t.stack.database.db, tables, [accountId], period)).get(accountId)!;
      const byZone = (zone: string) =>
        history.readings
          .filter((reading) => reading.zone === zone)
          .map((reading) => `${reading.period}${reading.estimated ? ' estimated' : ''}`)
          .sort();
      return { DAY: byZone('DAY'), NIGHT: byZone('NIGHT') };
    };
    // November: October's real reading is where its advance starts; June to September change nothing.
    expect(await periodsRead('2026-11')).toEqual({ DAY: ['2026-10'], NIGHT: ['2026-10'] });
    // October (billed again, say): its advance runs from August's real reading over September's estimate.
    const october = ['2026-08', '2026-09 estimated', '2026-10'];
    expect(await periodsRead('2026-10')).toEqual({ DAY: october, NIGHT: october });
    // Before any real reading there is nothing to start from: every reading there is.
    expect(await periodsRead('2026-06')).toEqual({ DAY: ['2026-06'], NIGHT: ['2026-06'] });
  });

  it('checks and prices a submitted reading from the same readings on, and against later months\' real ones', async () => {
    const accountId = await accountIdOf(t, supplierIds.kyiv, '10234567');
    const read = submissionHistoryReader(t.stack.database.db, tables);
    const periodsRead = async (period: string) => {
      const history = await read(accountId, period, new Date());
      const byZone = (readings: typeof history.readings, zone: string) =>
        readings
          .filter((reading) => reading.zone === zone)
          .map((reading) => `${reading.period}${reading.estimated ? ' estimated' : ''}`)
          .sort();
      return {
        readings: { DAY: byZone(history.readings, 'DAY'), NIGHT: byZone(history.readings, 'NIGHT') },
        later: { DAY: byZone(history.later, 'DAY'), NIGHT: byZone(history.later, 'NIGHT') },
      };
    };
    // November's reading: compared with October's, and nothing before it is read.
    expect(await periodsRead('2026-11')).toEqual({ readings: { DAY: ['2026-10'], NIGHT: ['2026-10'] }, later: { DAY: [], NIGHT: [] } });
    // August's (entered late): from July's on, and October's real reading is a later month's,
    // September's estimate not.
    expect(await periodsRead('2026-08')).toEqual({
      readings: { DAY: ['2026-07', '2026-08'], NIGHT: ['2026-07', '2026-08'] },
      later: { DAY: ['2026-10'], NIGHT: ['2026-10'] },
    });
  });
});
