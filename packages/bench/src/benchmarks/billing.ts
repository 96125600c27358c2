import { fileURLToPath } from 'node:url';
import { openDatabase } from '@kabinet/db';
import { electricityRules, electricityTables as t } from '@kabinet/electricity';
import { assertPeriod, runBilling } from '@kabinet/utility-core';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { billingMonth, billingNow, seedBillingAccounts, seededSupplierId } from '@kabinet/electricity/testing/billing-accounts';
import type { Benchmark, Figure } from '../figure';
import { serverCpuMsOf } from '../processes';
import { createBenchDatabase, settle } from '../production-stack';

/*
 * A supplier's billing run on PostgreSQL (the engine in this process, as the billing command
 * runs it), for 1,000, 10,000 and 100,000 accounts seeded set-based in a database of its own
 * (BENCH_BILLING_SIZES for others): accounts billed a second, and the CPU it cost here and in the
 * server's processes. The goal (100,000 in 30 s) is judged on the run of 100,000 itself, not on a
 * smaller run's pace: a run's fixed costs weigh on 1,000 accounts, not on 100,000. The baseline,
 * measured in the same run, is a floor no billing run reaches: the rows the run wrote (bills,
 * lines, consumption, estimated readings, ledger entries) copied by one `insert ... select` per
 * table, in one transaction, into empty tables with the same indexes (and no foreign keys).
 */

const migrationsFolder = fileURLToPath(new URL('../../../../subgraphs/electricity/drizzle', import.meta.url));
const sizes = (process.env.BENCH_BILLING_SIZES ?? '1000,10000,100000').split(',').map(Number);
const goalAccounts = 100_000;
/**
 * A run of this many accounts is measured again after `historyYears` of monthly readings and
 * payments: what a run reads must not grow with the months billed before (`BENCH_BILLING_HISTORY_YEARS`,
 * 0 to skip).
 */
const historyAccounts = 10_000;
const historyYears = Number(process.env.BENCH_BILLING_HISTORY_YEARS ?? '5');

interface Measured {
  /** Wall-clock seconds. */
  seconds: number;
  /** CPU seconds of this process and of the database's server processes serving it. */
  nodeCpu: number;
  databaseCpu: number;
}

/** Times `work`, with the CPU it cost here and in the database server's processes (it runs on this machine). */
async function timed(sql: postgres.Sql, work: () => Promise<void>): Promise<Measured> {
  const [backend] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
  const pid = backend!.pid;
  const serverBefore = serverCpuMsOf(pid);
  const nodeBefore = process.cpuUsage();
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  const node = process.cpuUsage(nodeBefore);
  return { seconds, nodeCpu: (node.user + node.system) / 1e6, databaseCpu: (serverCpuMsOf(pid) - serverBefore) / 1000 };
}

/** One billing run of `count` accounts, and the floor: writing what it wrote. */
async function measure(count: number, yearsOfHistory = 0): Promise<{ run: Measured; floor: Measured }> {
  const created = await createBenchDatabase('billing');
  const database = await openDatabase({ url: created.url });
  const sql = postgres(created.url, { max: 1, onnotice: () => {} });
  try {
    await database.migrate('electricity', migrationsFolder);
    await seedBillingAccounts(database.db, count, { yearsOfHistory });
    await settle(database);
    const [supplier] = await database.db.select().from(t.suppliers).where(eq(t.suppliers.id, seededSupplierId));
    if (!supplier) throw new Error('the bench supplier was not seeded');

    const run = await timed(sql, async () => {
      const finished = await runBilling(database.db, { tables: t, rules: electricityRules }, { supplier, period: assertPeriod(billingMonth), startedByUserId: null, now: billingNow });
      if (finished.billsIssued !== count || finished.accountsFailed !== 0) throw new Error(`billed ${finished.billsIssued} of ${count}, ${finished.accountsFailed} failed`);
    });
    return { run, floor: await floor(sql) };
  } finally {
    await sql.end();
    await database.close();
    await created.drop();
  }
}

