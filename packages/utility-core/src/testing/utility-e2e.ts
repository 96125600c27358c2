import { gatewaySecretHeader, signAccessToken, subgraphSecret } from '@kabinet/auth';
import { createLogger } from '@kabinet/config';
import { demoPayments, demoUsers } from '@kabinet/demo';
import { formatMinor } from '@kabinet/money';
import { expectErrorCode, expectNoGraphQLErrors, graphqlRequest, startTestStack, type TestStack } from '@kabinet/testing';
import type { SubgraphModule, SubgraphRuntime } from '@kabinet/subgraph';
import { and, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedHolderAccounts } from './holder-fixture';
import { addYears } from '../meters';
import type { DemoSupplier } from '../seed';
import type { UtilityTables } from '../tables';

export interface UtilitySuiteSpec {
  name: 'electricity' | 'heat';
  accountType: string;
  accountsField: string;
  tables: UtilityTables;
  demoSuppliers: DemoSupplier[];
  /** The subgraph's module, to run its demo seed once more. */
  module: SubgraphModule;
}

const dashboardAccountFields = `id accountNumber balance { amount currency }
  meters { serialNumber nextVerificationDue latestReading { value readAt } }
  latestBill { period amountDue { amount currency } }`;

const allAccountFields = `id accountNumber address supplier { id name timeZone } balance { amount currency }
  meters { id serialNumber zones installedOn lastVerifiedOn verificationIntervalYears nextVerificationDue
    verificationOverdue latestReading { zone value readAt source } latestReadings { zone value readAt } }
  latestBill { id period amountDue { amount currency } issuedOn dueDate receiptCode }`;

const today = () => new Date().toISOString().slice(0, 10);

/**
 * The end-to-end checks every utility subgraph must pass, through the gateway and, for the
 * paths the gateway hides (`_entities`), straight at the subgraph with the gateway's secret.
 */
