import { randomUUID } from 'node:crypto';
import { expectErrorCode, expectNoGraphQLErrors, pdfText, type GraphQLResponse, type TestStack } from '@kabinet/testing';
import { periodsBetween, signedLedgerAmount } from '@kabinet/utility-core';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdOf, demoLogins, loginAs, newCustomer, startElectricityStack, supplierIds, tables } from './testing/e2e';

/*
 * Billing never loses consumption: months are billed in order, one run of a supplier at a time,
 * a meter replacement never interleaves with the billing of its account, and what a bill prints
 * as consumption is what it charges. Through the gateway, as operators and holders use it; the
 * demo (demo.ts) has Kyiv-energo's readings June to October and bills July to October.
 */

const money = 'amount currency';
const runMutation = `mutation Run($input: RunBillingInput!) {
  runElectricityBilling(input: $input) { run { id period billsIssued estimatedMeters accountsFailed finishedAt progress { accounts billed failed pending fraction } }
    failures { accountNumber code message } } }`;
const runsQuery = `{ electricityBillingRuns { period billsIssued accountsFailed } }`;
const linkMutation = `mutation Link($input: LinkAccountInput!) { linkElectricityAccount(input: $input) { account { id } } }`;
const submitMutation = `mutation Submit($input: SubmitReadingsInput!) { submitElectricityReadings(input: $input) { readings { zone value period } } }`;
const replaceMutation = `mutation Replace($input: ReplaceMeterInput!) { replaceElectricityMeter(input: $input) { meter { id serialNumber } } }`;
const metersQuery = `query Meters($id: ID!) { electricityAccount(id: $id) { meters(includeRemoved: true) { id serialNumber } } }`;
const periodsQuery = `query Periods($id: ID!) { electricityAccount(id: $id) { bills(first: 24) { edges { node { period } } } } }`;
const billQuery = `query Bill($id: ID!, $period: String!) { electricityAccount(id: $id) { bill(period: $period) {
  period pdfUrl estimated openingBalance { ${money} } charges { ${money} } vat { ${money} } corrections { ${money} }
  payments { ${money} } adjustments { ${money} } amountDue { ${money} }
  lines { kind quantity amount { ${money} } correctedPeriod }
  meterReadings { meterSerialNumber previousValue currentValue consumption estimated } } } }`;

const kyiv = { demo: '10234567', other: '10987654' };
/** 10987654's one meter (demo.ts): 5120 before July, 180 kWh a month, so 5840 in October. */
const other = { serial: 'GAMA-100-552310', october: 5_840 };

/** `"1234.50"` → 123450. */
const minor = (amount: { amount: string }) => {
  const [whole = '0', fraction = ''] = amount.amount.replace('-', '').split('.');
  const value = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return amount.amount.startsWith('-') ? -value : value;
};

/** The operator's run of `period` for their supplier. */
const run = (t: TestStack, token: string, period: string) => t.gql(runMutation, { token, variables: { input: { period } } });

/** Every bill of an account, oldest first, in full (the cost limit keeps each bill its own request). */
async function billsOf(t: TestStack, token: string, id: string): Promise<Record<string, any>[]> {
  const periods: string[] = expectNoGraphQLErrors(await t.gql(periodsQuery, { token, variables: { id } }))
    .electricityAccount.bills.edges.map((edge: any) => edge.node.period);
  const bills = [];
  for (const period of [...periods].sort()) bills.push(expectNoGraphQLErrors(await t.gql(billQuery, { token, variables: { id, period } })).electricityAccount.bill);
  return bills;
}

/** Months in a row, none missing, and each bill opens with what the one before it asked for. */
function expectChained(bills: Record<string, any>[], periods: string[]) {
  expect(bills.map((bill) => bill.period)).toEqual(periods);
  for (const [index, bill] of bills.entries()) {
    if (index > 0) expect(minor(bill.openingBalance), `${bill.period} opens at the amount due of ${bills[index - 1]!.period}`).toBe(minor(bills[index - 1]!.amountDue));
    const due = minor(bill.openingBalance) + minor(bill.charges) + (bill.vat ? minor(bill.vat) : 0) + minor(bill.corrections) + minor(bill.adjustments) - minor(bill.payments);
    expect(minor(bill.amountDue), `${bill.period} adds up`).toBe(due);
  }
}

