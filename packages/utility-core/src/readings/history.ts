import type { Database } from '@kabinet/db';
import { eq, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { firstDayOf, type Period } from '../calendar';
import type { BasisMeter, BasisReading, BilledConsumption } from '../billing/basis';
import { basisReadingOf, billedConsumptionOf, readingsSinceLatestReal, type StoredBilledConsumption, type StoredReading } from '../billing/history';
import { balanceSum, happenedBy } from '../ledger';
import type { UtilityTables } from '../tables';

/** What a submission of readings is checked against and priced from: one account's history around a month. */
export interface SubmissionHistory {
  /** The month has a bill already: its readings are closed. */
  billed: boolean;
  /** Every meter the account has had, replaced ones included. */
  meters: BasisMeter[];
  /** Stored readings of each meter zone from its latest real one before the month to the month's own. */
  readings: BasisReading[];
  /** Real readings closing later months: a replaced meter's final values, which a reading cannot exceed. */
  later: BasisReading[];
  /** What earlier bills charged, per meter zone (as billing reads it, see `loadBillingHistories`). */
  billedConsumption: BilledConsumption[];
  /** The account's balance at the submission's time (`balanceByAccount`'s figure), in minor units: what the answer shows with it. */
  balanceMinor: number;
}

/** `json_build_object('key', value, ...)` under our own (constant) keys. */
const jsonObject = (fields: Record<string, SQLWrapper>): SQL =>
  sql`json_build_object(${sql.join(
    Object.entries(fields).map(([key, value]) => sql`${sql.raw(`'${key}'`)}, ${value}`),
    sql`, `,
  )})`;

/** The rows of a subquery as one JSON array (text, parsed here: both drivers hand it over alike). */
const jsonRows = <T>(subquery: SQL) => sql<string>`(select coalesce(json_agg(row), '[]'::json)::text from (${subquery}) as rows(row))`.mapWith((text: string): T[] => JSON.parse(text));

/**
 * A subquery's one value. Nested on purpose: drizzle names a column of a selected field without
 * its table when the query reads one table, but leaves nested SQL as written.
 */
const scalar = <T>(subquery: SQL) => sql<T>`(${subquery})`;

/**
 * The history a submission needs, and the balance its answer shows, in one statement prepared
 * once per subgraph: a burst of submissions at the end of a month costs one round trip each for
 * it, not one per table. Meter values and consumption travel as text, so that no decimal passes
 * through a float.
 */
export function submissionHistoryReader(db: Database, t: UtilityTables) {
  const accountId = sql.placeholder('accountId');
  const month = sql.placeholder('month');
  const { ledgerEntries: ledger, bills, meters, readings, billConsumption: billed } = t;
  const statement = db
    .select({
      balance: scalar<string>(sql`select ${balanceSum(t)} from ${ledger} where ${ledger.accountId} = ${accountId} and ${happenedBy(t, sql.placeholder('now'))}`),
      billed: scalar<boolean>(sql`select exists (select 1 from ${bills} where ${bills.accountId} = ${accountId} and ${bills.period} = ${month}::date)`),
      meters: jsonRows<BasisMeter>(
        sql`select ${jsonObject({
          id: meters.id,
          serialNumber: meters.serialNumber,
          zones: meters.zones,
          digits: meters.digits,
          installedOn: meters.installedOn,
          removedOn: meters.removedOn,
        })} from ${meters} where ${meters.accountId} = ${accountId}`,
      ),
      // Each zone's from its latest real reading before the month on, as billing reads them: the
      // submission's advance starts there, and older readings would make every submission of an
      // old account read more (loadBillingHistories).
      readings: jsonRows<StoredReading>(sql`select to_json("usable") from (${readingsSinceLatestReal(t, sql`${meters.accountId} = ${accountId}`, sql`${month}::date`)}) as "usable"`),
      later: jsonRows<StoredReading>(
        sql`select ${jsonObject({
          meterId: readings.meterId,
          zone: readings.zone,
          period: readings.period,
          value: sql`${readings.value}::text`,
          source: readings.source,
        })} from ${readings} join ${meters} on ${meters.id} = ${readings.meterId}
          where ${meters.accountId} = ${accountId} and ${readings.period} > ${month}::date and ${readings.source} <> 'ESTIMATE'`,
      ),
      billedConsumption: jsonRows<StoredBilledConsumption>(
        sql`select ${jsonObject({
          id: billed.id,
          billId: billed.billId,
          period: bills.period,
          meterId: billed.meterId,
          zone: billed.zone,
          consumption: sql`${billed.consumption}::text`,
          correctedConsumption: sql`${billed.correctedConsumption}::text`,
          estimated: billed.estimated,
          correctedByBillId: billed.correctedByBillId,
        })} from ${billed} join ${bills} on ${bills.id} = ${billed.billId} where ${bills.accountId} = ${accountId} and ${bills.period} < ${month}::date`,
      ),
    })
    .from(t.accounts)
    .where(eq(t.accounts.id, accountId))
    .prepare('submission_history');

  return async (account: string, period: Period, now: Date): Promise<SubmissionHistory> => {
    const [row] = await statement.execute({ accountId: account, month: firstDayOf(period), now: now.toISOString() });
    if (!row) return { billed: false, meters: [], readings: [], later: [], billedConsumption: [], balanceMinor: 0 };
    return {
      billed: row.billed,
      balanceMinor: Number(row.balance),
      meters: row.meters,
      readings: row.readings.map(basisReadingOf),
      later: row.later.map(basisReadingOf).sort((a, b) => (a.period < b.period ? -1 : 1)),
      billedConsumption: row.billedConsumption.map(billedConsumptionOf),
    };
  };
}
