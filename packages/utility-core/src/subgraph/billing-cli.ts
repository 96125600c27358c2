import { parseArgs } from 'node:util';
import { createLogger, loadConfigOrExit } from '@kabinet/config';
import { openConfiguredDatabase, systemClock } from '@kabinet/subgraph';
import { eq } from 'drizzle-orm';
import type { UtilityTables } from '../tables';
import { assertPeriod, runBilling, type UtilityRules } from '../billing/run';

const usage = (utility: string) => `Bills one supplier's month, as its operator's billing mutation would.
Prints how many bills were issued and how many accounts could not be billed (exit code 3 then:
their data needs a look; running the month again retries them).

  corepack pnpm --filter @kabinet/${utility} billing --supplier <code> --period <YYYY-MM>

The month's reading window must have closed. Running a month again bills only what is unbilled.`;

/** A utility subgraph's billing command: the same run the operator mutation starts, from a shell or a scheduler. */
export async function billingCli(options: { tables: UtilityTables; rules: UtilityRules; migrationsFolder: string; argv?: string[] }): Promise<void> {
  const utility = options.rules.utility;
  const { values } = parseArgs({
    args: options.argv ?? process.argv.slice(2),
    options: { supplier: { type: 'string' }, period: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || !values.supplier || !values.period) {
    console.log(usage(utility));
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel, `${utility}-billing`);
  const database = await openConfiguredDatabase(config);
  try {
    await database.migrate(utility, options.migrationsFolder);
    const t = options.tables;
    const [supplier] = await database.db.select().from(t.suppliers).where(eq(t.suppliers.code, values.supplier));
    if (!supplier) throw new Error(`no ${utility} supplier with the code ${values.supplier}`);
    const run = await runBilling(database.db, { tables: t, rules: options.rules, logger }, {
      supplier,
      period: assertPeriod(values.period),
      startedByUserId: null,
      now: systemClock.now(),
    });
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