/** Links 10987654 to a fresh customer, who then submits its readings. */
async function holderOfOther(t: TestStack) {
  const holder = await newCustomer(t);
  expectNoGraphQLErrors(
    await t.gql(linkMutation, {
      token: holder.token,
      variables: { input: { supplierId: supplierIds.kyiv, accountNumber: kyiv.other, proof: { kind: 'HOLDER_SURNAME', value: 'Ковальчук' } } },
    }),
  );
  return holder;
}

async function submit(t: TestStack, token: string, accountId: string, meterId: string, value: string) {
  return expectNoGraphQLErrors(await t.gql(submitMutation, { token, variables: { input: { accountId, readings: [{ meterId, zone: 'SINGLE', value }] } } }));
}

const metersOf = async (t: TestStack, token: string, id: string): Promise<{ id: string; serialNumber: string }[]> =>
  expectNoGraphQLErrors(await t.gql(metersQuery, { token, variables: { id } })).electricityAccount.meters;

/** Sessions of this database waiting for a lock another transaction holds (PostgreSQL). */
async function lockWaiters(t: TestStack): Promise<number> {
  const rows = await t.stack.database.db.execute<{ waiting: number }>(
    sql`select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
  );
  return Number([...(rows as unknown as { waiting: number }[])][0]!.waiting);
}

async function until(condition: () => boolean | Promise<boolean>, what = 'the condition') {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never saw ${what}`);
}

const untilLockWaiters = (t: TestStack, count: number) => until(async () => (await lockWaiters(t)) >= count, `${count} sessions waiting for a lock`);

