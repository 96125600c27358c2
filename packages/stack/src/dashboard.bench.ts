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

for (const [name, token] of Object.entries(tokens)) {
  const before = t.stack.database.stats.statements;
  const data = await dashboardFor(token);
  console.log(`Dashboard, ${name}: ${data.me.electricityAccounts.length} + ${data.me.heatAccounts.length} accounts, ${t.stack.database.stats.statements - before} SQL statements`);
}

describe('Dashboard through the gateway', () => {
  afterAll(() => t.stop());
  bench('1 electricity + 1 heat account', () => dashboardFor(tokens.one).then(() => undefined), { time: 2_000 });
  bench('20 electricity + 20 heat accounts', () => dashboardFor(tokens.twenty).then(() => undefined), { time: 2_000 });
});
