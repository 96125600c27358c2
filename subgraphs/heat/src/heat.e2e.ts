import { randomUUID } from 'node:crypto';
import { gatewaySecretHeader, signAccessToken, subgraphSecret } from '@kabinet/auth';
import { describeUtilitySubgraph } from '@kabinet/utility-core/testing';
import { seedHolderAccounts } from '@kabinet/utility-core/testing/holder-fixture';
import { expectNoGraphQLErrors, graphqlRequest, startTestStack, type TestStack } from '@kabinet/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tables from './db/schema';
import { demoSuppliers } from './demo';
import { heatModule } from './index';

describeUtilitySubgraph({
  name: 'heat',
  accountType: 'HeatAccount',
  accountsField: 'heatAccounts',
  tables,
  demoSuppliers,
  module: heatModule,
});

describe('heat\'s own fields of a login\'s accounts', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  /** A login holding `count` accounts, each a flat of one building heated through its meter. */
  const seedFlats = async (count: number) => {
    const db = stack.stack.database.db;
    const userId = await seedHolderAccounts(db, tables, { count });
    const accounts = await db.select().from(tables.accounts).where(eq(tables.accounts.holderUserId, userId));
    const buildingId = randomUUID();
    await db.insert(tables.buildings).values({ id: buildingId, supplierId: accounts[0]!.supplierId, address: `Test building ${userId}`, meterSerialNumber: `B-${userId}`, meterStartValue: '100', commonAreaShareBasisPoints: 1200 });
    await db.insert(tables.buildingReadings).values({ buildingId, period: '2026-01-01', value: '150.000', recordedAt: new Date('2026-02-01T09:00:00Z') });
    await db.insert(tables.premises).values(accounts.map((account) => ({ accountId: account.id, heatedAreaM2: '50.00', heating: 'BUILDING' as const, hotWater: 'NORM' as const, buildingId })));
    return userId;
  };

  it('answers premises, buildings and their latest readings with a constant number of SQL statements for 1 and for 20 accounts', async () => {
    // What the gateway asks heat for a login's `me { heatAccounts }`: straight to the subgraph, with its secret.
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on User {
      heatAccounts { id premises { heatedArea heating building { address commonAreaShare latestReading { period value } } } } } } }`;
    const statementsFor = async (userId: string) => {
      const token = await signAccessToken(stack.stack.tokenKeys, { userId, role: 'CUSTOMER', sessionId: randomUUID() });
      const stats = stack.stack.databases.heat.stats;
      const before = stats.statements;
      const response = await graphqlRequest(`${stack.stack.subgraphs.heat.url}/graphql`, query, {
        token,
        variables: { representations: [{ __typename: 'User', id: userId }] },
        headers: { [gatewaySecretHeader]: subgraphSecret(stack.stack.gatewaySecret, 'heat') },
      });
      const accounts = expectNoGraphQLErrors(response)._entities[0].heatAccounts as any[];
      const statements = stats.statements - before;
      for (const account of accounts) {
        expect(account.premises).toMatchObject({ heatedArea: '50.00', heating: 'BUILDING', building: { commonAreaShare: '12.00', latestReading: { period: '2026-01', value: '150.000' } } });
      }
      return { statements, accounts: accounts.length };
    };
    const one = await statementsFor(await seedFlats(1));
    const twenty = await statementsFor(await seedFlats(20));
    expect([one.accounts, twenty.accounts]).toEqual([1, 20]);
    // The accounts, then their premises with the buildings and their latest readings.
    expect([one.statements, twenty.statements]).toEqual([2, 2]);
  });
});