describe('months are billed in order', () => {
  let t: TestStack;
  let operator: string;
  let holder: Awaited<ReturnType<typeof holderOfOther>>;
  let otherId: string;
  let demoId: string;
  let demoToken: string;

  beforeAll(async () => {
    t = await startElectricityStack();
    operator = await loginAs(t, demoLogins.kyivOperator);
    demoToken = await loginAs(t, demoLogins.demo);
    holder = await holderOfOther(t);
    otherId = await accountIdOf(t, supplierIds.kyiv, kyiv.other);
    demoId = await accountIdOf(t, supplierIds.kyiv, kyiv.demo);
  });
  afterAll(() => t?.stop());

  it('refuses December while November is unbilled, names November, and then bills both', async () => {
    // 2 December: 200 kWh in November.
    const [meter] = await metersOf(t, holder.token, otherId);
    await submit(t, holder.token, otherId, meter!.id, String(other.october + 200));

    // 6 January: the operator starts December, forgetting November.
    t.clock.set('2027-01-06T08:00:00Z');
    const refused = expectErrorCode(await run(t, operator, '2026-12'), 'EARLIER_PERIOD_UNBILLED');
    expect(refused.extensions).toMatchObject({ period: '2026-12', firstUnbilledPeriod: '2026-11' });
    expect(refused.message).toContain('November 2026');
    const runs = expectNoGraphQLErrors(await t.gql(runsQuery, { token: operator })).electricityBillingRuns;
    expect(runs.map((entry: any) => entry.period)).toEqual(['2026-10', '2026-09', '2026-08', '2026-07']);

    expect(expectNoGraphQLErrors(await run(t, operator, '2026-11')).runElectricityBilling.run).toMatchObject({ period: '2026-11', billsIssued: 2 });
    expect(expectNoGraphQLErrors(await run(t, operator, '2026-12')).runElectricityBilling.run).toMatchObject({ period: '2026-12', billsIssued: 2 });

    t.clock.set('2027-01-07T08:00:00Z');
    const bills = await billsOf(t, holder.token, otherId);
    expectChained(bills, periodsBetween('2026-07', '2026-12'));
    const november = bills.find((bill) => bill.period === '2026-11')!;
    expect(november.meterReadings).toEqual([
      { meterSerialNumber: other.serial, previousValue: String(other.october), currentValue: String(other.october + 200), consumption: '200', estimated: false },
    ]);
    expect(november.lines).toEqual([{ kind: 'CHARGE', quantity: '200', amount: { amount: '864.00', currency: 'UAH' }, correctedPeriod: null }]);
    expectChained(await billsOf(t, demoToken, demoId), periodsBetween('2026-07', '2026-12'));
  });

  it('runs a month again (billing nothing twice), but never a month before the latest that was never run', async () => {
    expect(expectNoGraphQLErrors(await run(t, operator, '2026-12')).runElectricityBilling.run).toMatchObject({ period: '2026-12', billsIssued: 2, accountsFailed: 0 });
    expect(expectNoGraphQLErrors(await run(t, operator, '2026-11')).runElectricityBilling.run).toMatchObject({ period: '2026-11', billsIssued: 2, accountsFailed: 0 });
    expectErrorCode(await run(t, operator, '2026-06'), 'PERIOD_ALREADY_BILLED');
    t.clock.set('2027-03-06T08:00:00Z');
    const skipped = expectErrorCode(await run(t, operator, '2027-02'), 'EARLIER_PERIOD_UNBILLED');
    expect(skipped.extensions).toMatchObject({ period: '2027-02', firstUnbilledPeriod: '2027-01' });
  });

  it('does not bill an account whose previous month failed until that month is billed', async () => {
    // January: 10987654's reading is broken data (below November's 6040, not a rollover), so its
    // January bill fails and is counted; the other account is billed.
    const [meter] = await metersOf(t, holder.token, otherId);
    await t.stack.database.db.insert(tables.readings).values({
      meterId: meter!.id,
      zone: 'SINGLE',
      period: '2027-01-01',
      value: '100.000',
      readAt: new Date('2027-02-02T08:00:00Z'),
      source: 'PORTAL',
    });
    const januaryRun = expectNoGraphQLErrors(await run(t, operator, '2027-01')).runElectricityBilling;
    const january = januaryRun.run;
    expect(january).toMatchObject({ period: '2027-01', billsIssued: 1, accountsFailed: 1 });
    // The operator is told which account and why, not only how many.
    expect(januaryRun.failures).toEqual([
      { accountNumber: '10987654', code: 'READING_BELOW_PREVIOUS', message: `Meter ${meter!.serialNumber} (SINGLE) read ${other.october + 200} before; 100 is lower` },
    ]);
    // Through every account: one billed, one that needs a look.
    expect(january.progress).toEqual({ accounts: 2, billed: 1, failed: 1, pending: 0, fraction: 1 });

    // February is billed while January's data is still being looked at: 10987654 waits.
    const februaryRun = expectNoGraphQLErrors(await run(t, operator, '2027-02')).runElectricityBilling;
    const february = februaryRun.run;
    expect(february).toMatchObject({ period: '2027-02', billsIssued: 1, accountsFailed: 1 });
    expect(februaryRun.failures).toMatchObject([{ accountNumber: '10987654', code: 'EARLIER_PERIOD_UNBILLED' }]);

    // The reading is corrected; January, then February again, bill it.
    await t.stack.database.db
      .update(tables.readings)
      .set({ value: String(other.october + 200 + 380) })
      .where(and(eq(tables.readings.meterId, meter!.id), eq(tables.readings.period, '2027-01-01')));
    expect(expectNoGraphQLErrors(await run(t, operator, '2027-01')).runElectricityBilling.run).toMatchObject({
      billsIssued: 2,
      accountsFailed: 0,
      progress: { accounts: 2, billed: 2, failed: 0, pending: 0, fraction: 1 },
    });
    expect(expectNoGraphQLErrors(await run(t, operator, '2027-02')).runElectricityBilling.run).toMatchObject({ billsIssued: 2, accountsFailed: 0 });

    t.clock.set('2027-03-07T08:00:00Z');
    const bills = await billsOf(t, holder.token, otherId);
    expectChained(bills, periodsBetween('2026-07', '2027-02'));
    // December was estimated at the average of September to November (560 / 3) on top of
    // November's 6040; January's 6420 corrects it: 190 kWh each, printed as 6226.667 → 6420.
    const januaryBill = bills.find((bill) => bill.period === '2027-01')!;
    expect(januaryBill.meterReadings).toEqual([
      { meterSerialNumber: other.serial, previousValue: '6226.667', currentValue: '6420', consumption: '193.333', estimated: false },
    ]);
    expect(januaryBill.lines.map((line: any) => [line.kind, line.quantity, line.correctedPeriod])).toEqual([
      ['CHARGE', '190', null],
      ['CORRECTION', '3.333', '2026-12'],
    ]);
    expectChained(await billsOf(t, demoToken, demoId), periodsBetween('2026-07', '2027-02'));
  });
});