/** The run's rows written again, one `insert ... select` per table, into empty copies with the same indexes. */
async function floor(sql: postgres.Sql): Promise<Measured> {
  const month = `${billingMonth}-01`;
  const copies: [string, string][] = [
    ['bills', `select * from electricity.bills where period = '${month}'`],
    ['bill_lines', `select l.* from electricity.bill_lines l join electricity.bills b on b.id = l.bill_id where b.period = '${month}'`],
    ['bill_consumption', `select c.* from electricity.bill_consumption c join electricity.bills b on b.id = c.bill_id where b.period = '${month}'`],
    ['readings', `select * from electricity.readings where period = '${month}' and source = 'ESTIMATE'`],
    [
      'ledger_entries',
      `select e.* from electricity.ledger_entries e join electricity.bills b on b.id = e.bill_id where b.period = '${month}'
       union all select e.* from electricity.ledger_entries e join electricity.bills b on b.id = e.statement_bill_id where b.period = '${month}'`,
    ],
  ];
  await sql.unsafe('create schema floor');
  for (const [table] of copies) await sql.unsafe(`create table floor.${table} (like electricity.${table} including defaults including indexes)`);
  // The source rows read once beforehand, so that the floor counts writing only.
  for (const [, source] of copies) await sql.unsafe(`select count(*) from (${source}) rows`);
  return timed(sql, async () => {
    await sql.begin(async (tx) => {
      for (const [table, source] of copies) await tx.unsafe(`insert into floor.${table} ${source}`);
    });
  });
}

const thousands = (count: number) => (count >= 1000 ? `${count / 1000}k` : String(count));
const perThousand = (seconds: number, count: number) => Number(((seconds / count) * 1000).toFixed(3));

export const billing: Benchmark = {
  name: 'billing',
  description: "A supplier's billing run on PostgreSQL: accounts billed a second and CPU per 1,000 accounts, against copying the rows it wrote by insert ... select",
  async run() {
    const figures: Figure[] = [];
    const fresh = new Map<number, Measured>();
    for (const count of sizes) {
      const { run, floor: written } = await measure(count);
      fresh.set(count, run);
      const rate = count / run.seconds;
      figures.push(
        {
          name:
            count === goalAccounts
              ? `billing run, ${thousands(count)} accounts (PostgreSQL): ${run.seconds.toFixed(2)} s`
              : `billing run, ${thousands(count)} accounts (PostgreSQL): ${run.seconds.toFixed(2)} s, 100,000 in ${(goalAccounts / rate).toFixed(0)} s at this pace`,
          value: Math.round(rate),
          unit: 'accounts/s',
          baseline: { name: `the rows it wrote, copied by insert ... select (${written.seconds.toFixed(2)} s)`, value: Math.round(count / written.seconds) },
          ...(count === goalAccounts ? { goal: '100,000 in ≤ 30 s (≥ 3,334 accounts/s)' } : {}),
        },
        {
          name: `billing run, ${thousands(count)} accounts: CPU per 1,000 accounts, Node ${perThousand(run.nodeCpu, count)} s + PostgreSQL ${perThousand(run.databaseCpu, count)} s`,
          value: perThousand(run.nodeCpu + run.databaseCpu, count),
          unit: 's',
          baseline: { name: 'PostgreSQL CPU copying those rows by insert ... select', value: perThousand(written.databaseCpu, count) },
        },
      );
    }
    if (historyYears > 0) {
      const { run: aged } = await measure(historyAccounts, historyYears);
      const young = fresh.get(historyAccounts) ?? (await measure(historyAccounts)).run;
      figures.push({
        name: `billing run, ${thousands(historyAccounts)} accounts with ${historyYears} years of readings and payments before (PostgreSQL): ${aged.seconds.toFixed(2)} s, CPU per 1,000 accounts ${perThousand(aged.nodeCpu + aged.databaseCpu, historyAccounts)} s`,
        value: Math.round(historyAccounts / aged.seconds),
        unit: 'accounts/s',
        baseline: { name: `the same run on three months of history (${young.seconds.toFixed(2)} s)`, value: Math.round(historyAccounts / young.seconds) },
      });
    }
    return figures;
  },
};

