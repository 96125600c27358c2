import { subgraphSecret, gatewaySecretHeader } from '@kabinet/auth';
import { readManifest } from '@kabinet/clients';
import type { DatabaseHandle } from '@kabinet/db';
import { electricityTables } from '@kabinet/electricity';
import { seedHolderAccounts } from '@kabinet/utility-core/testing/holder-fixture';
import { count, countDistinct, eq, like, sql } from 'drizzle-orm';
import type { Benchmark, Figure } from '../figure';
import { closedLoop, expectAnswer, postGraphQL } from '../load';
import { startProductionStack } from '../production-stack';

/** The end of a month: every household at once. 64 callers, each account submitting once. */
const connections = 64;
const holders = Number(process.env.BENCH_READING_HOLDERS ?? 300);
const accountsEach = 10;
const value = '300.000';

const submission = readManifest('kabinet-web').operations.find((operation) => operation.name === 'SubmitElectricityReadings')!;

interface Submitter {
  userId: string;
  accountId: string;
  meterId: string;
}

/** Accounts of the first electricity supplier, whose reading window is opened wide so that today is inside it. */
async function seedSubmitters(database: DatabaseHandle): Promise<Submitter[]> {
  for (let index = 0; index < holders; index += 1) {
    const userId = await seedHolderAccounts(database.db, electricityTables, { count: accountsEach });
    await database.db.execute(sql`insert into identity.users (id, email, display_name, password_hash, email_confirmed_at)
      values (${userId}, ${`burst-${index}@kabinet.test`}, 'Bench', 'not-a-password-hash', now())`);
  }
  await database.db.execute(sql`update electricity.suppliers set reading_window_opens_from = 'NEXT_MONTH_START', reading_window_opens_day = -27, reading_window_closes_day = 27`);
  const { accounts, meters } = electricityTables;
  const rows = await database.db
    .select({ userId: accounts.holderUserId, accountId: accounts.id, meterId: meters.id })
    .from(accounts)
    .innerJoin(meters, eq(meters.accountId, accounts.id))
    .where(like(accounts.accountNumber, 'T-%'))
    .orderBy(accounts.id);
  return rows.map((row) => ({ userId: row.userId!, accountId: row.accountId, meterId: row.meterId }));
}

const variablesOf = (submitter: Submitter) => ({ input: { accountId: submitter.accountId, readings: [{ meterId: submitter.meterId, zone: 'SINGLE', value }] } });

export const readings: Benchmark = {
  name: 'readings',
  description: `End-of-month burst: ${connections} households at once submit an electricity reading each, through the gateway and straight to the subgraph`,
  async run() {
    let submitters: Submitter[] = [];
    const stack = await startProductionStack({
      label: 'readings',
      seed: async (database) => {
        submitters = await seedSubmitters(database);
      },
    });
    try {
      const tokens = new Map<string, string>();
      for (const submitter of submitters) if (!tokens.has(submitter.userId)) tokens.set(submitter.userId, await stack.tokenFor(submitter.userId));
      const half = Math.floor(submitters.length / 2);
      const throughGateway = submitters.slice(0, half);
      const straight = submitters.slice(half);
      const gatewayRequest = (submitter: Submitter): { body: string; headers: Record<string, string> } => ({
        body: JSON.stringify({ operationName: submission.name, variables: variablesOf(submitter), extensions: { persistedQuery: { version: 1, sha256Hash: submission.id } } }),
        headers: { authorization: `Bearer ${tokens.get(submitter.userId)}`, 'apollographql-client-name': 'kabinet-web' },
      });
      const subgraphUrl = stack.subgraphUrls.electricity;
      const subgraphRequest = (submitter: Submitter) => ({
        body: JSON.stringify({ query: submission.body, variables: variablesOf(submitter) }),
        headers: { authorization: `Bearer ${tokens.get(submitter.userId)}`, [gatewaySecretHeader]: subgraphSecret(stack.gatewaySecret, 'electricity') },
      });
      // One of each first, answered without errors, so that what follows measures work, not refusals.
      const first = gatewayRequest(throughGateway.shift()!);
      await expectAnswer('a reading through the gateway', stack.gatewayUrl, first.body, first.headers);
      const firstStraight = subgraphRequest(straight.shift()!);
      await expectAnswer('a reading straight to the subgraph', subgraphUrl, firstStraight.body, firstStraight.headers);

      const burst = (batch: readonly Submitter[], url: string, build: typeof gatewayRequest) =>
        closedLoop({
          connections,
          total: batch.length,
          send: (index) => {
            const { body, headers } = build(batch[index]!);
            return postGraphQL(url, body, headers);
          },
        });
      const viaGateway = await burst(throughGateway, stack.gatewayUrl, gatewayRequest);
      const direct = await burst(straight, subgraphUrl, subgraphRequest);

      // None lost, none twice: every accepted submission is one stored reading of that value.
      const { readings: readingRows } = electricityTables;
      const [stored] = await stack.database.db
        .select({ readings: count(), meters: countDistinct(readingRows.meterId) })
        .from(readingRows)
        .where(eq(readingRows.value, value));
      const accepted = viaGateway.requests - viaGateway.failures + direct.requests - direct.failures + 2;
      const lost = accepted - stored!.meters;
      const twice = stored!.readings - stored!.meters;
      console.log(`  accepted ${accepted} of ${submitters.length}, stored ${stored!.readings} (on ${stored!.meters} meters): ${lost} lost, ${twice} stored twice`);
      if (viaGateway.failures + direct.failures > 0) console.log(`  ! ${viaGateway.failures} refused through the gateway, ${direct.failures} straight`);

      const figures: Figure[] = [
        { name: `reading burst through the gateway, ${connections} at once`, value: viaGateway.rps, unit: 'readings/s', baseline: { name: 'straight to the subgraph', value: direct.rps }, goal: '≥ 300/s' },
        { name: '  p99 of that burst', value: viaGateway.p99, unit: 'ms', baseline: { name: 'straight to the subgraph', value: direct.p99 }, goal: '≤ 100 ms' },
        { name: '  readings lost or stored twice', value: Math.abs(lost) + twice, unit: '', goal: '0' },
      ];
      return figures;
    } finally {
      await stack.stop();
    }
  },
};