describe('one billing run of a supplier at a time', () => {
  let t: TestStack;
  let operator: string;
  let demoToken: string;

  beforeAll(async () => {
    t = await startElectricityStack();
    operator = await loginAs(t, demoLogins.kyivOperator);
    demoToken = await loginAs(t, demoLogins.demo);
    t.clock.set('2026-12-06T08:00:00Z');
    expectNoGraphQLErrors(await run(t, operator, '2026-11'));
  });
  afterAll(() => t?.stop());

  /**
   * Sends two runs together, held at one barrier until both wait there, so that both reach the
   * lease at the same moment. On PostgreSQL the barrier is the supplier's lease row, written by
   * a transaction of the test; PGlite runs one transaction at a time, so any open transaction
   * holds both runs at their first statement, and once it ends they advance statement by
   * statement, side by side.
   */
  async function startTogether(periods: [string, string]): Promise<[GraphQLResponse, GraphQLResponse]> {
    const statements = t.stack.databases.electricity.stats;
    let sent!: Promise<[GraphQLResponse, GraphQLResponse]>;
    await t.stack.database.db
      .transaction(async (tx) => {
        const before = statements.statements;
        if (t.stack.database.driver === 'postgres') {
          await tx
            .insert(tables.billingLeases)
            .values({ supplierId: supplierIds.kyiv, period: '2026-01-01', holder: randomUUID(), expiresAt: new Date(0) })
            .onConflictDoUpdate({ target: tables.billingLeases.supplierId, set: { expiresAt: new Date(0) } });
        }
        sent = Promise.all(periods.map((period) => run(t, operator, period))) as Promise<[GraphQLResponse, GraphQLResponse]>;
        if (t.stack.database.driver === 'postgres') await untilLockWaiters(t, 2);
        else await until(() => statements.statements >= before + 2);
        tx.rollback();
      })
      .catch((error) => {
        if (!/rollback/i.test(String(error))) throw error;
      });
    return sent;
  }

  it('lets one of two runs started at once proceed and tells the other a run is in progress', async () => {
    t.clock.set('2027-01-06T08:00:00Z');
    const [november, december] = await startTogether(['2026-11', '2026-12']);
    const proceeded = [november, december].filter((response) => !response.errors);
    expect(proceeded, JSON.stringify([november.errors, december.errors])).toHaveLength(1);
    const [refused, refusedPeriod] = november.errors ? [november, '2026-11'] : [december, '2026-12'];
    const error = expectErrorCode(refused, 'BILLING_RUN_IN_PROGRESS');
    expect(error.extensions).toMatchObject({ period: refusedPeriod, runningPeriod: refusedPeriod === '2026-11' ? '2026-12' : '2026-11' });

    // Started again once the other is done, it runs.
    expectNoGraphQLErrors(await run(t, operator, refusedPeriod));
    t.clock.set('2027-01-07T08:00:00Z');
    for (const number of [kyiv.demo, kyiv.other]) {
      const bills = await billsOf(t, operator, await accountIdOf(t, supplierIds.kyiv, number));
      expectChained(bills, periodsBetween('2026-07', '2026-12'));
    }
    const runs = expectNoGraphQLErrors(await t.gql(runsQuery, { token: operator })).electricityBillingRuns;
    expect(runs.slice(0, 2)).toEqual([
      { period: '2026-12', billsIssued: 2, accountsFailed: 0 },
      { period: '2026-11', billsIssued: 2, accountsFailed: 0 },
    ]);
  });

  it("refuses a run while another of the supplier's runs holds the lease, and takes over a crashed run's expired lease", async () => {
    t.clock.set('2027-02-06T08:00:00Z');
    const db = t.stack.database.db;
    // A run of December elsewhere, alive (its lease renewed a moment ago).
    await db.insert(tables.billingLeases).values({ supplierId: supplierIds.kyiv, period: '2026-12-01', holder: randomUUID(), expiresAt: new Date(Date.now() + 60_000) });
    const busy = expectErrorCode(await run(t, operator, '2027-01'), 'BILLING_RUN_IN_PROGRESS');
    expect(busy.extensions).toMatchObject({ period: '2027-01', runningPeriod: '2026-12' });
    expect(busy.message).toContain('December 2026');

    // That run crashed: its lease lapsed, and January runs.
    await db.update(tables.billingLeases).set({ expiresAt: new Date(Date.now() - 1_000) }).where(eq(tables.billingLeases.supplierId, supplierIds.kyiv));
    expect(expectNoGraphQLErrors(await run(t, operator, '2027-01')).runElectricityBilling.run).toMatchObject({ period: '2027-01', billsIssued: 2 });
    // Done, it leaves no lease behind: the next month starts at once.
    expect(await db.select().from(tables.billingLeases).where(eq(tables.billingLeases.supplierId, supplierIds.kyiv))).toEqual([]);
    t.clock.set('2027-02-07T08:00:00Z');
    expectChained(await billsOf(t, demoToken, await accountIdOf(t, supplierIds.kyiv, kyiv.demo)), periodsBetween('2026-07', '2027-01'));
  });
});

