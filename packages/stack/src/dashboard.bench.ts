import { readFileSync } from 'node:fs';
import { signAccessToken } from '@kabinet/auth';
import { electricityTables } from '@kabinet/electricity';
import { heatTables } from '@kabinet/heat';
import { startTestStack } from '@kabinet/testing';
import { seedHolderAccounts } from '@kabinet/utility-core/testing/holder-fixture';
import { sql } from 'drizzle-orm';
import { afterAll, bench, describe } from 'vitest';

// `pnpm bench`: the Dashboard (DESIGN.md §6) through the gateway over HTTP, for a login with one
// account of each utility and for one with twenty. Latency should grow far slower than the
// accounts; SQL statements per request must not grow at all (printed before the runs).
const dashboard = readFileSync(new URL('../../../schema/operations/Dashboard.graphql', import.meta.url), 'utf8');
const t = await startTestStack();
const db = t.stack.database.db;

async function holderOf(count: number): Promise<string> {
  const userId = await seedHolderAccounts(db, electricityTables, { count });
  await seedHolderAccounts(db, heatTables, { count, userId });
  await db.execute(sql`insert into identity.users (id, email, display_name, password_hash, email_confirmed_at)
    values (${userId}, ${`bench-${count}@kabinet.test`}, 'Bench', 'not-a-password-hash', now())`);
  return signAccessToken(t.stack.tokenKeys, { userId, role: 'CUSTOMER', sessionId: 'bench' });
}

const tokens = { one: await holderOf(1), twenty: await holderOf(20) };

async function dashboardFor(token: string) {
  const response = await t.gql(dashboard, { token });
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data!;
}

/** Statements per subgraph for one Dashboard; the quietest of three runs (identity's event relay polls in the background). */
async function statementsFor(token: string) {
  const runs = [];
  for (let run = 0; run < 3; run += 1) {
    const before = Object.fromEntries(Object.entries(t.stack.databases).map(([name, database]) => [name, database.stats.statements]));
    await dashboardFor(token);
    runs.push(Object.fromEntries(Object.entries(t.stack.databases).map(([name, database]) => [name, database.stats.statements - before[name]!])));
  }
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, count) => sum + count, 0);
  return runs.sort((a, b) => total(a) - total(b))[0]!;
}

for (const [name, token] of Object.entries(tokens)) {
  const counts = await statementsFor(token);
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  console.log(`Dashboard, ${name} account(s) of each utility: ${total} SQL statements (${Object.entries(counts).map(([subgraph, count]) => `${subgraph} ${count}`).join(', ')})`);
}

describe('Dashboard through the gateway', () => {
  afterAll(() => t.stop());
  bench('1 electricity + 1 heat account', () => dashboardFor(tokens.one).then(() => undefined), { time: 2_000 });
  bench('20 electricity + 20 heat accounts', () => dashboardFor(tokens.twenty).then(() => undefined), { time: 2_000 });
});
