import { parseArgs } from 'node:util';
import { createLogger, loadConfigOrExit } from '@kabinet/config';
import { openConfiguredDatabase, systemClock } from '@kabinet/subgraph';
import { eq } from 'drizzle-orm';
import type { UtilityTables } from '../tables';
import { assertPeriod, runBilling, type UtilityRules } from '../billing/run';
import { billingProgressPrinter } from './billing-progress';

/** An option's whole number above 0; undefined when not given, null when it is not one. */
function positiveInteger(value: string | undefined): number | undefined | null {
  if (value === undefined) return undefined;
  return /^[1-9]\d*$/.test(value) ? Number(value) : null;
}

const usage = (utility: string) => `Bills one supplier's month, as its operator's billing mutation would.
Shows its progress on stderr (a bar on a terminal, else a line at each tenth of the way), then
prints how many bills were issued and how many accounts could not be billed (exit code 3 then:
their data needs a look; running the month again retries them).

  corepack pnpm --filter @kabinet/${utility} billing --supplier <code> --period <YYYY-MM>
      [--batch-size <accounts>] [--concurrency <batches at once>]

Accounts are billed in batches (1000 unless said), each in one transaction, several at once
(2 unless said; on PostgreSQL, each on a connection of its own). The month's reading window must
have closed. Running a month again, or after a run that died, bills only what is unbilled.`;

/** A utility subgraph's billing command: the same run the operator mutation starts, from a shell or a scheduler. */
export async function billingCli(options: { tables: UtilityTables; rules: UtilityRules; migrationsFolder: string; argv?: string[] }): Promise<void> {
  const utility = options.rules.utility;
  const { values } = parseArgs({
    args: options.argv ?? process.argv.slice(2),
    options: {
      supplier: { type: 'string' },
      period: { type: 'string' },
      'batch-size': { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const batchSize = positiveInteger(values['batch-size']);
  const concurrency = positiveInteger(values.concurrency);
  if (values.help || !values.supplier || !values.period || batchSize === null || concurrency === null) {
    console.log(usage(utility));
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel, `${utility}-billing`);
  const database = await openConfiguredDatabase(config, [{ subgraph: utility, migrationsFolder: options.migrationsFolder }]);
  try {
    await database.migrate(utility, options.migrationsFolder);
    const t = options.tables;
    const [supplier] = await database.db.select().from(t.suppliers).where(eq(t.suppliers.code, values.supplier));
    if (!supplier) throw new Error(`no ${utility} supplier with the code ${values.supplier}`);
    const progress = billingProgressPrinter(process.stderr);
    const run = await runBilling(
      database.db,
      { tables: t, rules: options.rules, logger, batchSize, concurrency, onProgress: (current) => progress.update(current) },
      { supplier, period: assertPeriod(values.period), startedByUserId: null, now: systemClock.now() },
    ).finally(() => progress.end());
    console.log(
      `${supplier.name}, ${values.period}: ${run.billsIssued} bills issued in all, ${run.estimatedMeters} meter zones estimated, ${run.accountsFailed} accounts not billed.`,
    );
    if (run.accountsFailed > 0) process.exitCode = 3;
  } catch (error) {
    logger.error({ err: error }, 'billing run failed');
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  } finally {
    await database.close();
  }
}