/*
 * A replacement and the billing of the same account at the same moment, in either order. Only
 * PostgreSQL runs two transactions at once (PGlite has one connection, so they cannot interleave
 * there). The first of the two is held mid-transaction by a row the test keeps locked, until
 * the second is waiting too; then the first is let go.
 */
describe.runIf(process.env.DATABASE_URL)('a meter replacement recorded while the run bills that account', () => {
  let t: TestStack;
  let operator: string;
  let holder: Awaited<ReturnType<typeof holderOfOther>>;
  let otherId: string;

  beforeAll(async () => {
    t = await startElectricityStack();
    operator = await loginAs(t, demoLogins.kyivOperator);
    holder = await holderOfOther(t);
    otherId = await accountIdOf(t, supplierIds.kyiv, kyiv.other);
    // November without a reading: estimated at the average, 180 kWh, so 6020.
    t.clock.set('2026-12-06T08:00:00Z');
    expectNoGraphQLErrors(await run(t, operator, '2026-11'));
  });
  afterAll(() => t?.stop());

  it('waits for the replacement, then bills December from its final values and corrects November', async () => {
    t.clock.set('2027-01-06T08:00:00Z');
    const [old] = await metersOf(t, holder.token, otherId);
    const replacement = {
      meterId: old!.id,
      finalValues: [{ zone: 'SINGLE', value: String(other.october + 360) }],
      newMeter: { serialNumber: 'GAMA-100-900001', zones: ['SINGLE'], digits: 6, installedOn: '2026-12-28', lastVerifiedOn: '2026-12-28', verificationIntervalYears: 16, initialValues: [{ zone: 'SINGLE', value: '0' }] },
    };
    let replaced!: Promise<GraphQLResponse>;
    let billed!: Promise<GraphQLResponse>;
    await t.stack.database.db
      .transaction(async (tx) => {
        // The old meter's December row, written by the test and not committed: the replacement, holding the account, waits for it.
        await tx.insert(tables.readings).values({ meterId: old!.id, zone: 'SINGLE', period: '2026-12-01', value: '0', readAt: new Date(), source: 'OPERATOR' });
        replaced = t.gql(replaceMutation, { token: operator, variables: { input: replacement } });
        await untilLockWaiters(t, 1);
        billed = run(t, operator, '2026-12');
        await untilLockWaiters(t, 2);
        tx.rollback();
      })
      .catch((error) => {
        if (!/rollback/i.test(String(error))) throw error;
      });
    expectNoGraphQLErrors(await replaced);
    expect(expectNoGraphQLErrors(await billed).runElectricityBilling.run).toMatchObject({ period: '2026-12', billsIssued: 2, accountsFailed: 0 });

    t.clock.set('2027-01-07T08:00:00Z');
    const december = (await billsOf(t, holder.token, otherId)).find((bill) => bill.period === '2026-12')!;
    // 360 kWh since October over November (30 days) and December (31): 177.049 and 182.951.
    expect(december.meterReadings.find((reading: any) => reading.meterSerialNumber === other.serial)).toEqual({
      meterSerialNumber: other.serial,
      previousValue: String(other.october + 180),
      currentValue: String(other.october + 360),
      consumption: '180',
      estimated: false,
    });
    expect(december.lines.filter((line: any) => line.kind === 'CORRECTION')).toEqual([
      { kind: 'CORRECTION', quantity: '-2.951', amount: { amount: '-12.75', currency: 'UAH' }, correctedPeriod: '2026-11' },
    ]);
    expect(december.lines.find((line: any) => line.kind === 'CHARGE')).toMatchObject({ quantity: '182.951', amount: { amount: '790.35', currency: 'UAH' } });
  });

  it('makes a replacement that comes while the run bills the account wait, refuses it for the month just billed, and the next month corrects the estimates', async () => {
    // 6 February, January's run. 10234567 sent nothing since October: November to January are estimates.
    t.clock.set('2027-02-06T08:00:00Z');
    const db = t.stack.database.db;
    const demoToken = await loginAs(t, demoLogins.demo);
    const demoId = await accountIdOf(t, supplierIds.kyiv, kyiv.demo);
    const [old] = await metersOf(t, demoToken, demoId);
    const replace = (installedOn: string) =>
      t.gql(replaceMutation, {
        token: operator,
        variables: {
          input: {
            meterId: old!.id,
            finalValues: [{ zone: 'DAY', value: '20150' }, { zone: 'NIGHT', value: '7980' }],
            newMeter: { serialNumber: 'NIK-2701-0000002', zones: ['DAY', 'NIGHT'], digits: 6, installedOn, lastVerifiedOn: installedOn, verificationIntervalYears: 16,
              initialValues: [{ zone: 'DAY', value: '0' }, { zone: 'NIGHT', value: '0' }] },
          },
        },
      });
    // A bank payment of 1 February that January's bill claims: the test holds its row, so the run stops inside that bill.
    const entryId = randomUUID();
    await db.insert(tables.ledgerEntries).values({
      id: entryId,
      accountId: demoId,
      kind: 'PAYMENT',
      amountMinor: signedLedgerAmount('PAYMENT', 500_00),
      occurredAt: new Date('2027-02-01T08:00:00Z'),
      recordedAt: new Date('2027-02-01T08:00:00Z'),
      description: 'Оплата в банку',
      paymentId: randomUUID(),
    });
    let billed!: Promise<GraphQLResponse>;
    let replaced!: Promise<GraphQLResponse>;
    await db
      .transaction(async (tx) => {
        await tx.select({ id: tables.ledgerEntries.id }).from(tables.ledgerEntries).where(eq(tables.ledgerEntries.id, entryId)).for('update');
        billed = run(t, operator, '2027-01');
        await untilLockWaiters(t, 1);
        // The replacement of the meter being billed, dated in January.
        replaced = replace('2027-01-20');
        await Promise.race([untilLockWaiters(t, 2), replaced]);
        tx.rollback();
      })
      .catch((error) => {
        if (!/rollback/i.test(String(error))) throw error;
      });
    expect(expectNoGraphQLErrors(await billed).runElectricityBilling.run).toMatchObject({ period: '2027-01', billsIssued: 2, accountsFailed: 0 });
    expect(expectErrorCode(await replaced, 'PERIOD_ALREADY_BILLED').extensions).toMatchObject({ period: '2027-01' });

    // Recorded in February instead: the final values close February and correct the three estimates.
    expectNoGraphQLErrors(await replace('2027-02-06'));
    t.clock.set('2027-03-06T08:00:00Z');
    expectNoGraphQLErrors(await run(t, operator, '2027-02'));
    t.clock.set('2027-03-07T08:00:00Z');
    const bills = await billsOf(t, demoToken, demoId);
    expectChained(bills, periodsBetween('2026-07', '2027-02'));
    const february = bills.find((bill) => bill.period === '2027-02')!;
    expect(february.lines.filter((line: any) => line.kind === 'CORRECTION').map((line: any) => line.correctedPeriod)).toEqual(['2026-11', '2026-12', '2027-01']);
    const oldRows = february.meterReadings.filter((reading: any) => reading.meterSerialNumber === 'NIK-2303-0041187');
    expect(oldRows.map((reading: any) => [reading.currentValue, reading.estimated])).toEqual([['20150', false], ['7980', false]]);
    // Printed from January's estimates to the final values.
    for (const reading of oldRows) expect(Number(reading.consumption)).toBeCloseTo(Number(reading.currentValue) - Number(reading.previousValue), 3);
  });
});