export function describeUtilitySubgraph(spec: UtilitySuiteSpec): void {
  const { name, accountType, accountsField, tables: t } = spec;
  const myAccountsQuery = `{ me { ${accountsField} { ${allAccountFields} } } }`;
  const entitiesQuery = (selection: string) =>
    `query ($representations: [_Any!]!) { _entities(representations: $representations) { ${selection} } }`;

  const demoAccountsHeldBy = (userId: string) =>
    spec.demoSuppliers.flatMap((supplier) => supplier.accounts.filter((account) => account.holderUserId === userId));

  describe(`${name} subgraph`, () => {
    let stack: TestStack;
    const db = () => stack.stack.database.db;
    const tokenFor = (userId: string) =>
      signAccessToken(stack.stack.tokenKeys, { userId, role: 'CUSTOMER', sessionId: 'test' });

    /** What the gateway sends: straight to the subgraph, with its per-subgraph secret. */
    const askSubgraph = (query: string, token: string, variables: Record<string, unknown>) =>
      graphqlRequest(`${stack.stack.subgraphs[name].url}/graphql`, query, {
        token,
        variables,
        headers: { [gatewaySecretHeader]: subgraphSecret(stack.stack.gatewaySecret, name) },
      });

    const accountsOf = async (userId: string) => {
      const data = expectNoGraphQLErrors(await stack.gql<{ me: Record<string, any[]> }>(myAccountsQuery, { token: await tokenFor(userId) }));
      return data.me[accountsField]!;
    };

    const accountIdOf = async (accountNumber: string) => {
      const [row] = await db().select({ id: t.accounts.id }).from(t.accounts).where(eq(t.accounts.accountNumber, accountNumber));
      return row!.id;
    };

    /** A login's accounts through the `User` entity, as the gateway fetches them for `me`. */
    const heldAccounts = async (userId: string, fields: string) => {
      const response = await askSubgraph(entitiesQuery(`... on User { ${accountsField} { ${fields} } }`), await tokenFor(userId), {
        representations: [{ __typename: 'User', id: userId }],
      });
      return expectNoGraphQLErrors(response)._entities[0][accountsField] as any[];
    };

    /** A fresh login holding `count` accounts, each with a meter, two readings, a bill and its ledger. */
    const seedHolder = (count: number, ledger = { chargedMinor: 10_000, paidMinor: 4_000 }) =>
      seedHolderAccounts(db(), t, { count, ...ledger });

    beforeAll(async () => {
      stack = await startTestStack();
    });
    afterAll(() => stack?.stop());

    it('gives the demo user their own accounts, from several suppliers, and nobody else\'s', async () => {
      const accounts = await accountsOf(demoUsers.demo.id);
      const expected = demoAccountsHeldBy(demoUsers.demo.id).map((account) => account.accountNumber);
      expect(expected.length).toBeGreaterThanOrEqual(2);
      expect(accounts.map((account) => account.accountNumber).sort()).toEqual([...expected].sort());
      expect(new Set(accounts.map((account) => account.supplier.id)).size).toBeGreaterThanOrEqual(2);

      const secondAccounts = await accountsOf(demoUsers.second.id);
      expect(secondAccounts.map((account) => account.accountNumber).sort()).toEqual(
        demoAccountsHeldBy(demoUsers.second.id).map((account) => account.accountNumber).sort(),
      );
      const demoIds = new Set(accounts.map((account) => account.id));
      expect(secondAccounts.length).toBeGreaterThanOrEqual(1);
      expect(secondAccounts.filter((account) => demoIds.has(account.id))).toEqual([]);
    });

    it('shows each balance as the ledger\'s sum: charges and corrections billed, minus the payments made', async () => {
      for (const account of await accountsOf(demoUsers.demo.id)) {
        // A bill counts from its issue: the seed, run the day a month is billed, leaves that bill for tomorrow.
        const bills = await db().select().from(t.bills).where(and(eq(t.bills.accountId, account.id), lte(t.bills.issuedAt, stack.clock.now())));
        const billed = bills.reduce((sum, bill) => sum + bill.chargesMinor + bill.vatMinor + bill.correctionsMinor, 0);
        const paid = demoPayments
          .flatMap((payment) => payment.items)
          .filter((item) => item.utility === name && item.accountNumber === account.accountNumber)
          .reduce((sum, item) => sum + item.amountMinor, 0);
        expect(bills.length).toBeGreaterThanOrEqual(3);
        expect(account.balance).toEqual({ amount: formatMinor(billed - paid, 'UAH'), currency: 'UAH' });
      }
    });

    it('bills each demo month with a statement that carries the previous bill over', async () => {
      for (const account of await accountsOf(demoUsers.demo.id)) {
        const bills = await db().select().from(t.bills).where(eq(t.bills.accountId, account.id)).orderBy(t.bills.period);
        let previousDue = 0;
        for (const bill of bills) {
          expect(bill.openingMinor).toBe(previousDue);
          expect(bill.amountDueMinor).toBe(
            bill.openingMinor + bill.chargesMinor + bill.vatMinor + bill.correctionsMinor + bill.adjustmentsMinor - bill.paymentsMinor,
          );
          previousDue = bill.amountDueMinor;
        }
      }
    });

    it('shows an overpayment as a negative balance', async () => {
      const userId = await seedHolder(1, { chargedMinor: 10_000, paidMinor: 12_550 });
      const [account] = await heldAccounts(userId, 'balance { amount currency }');
      expect(account!.balance).toEqual({ amount: '-25.50', currency: 'UAH' });
    });

    it('shows meters with their verification due dates and latest readings, and the latest bill', async () => {
      const accounts = await accountsOf(demoUsers.demo.id);
      const demoMeters = demoAccountsHeldBy(demoUsers.demo.id).flatMap((account) => account.meters);
      const meters = accounts.flatMap((account) => account.meters);
      expect(meters.map((meter) => meter.serialNumber).sort()).toEqual(demoMeters.map((meter) => meter.serialNumber).sort());

      for (const meter of meters) {
        const due = addYears(meter.lastVerifiedOn, meter.verificationIntervalYears);
        expect(meter.nextVerificationDue).toBe(due);
        expect(meter.verificationOverdue).toBe(due < today());
        const [latest] = await db()
          .select()
          .from(t.readings)
          .where(and(eq(t.readings.meterId, meter.id), eq(t.readings.zone, meter.zones[0])))
          .orderBy(desc(t.readings.period))
          .limit(1);
        expect(meter.latestReading).toMatchObject({ zone: meter.zones[0], readAt: latest!.readAt.toISOString(), source: latest!.source });
        expect(Number(meter.latestReading.value)).toBe(Number(latest!.value));
        expect(meter.latestReadings.map((reading: { zone: string }) => reading.zone).sort()).toEqual([...meter.zones].sort());
      }

      for (const account of accounts) {
        const [latest] = await db()
          .select()
          .from(t.bills)
          .where(and(eq(t.bills.accountId, account.id), lte(t.bills.issuedAt, stack.clock.now())))
          .orderBy(desc(t.bills.period))
          .limit(1);
        expect(account.latestBill).toEqual({
          id: latest!.id,
          period: latest!.period.slice(0, 7),
          amountDue: { amount: formatMinor(latest!.amountDueMinor, 'UAH'), currency: 'UAH' },
          issuedOn: latest!.issuedOn,
          dueDate: latest!.dueDate,
          receiptCode: latest!.receiptCode,
        });
      }
    });

    it('refuses another holder\'s account through `_entities`, even with the gateway\'s secret', async () => {
      const token = await tokenFor(demoUsers.demo.id);
      const [foreign] = demoAccountsHeldBy(demoUsers.second.id);
      const [own] = demoAccountsHeldBy(demoUsers.demo.id);
      const selection = `... on ${accountType} { accountNumber balance { amount } }`;

      const ownResponse = await askSubgraph(entitiesQuery(selection), token, {
        representations: [{ __typename: accountType, id: await accountIdOf(own!.accountNumber) }],
      });
      expect(expectNoGraphQLErrors(ownResponse)).toMatchObject({ _entities: [{ accountNumber: own!.accountNumber }] });

      const response = await askSubgraph(entitiesQuery(selection), token, {
        representations: [{ __typename: accountType, id: await accountIdOf(foreign!.accountNumber) }],
      });
      expectErrorCode(response, 'FORBIDDEN');
      expect(response.data?._entities ?? [null]).toEqual([null]);
      expect(JSON.stringify(response)).not.toContain(foreign!.accountNumber);
    });

    it('refuses another holder\'s meters and bills and the other login\'s account list through `_entities`', async () => {
      const token = await tokenFor(demoUsers.demo.id);
      const foreign = demoAccountsHeldBy(demoUsers.second.id).find((account) => account.meters.length > 0);
      const nested = await askSubgraph(
        entitiesQuery(`... on ${accountType} { meters { serialNumber } latestBill { receiptCode } }`),
        token,
        { representations: [{ __typename: accountType, id: await accountIdOf(foreign!.accountNumber) }] },
      );
      expectErrorCode(nested, 'FORBIDDEN');
      expect(JSON.stringify(nested)).not.toContain(foreign!.meters[0]!.serialNumber);

      const user = await askSubgraph(entitiesQuery(`... on User { ${accountsField} { accountNumber } }`), token, {
        representations: [{ __typename: 'User', id: demoUsers.second.id }],
      });
      expectErrorCode(user, 'FORBIDDEN');
      expect(JSON.stringify(user)).not.toContain(foreign!.accountNumber);
    });

    it('answers the dashboard\'s account list (balances, meters, latest readings and bills) with one SQL statement for 1 and for 20 accounts', async () => {
      const statementsFor = async (userId: string) => {
        const stats = stack.stack.databases[name].stats;
        const before = stats.statements;
        const accounts = await heldAccounts(userId, dashboardAccountFields);
        const statements = stats.statements - before;
        for (const account of accounts) {
          expect(account.balance).toEqual({ amount: '60.00', currency: 'UAH' });
          expect(account.meters[0].latestReading.value).toBe('250.5');
          expect(account.latestBill.period).toBe('2026-01');
        }
        return { statements, accounts: accounts.length };
      };
      const one = await statementsFor(await seedHolder(1));
      const twenty = await statementsFor(await seedHolder(20));
      expect(one.accounts).toBe(1);
      expect(twenty.accounts).toBe(20);
      expect(one.statements).toBe(1);
      expect(twenty.statements).toBe(1);
    });

    it('seeds the demo data once: a second seeding adds nothing', async () => {
      // Only the demo accounts: the billing run the seed makes also bills accounts other tests added.
      const demoNumbers = spec.demoSuppliers.flatMap((supplier) => supplier.accounts.map((account) => account.accountNumber));
      const count = async () => {
        const demoAccounts = await db().select({ id: t.accounts.id }).from(t.accounts).where(inArray(t.accounts.accountNumber, demoNumbers));
        const ids = demoAccounts.map((account) => account.id);
        const [entries] = await db().select({ entries: sql<number>`count(*)::int` }).from(t.ledgerEntries).where(inArray(t.ledgerEntries.accountId, ids));
        const [bills] = await db().select({ bills: sql<number>`count(*)::int` }).from(t.bills).where(inArray(t.bills.accountId, ids));
        const [readings] = await db()
          .select({ readings: sql<number>`count(*)::int` })
          .from(t.readings)
          .innerJoin(t.meters, eq(t.meters.id, t.readings.meterId))
          .where(inArray(t.meters.accountId, ids));
        return { accounts: ids.length, ...entries, ...bills, ...readings };
      };
      const before = await count();
      expect(before.accounts).toBe(demoNumbers.length);
      await spec.module.seedDemo!({ database: stack.stack.database, clock: stack.clock, logger: createLogger('silent') } as unknown as SubgraphRuntime);
      expect(await count()).toEqual(before);
    });
  });
}

// The personal cabinet's suites, parameterised by utility (cabinet-fixture.ts says what a utility hands them).
export * from './cabinet-fixture';
export { cabinetKit, type CabinetKit } from './cabinet-kit';
export { describeCabinetLinking } from './cabinet-linking';
export { describeCabinetReadings } from './cabinet-readings';
export { describeCabinetLedger } from './cabinet-ledger';
export { describeCabinetBilling } from './cabinet-billing';
export { billFields, describeCabinetBillingChain, expectStatementsChain } from './cabinet-billing-chain';
export { describeCabinetBills } from './cabinet-bills';
export { describeCabinetAppeals } from './cabinet-appeals';
export { describeCabinetAuthorization } from './cabinet-authorization';
export { describeCabinetMeterReplacement } from './cabinet-meters';
export { describeCabinetMeterRules } from './cabinet-meter-rules';
export { describeCabinetQuote } from './cabinet-quote';