describe('a bill prints the consumption it charges when an estimate rolled a meter over', () => {
  let t: TestStack;
  let operator: string;
  let holder: Awaited<ReturnType<typeof holderOfOther>>;
  let otherId: string;
  let meterId: string;

  beforeAll(async () => {
    t = await startElectricityStack();
    operator = await loginAs(t, demoLogins.kyivOperator);
    holder = await holderOfOther(t);
    otherId = await accountIdOf(t, supplierIds.kyiv, kyiv.other);
  });
  afterAll(() => t?.stop());

  // Three months billed one after another: its own time limit, as a busy machine may need more than the default.
  it('prints an estimate that passed 99999 as its advance, and the real reading after it as advance = charged share + correction', async () => {
    // 2 December: the operator puts in a five-digit meter from 1 November, reading 98700; it reads 99500 at November's end.
    const [old] = await metersOf(t, holder.token, otherId);
    const newMeter = { serialNumber: 'EM-5D-000777', zones: ['SINGLE'], digits: 5, installedOn: '2026-11-01', lastVerifiedOn: '2026-10-01', verificationIntervalYears: 16, initialValues: [{ zone: 'SINGLE', value: '98700' }] };
    meterId = expectNoGraphQLErrors(
      await t.gql(replaceMutation, { token: operator, variables: { input: { meterId: old!.id, finalValues: [{ zone: 'SINGLE', value: String(other.october) }], newMeter } } }),
    ).replaceElectricityMeter.meter.id;
    await submit(t, holder.token, otherId, meterId, '99500');
    t.clock.set('2026-12-06T08:00:00Z');
    expectNoGraphQLErrors(await run(t, operator, '2026-11'));
    // December without a reading: estimated at November's 800 kWh, past the last digit: 00300.
    t.clock.set('2027-01-06T08:00:00Z');
    expectNoGraphQLErrors(await run(t, operator, '2026-12'));
    // January's reading 99560: the meter never rolled over; 60 kWh over December and January.
    t.clock.set('2027-02-02T08:00:00Z');
    await submit(t, holder.token, otherId, meterId, '99560');
    t.clock.set('2027-02-06T08:00:00Z');
    expectNoGraphQLErrors(await run(t, operator, '2027-01'));

    t.clock.set('2027-02-07T08:00:00Z');
    const bills = await billsOf(t, holder.token, otherId);
    const reading = (period: string) => bills.find((bill) => bill.period === period)!.meterReadings.find((row: any) => row.meterSerialNumber === newMeter.serialNumber);
    expect(reading('2026-12')).toEqual({ meterSerialNumber: newMeter.serialNumber, previousValue: '99500', currentValue: '300', consumption: '800', estimated: true });
    const january = bills.find((bill) => bill.period === '2027-01')!;
    // Charged: January's 30 kWh, and December's 800 estimated corrected to its 30 (−770).
    expect(january.lines.map((line: any) => [line.kind, line.quantity, line.correctedPeriod])).toEqual([
      ['CHARGE', '30', null],
      ['CORRECTION', '-770', '2026-12'],
    ]);
    // Printed: from the estimate 300 to 99560, an advance of −740 = 30 − 770.
    expect(reading('2027-01')).toEqual({ meterSerialNumber: newMeter.serialNumber, previousValue: '300', currentValue: '99560', consumption: '-740', estimated: false });
    expectChained(bills, periodsBetween('2026-07', '2027-01'));

    // The PDF prints the same row.
    const pdf = Buffer.from(await (await fetch(january.pdfUrl)).arrayBuffer());
    const text = pdfText(pdf);
    expect(text).toContain(`${newMeter.serialNumber} Загальна 300 99560 −740`);
    expect(text).not.toContain('99260');
  }, 90_000);
});
