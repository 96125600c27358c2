import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@kabinet/auth';
import type { Transaction } from '@kabinet/db';
import { Big } from '@kabinet/money';
import { errorCodes, expectErrorCode, expectNoGraphQLErrors, pdfText, type GraphQLResponse, type TestStack } from '@kabinet/testing';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodsBetween } from '../calendar';
import { postPayment } from '../ledger';
import { messages } from '../messages';
import { addMonths, demoMeterValue, meterValue, minorOf, printedAmount, type BilledLine, type CabinetFixture } from './cabinet-fixture';
import { cabinetKit } from './cabinet-kit';

/*
 * Billing never loses consumption: months are billed in order, one run of a supplier at a time,
 * a meter replacement never interleaves with the billing of its account, and what a bill prints
 * as consumption is what it charges. Through the gateway, as operators and holders use it, at the
 * holder's supplier: the holder and `unheldWithMeter`, linked by a fresh customer.
 */

/** `"1234.50"` → 123450. */
const minor = (amount: { amount: string }) => {
  const [whole = '0', fraction = ''] = amount.amount.replace('-', '').split('.');
  const value = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return amount.amount.startsWith('-') ? -value : value;
};

/** Months in a row, none missing, and each bill opens with what the one before it asked for. */
function expectChained(bills: Record<string, any>[], periods: string[]) {
  expect(bills.map((bill) => bill.period)).toEqual(periods);
  for (const [index, bill] of bills.entries()) {
    if (index > 0) expect(minor(bill.openingBalance), `${bill.period} opens at the amount due of ${bills[index - 1]!.period}`).toBe(minor(bills[index - 1]!.amountDue));
    const due = minor(bill.openingBalance) + minor(bill.charges) + (bill.vat ? minor(bill.vat) : 0) + minor(bill.corrections) + minor(bill.adjustments) - minor(bill.payments);
    expect(minor(bill.amountDue), `${bill.period} adds up`).toBe(due);
  }
}

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

/** A transaction of the test that holds others at a lock until it lets them go (rolled back). */
async function holding(t: TestStack, body: (tx: Transaction) => Promise<void>) {
  await t.stack.database.db
    .transaction(async (tx) => {
      await body(tx);
      tx.rollback();
    })
    .catch((error) => {
      if (!/rollback/i.test(String(error))) throw error;
    });
}

export function describeCabinetBilling(fixture: CabinetFixture): void {
  const { billing } = fixture;
  const money = 'amount currency';
  const kit = cabinetKit(fixture);
  const { names, tables } = kit;
  const runMutation = `mutation Run($input: RunBillingInput!) {
    ${names.runBilling}(input: $input) { run { id period billsIssued estimatedMeters accountsFailed finishedAt progress { accounts billed failed pending fraction } }
      failures { accountNumber code message } } }`;
  const runsQuery = `{ ${names.billingRuns} { period billsIssued accountsFailed } }`;
  const submitMutation = `mutation Submit($input: SubmitReadingsInput!) { ${names.submit}(input: $input) { readings { zone value period } } }`;
  const replaceMutation = `mutation Replace($input: ReplaceMeterInput!) { ${names.replaceMeter}(input: $input) { meter { id serialNumber } } }`;
  const metersQuery = `query Meters($id: ID!) { ${names.account}(id: $id) { meters(includeRemoved: true) { id serialNumber } } }`;
  const periodsQuery = `query Periods($id: ID!) { ${names.account}(id: $id) { bills(first: 24) { edges { node { period } } } } }`;
  const billQuery = `query Bill($id: ID!, $period: String!) { ${names.account}(id: $id) { bill(period: $period) {
    period pdfUrl estimated openingBalance { ${money} } charges { ${money} } vat { ${money} } corrections { ${money} }
    payments { ${money} } adjustments { ${money} } amountDue { ${money} }
    lines { kind zone quantity amount { ${money} } correctedPeriod }
    meterReadings { meterSerialNumber previousValue currentValue consumption estimated } } } }`;

  const { supplier, account: otherDemo } = kit.demo(fixture.unheldWithMeter);
  const { account: holderDemo } = kit.demo(fixture.holder);
  const accounts = supplier.accounts.length;
  const firstMonth = fixture.demoMonths[0]!;
  const lastMonth = fixture.demoMonths.at(-1)!;
  /** The months after the demo's: November 2026 to February 2027 for both utilities. */
  const [m1, m2, m3, m4] = [1, 2, 3, 4].map((months) => addMonths(lastMonth, months)) as [string, string, string, string];
  const currency = supplier.currency;
  const other = {
    serial: otherDemo.meters[0]!.serialNumber,
    zone: otherDemo.meters[0]!.zones[0]!,
    /** Its value closing the demo's last month. */
    last: demoMeterValue(otherDemo.meters[0]!.startValues[0]!, otherDemo.meters[0]!.monthlyUse[0]!, fixture.demoMonths.length),
    use: String(otherDemo.meters[0]!.monthlyUse[0]!),
  };
  if (otherDemo.meters.length !== 1 || otherDemo.meters[0]!.zones.length !== 1) throw new Error('unheldWithMeter must have one meter of one zone');
  const plus = (...values: string[]) => meterValue(values.reduce((sum, value) => sum + Number(value), 0));
  const issued = (period: string) => new Date(Date.parse(billing.runAt(period)) + 24 * 3600_000).toISOString();
  const line = (entry: { kind: string; quantity: string | null; amount: { amount: string } }): BilledLine => [entry.kind as BilledLine[0], entry.quantity, entry.amount.amount];
  /** The lines of the meter's zone and the corrections (an account's, of no zone); the rest are the month's unmetered charges (`unmeteredOf`). */
  const metered = (entry: any) => entry.kind === 'CORRECTION' || entry.zone === other.zone;
  const linesOf = (bill: Record<string, any>) => bill.lines.filter(metered);
  const unmeteredOf = (bill: Record<string, any>) => bill.lines.filter((entry: any) => !metered(entry)).map(line);

  const run = (token: string, period: string) => kit.t.gql(runMutation, { token, variables: { input: { period } } });
  const runOf = (response: GraphQLResponse) => expectNoGraphQLErrors(response)[names.runBilling];

  /** Every bill of an account, oldest first, in full (the cost limit keeps each bill its own request). */
  async function billsOf(token: string, id: string): Promise<Record<string, any>[]> {
    const periods: string[] = expectNoGraphQLErrors(await kit.t.gql(periodsQuery, { token, variables: { id } }))[names.account].bills.edges.map((edge: any) => edge.node.period);
    const bills = [];
    for (const period of [...periods].sort()) bills.push(expectNoGraphQLErrors(await kit.t.gql(billQuery, { token, variables: { id, period } }))[names.account].bill);
    return bills;
  }

  /** Links `unheldWithMeter` to a fresh customer, who then submits its readings. */
  async function holderOfOther() {
    const holder = await kit.customer();
    // The surname where the supplier takes it (it posts nothing); otherwise its first proof (a last payment is posted first).
    const proof = supplier.linkProofs.includes('HOLDER_SURNAME') ? await kit.proofFor(fixture.unheldWithMeter, 'HOLDER_SURNAME') : undefined;
    await kit.linkWith(holder.token, fixture.unheldWithMeter, proof);
    return holder;
  }

  const submit = async (token: string, accountId: string, meterId: string, value: string) =>
    expectNoGraphQLErrors(await kit.t.gql(submitMutation, { token, variables: { input: { accountId, readings: [{ meterId, zone: other.zone, value }] } } }));

  const metersOf = async (token: string, id: string): Promise<{ id: string; serialNumber: string }[]> =>
    expectNoGraphQLErrors(await kit.t.gql(metersQuery, { token, variables: { id } }))[names.account].meters;

  describe(`${fixture.utility}: months are billed in order`, () => {
    let operator: string;
    let holder: Awaited<ReturnType<typeof holderOfOther>>;
    let otherId: string;
    let demoId: string;
    let demoToken: string;
    const november = plus(other.last, billing.inOrder.november);

    beforeAll(async () => {
      await kit.start();
      operator = await kit.operator(fixture.holder.supplier);
      demoToken = await kit.login('demo');
      holder = await holderOfOther();
      otherId = await kit.accountId(fixture.unheldWithMeter);
      demoId = await kit.accountId(fixture.holder);
    });
    afterAll(() => kit.stop());

    it(`refuses ${m2} while ${m1} is unbilled, names ${m1}, and then bills both`, async () => {
      // In November's window: the month's use.
      const [meter] = await metersOf(holder.token, otherId);
      await submit(holder.token, otherId, meter!.id, november);

      // December's run: the operator starts December, forgetting November.
      kit.at(billing.runAt(m2));
      const refused = expectErrorCode(await run(operator, m2), 'EARLIER_PERIOD_UNBILLED');
      expect(refused.extensions).toMatchObject({ period: m2, firstUnbilledPeriod: m1 });
      expect(refused.message).toContain('November 2026');
      const runs = expectNoGraphQLErrors(await kit.t.gql(runsQuery, { token: operator }))[names.billingRuns];
      expect(runs.map((entry: any) => entry.period)).toEqual([...fixture.demoMonths].reverse());

      expect(runOf(await run(operator, m1)).run).toMatchObject({ period: m1, billsIssued: accounts });
      expect(runOf(await run(operator, m2)).run).toMatchObject({ period: m2, billsIssued: accounts });

      kit.at(issued(m2));
      const bills = await billsOf(holder.token, otherId);
      expectChained(bills, periodsBetween(firstMonth, m2));
      const novemberBill = bills.find((bill) => bill.period === m1)!;
      expect(novemberBill.meterReadings).toEqual([
        { meterSerialNumber: other.serial, previousValue: other.last, currentValue: november, consumption: meterValue(billing.inOrder.november), estimated: false },
      ]);
      expect(linesOf(novemberBill).map(line)).toEqual([billing.inOrder.novemberLine]);
      expect(unmeteredOf(novemberBill)).toEqual(billing.unmetered);
      expectChained(await billsOf(demoToken, demoId), periodsBetween(firstMonth, m2));
    });

    it('runs a month again (billing nothing twice), but never a month before the latest that was never run', async () => {
      expect(runOf(await run(operator, m2)).run).toMatchObject({ period: m2, billsIssued: accounts, accountsFailed: 0 });
      expect(runOf(await run(operator, m1)).run).toMatchObject({ period: m1, billsIssued: accounts, accountsFailed: 0 });
      expectErrorCode(await run(operator, addMonths(firstMonth, -1)), 'PERIOD_ALREADY_BILLED');
      kit.at(billing.runAt(m4));
      const skipped = expectErrorCode(await run(operator, m4), 'EARLIER_PERIOD_UNBILLED');
      expect(skipped.extensions).toMatchObject({ period: m4, firstUnbilledPeriod: m3 });
    });

    it('does not bill an account whose previous month failed until that month is billed', async () => {
      // January: the account's reading is broken data (below November's, not a rollover), so its
      // January bill fails and is counted; the other accounts are billed.
      const [meter] = await metersOf(holder.token, otherId);
      await kit.db().insert(tables.readings).values({ meterId: meter!.id, zone: other.zone, period: `${m3}-01`, value: '1.000', readAt: new Date(billing.readAt(m3)), source: 'PORTAL' });
      const januaryRun = runOf(await run(operator, m3));
      const january = januaryRun.run;
      expect(january).toMatchObject({ period: m3, billsIssued: accounts - 1, accountsFailed: 1 });
      // The operator is told which account and why, not only how many.
      expect(januaryRun.failures).toEqual([
        { accountNumber: fixture.unheldWithMeter.number, code: 'READING_BELOW_PREVIOUS', message: messages.readingBelowPrevious(meter!.serialNumber, other.zone, november, '1').en },
      ]);
      // Through every account: the others billed, one that needs a look.
      expect(january.progress).toEqual({ accounts, billed: accounts - 1, failed: 1, pending: 0, fraction: 1 });

      // February is billed while January's data is still being looked at: the account waits.
      const februaryRun = runOf(await run(operator, m4));
      expect(februaryRun.run).toMatchObject({ period: m4, billsIssued: accounts - 1, accountsFailed: 1 });
      expect(februaryRun.failures).toMatchObject([{ accountNumber: fixture.unheldWithMeter.number, code: 'EARLIER_PERIOD_UNBILLED' }]);

      // The reading is corrected; January, then February again, bill it.
      await kit
        .db()
        .update(tables.readings)
        .set({ value: plus(november, billing.inOrder.january) })
        .where(and(eq(tables.readings.meterId, meter!.id), eq(tables.readings.period, `${m3}-01`)));
      expect(runOf(await run(operator, m3)).run).toMatchObject({
        billsIssued: accounts,
        accountsFailed: 0,
        progress: { accounts, billed: accounts, failed: 0, pending: 0, fraction: 1 },
      });
      expect(runOf(await run(operator, m4)).run).toMatchObject({ billsIssued: accounts, accountsFailed: 0 });

      kit.at(issued(m4));
      const bills = await billsOf(holder.token, otherId);
      expectChained(bills, periodsBetween(firstMonth, m4));
      // December was estimated at the average of September to November on top of November's
      // reading; January's corrects it: split by days over December and January.
      const januaryBill = bills.find((bill) => bill.period === m3)!;
      expect(januaryBill.meterReadings).toEqual([
        {
          meterSerialNumber: other.serial,
          previousValue: plus(november, billing.inOrder.decemberEstimate),
          currentValue: plus(november, billing.inOrder.january),
          consumption: billing.inOrder.januaryPrinted,
          estimated: false,
        },
      ]);
      expect(linesOf(januaryBill).map((entry: any) => [entry.kind, entry.quantity, entry.correctedPeriod])).toEqual([
        ['CHARGE', billing.inOrder.januaryShare, null],
        ['CORRECTION', billing.inOrder.decemberCorrection, m2],
      ]);
      expect(unmeteredOf(januaryBill)).toEqual(billing.unmetered);
      expectChained(await billsOf(demoToken, demoId), periodsBetween(firstMonth, m4));
    });
  });

  describe(`${fixture.utility}: one billing run of a supplier at a time`, () => {
    let operator: string;
    let demoToken: string;
    const supplierId = kit.supplierId(fixture.holder.supplier);

    beforeAll(async () => {
      await kit.start();
      operator = await kit.operator(fixture.holder.supplier);
      demoToken = await kit.login('demo');
      kit.at(billing.runAt(m1));
      expectNoGraphQLErrors(await run(operator, m1));
    });
    afterAll(() => kit.stop());

    /**
     * Sends two runs together, held at one barrier until both wait there, so that both reach the
     * lease at the same moment. On PostgreSQL the barrier is the supplier's lease row, written by
     * a transaction of the test; PGlite runs one transaction at a time, so any open transaction
     * holds both runs at their first statement, and once it ends they advance statement by
     * statement, side by side.
     */
    async function startTogether(periods: [string, string]): Promise<[GraphQLResponse, GraphQLResponse]> {
      const t = kit.t;
      const statements = t.stack.databases[fixture.utility].stats;
      let sent!: Promise<[GraphQLResponse, GraphQLResponse]>;
      await holding(t, async (tx) => {
        const before = statements.statements;
        if (t.stack.database.driver === 'postgres') {
          await tx
            .insert(tables.billingLeases)
            .values({ supplierId, period: '2026-01-01', holder: randomUUID(), expiresAt: new Date(0) })
            .onConflictDoUpdate({ target: tables.billingLeases.supplierId, set: { expiresAt: new Date(0) } });
        }
        sent = Promise.all(periods.map((period) => run(operator, period))) as Promise<[GraphQLResponse, GraphQLResponse]>;
        if (t.stack.database.driver === 'postgres') await untilLockWaiters(t, 2);
        else await until(() => statements.statements >= before + 2);
      });
      return sent;
    }

    it('lets one of two runs started at once proceed and tells the other a run is in progress', async () => {
      kit.at(billing.runAt(m2));
      const [november, december] = await startTogether([m1, m2]);
      const proceeded = [november, december].filter((response) => !response.errors);
      expect(proceeded, JSON.stringify([november.errors, december.errors])).toHaveLength(1);
      const [refused, refusedPeriod] = november.errors ? [november, m1] : [december, m2];
      const error = expectErrorCode(refused, 'BILLING_RUN_IN_PROGRESS');
      expect(error.extensions).toMatchObject({ period: refusedPeriod, runningPeriod: refusedPeriod === m1 ? m2 : m1 });

      // Started again once the other is done, it runs.
      expectNoGraphQLErrors(await run(operator, refusedPeriod));
      kit.at(issued(m2));
      for (const account of supplier.accounts) {
        const bills = await billsOf(operator, await kit.accountId({ supplier: supplier.code, number: account.accountNumber }));
        expectChained(bills, periodsBetween(firstMonth, m2));
      }
      const runs = expectNoGraphQLErrors(await kit.t.gql(runsQuery, { token: operator }))[names.billingRuns];
      expect(runs.slice(0, 2)).toEqual([
        { period: m2, billsIssued: accounts, accountsFailed: 0 },
        { period: m1, billsIssued: accounts, accountsFailed: 0 },
      ]);
    });

    it("refuses a run while another of the supplier's runs holds the lease, and takes over a crashed run's expired lease", async () => {
      kit.at(billing.runAt(m3));
      const db = kit.db();
      // A run of December elsewhere, alive (its lease renewed a moment ago).
      await db.insert(tables.billingLeases).values({ supplierId, period: `${m2}-01`, holder: randomUUID(), expiresAt: new Date(Date.now() + 60_000) });
      const busy = expectErrorCode(await run(operator, m3), 'BILLING_RUN_IN_PROGRESS');
      expect(busy.extensions).toMatchObject({ period: m3, runningPeriod: m2 });
      expect(busy.message).toContain('December 2026');

      // That run crashed: its lease lapsed, and January runs.
      await db.update(tables.billingLeases).set({ expiresAt: new Date(Date.now() - 1_000) }).where(eq(tables.billingLeases.supplierId, supplierId));
      expect(runOf(await run(operator, m3)).run).toMatchObject({ period: m3, billsIssued: accounts });
      // Done, it leaves no lease behind: the next month starts at once.
      expect(await db.select().from(tables.billingLeases).where(eq(tables.billingLeases.supplierId, supplierId))).toEqual([]);
      kit.at(issued(m3));
      expectChained(await billsOf(demoToken, await kit.accountId(fixture.holder)), periodsBetween(firstMonth, m3));
    });
  });

  /*
   * A replacement and the billing of the same account at the same moment, in either order. Only
   * PostgreSQL runs two transactions at once (PGlite has one connection, so they cannot interleave
   * there). The first of the two is held mid-transaction by a row the test keeps locked, until
   * the second is waiting too; then the first is let go.
   */
  describe.runIf(process.env.DATABASE_URL)(`${fixture.utility}: a meter replacement recorded while the run bills that account`, () => {
    let operator: string;
    let holder: Awaited<ReturnType<typeof holderOfOther>>;
    let otherId: string;

    beforeAll(async () => {
      await kit.start();
      operator = await kit.operator(fixture.holder.supplier);
      holder = await holderOfOther();
      otherId = await kit.accountId(fixture.unheldWithMeter);
      // November without a reading: estimated at the average, a month's use.
      kit.at(billing.runAt(m1));
      expectNoGraphQLErrors(await run(operator, m1));
    });
    afterAll(() => kit.stop());

    it('waits for the replacement, then bills December from its final values and corrects November', async () => {
      const t = kit.t;
      kit.at(billing.runAt(m2));
      const [old] = await metersOf(holder.token, otherId);
      const replacement = {
        meterId: old!.id,
        finalValues: [{ zone: other.zone, value: plus(other.last, other.use, other.use) }],
        newMeter: { serialNumber: 'GAMA-100-900001', zones: [other.zone], digits: 6, installedOn: `${m2}-28`, lastVerifiedOn: `${m2}-28`, verificationIntervalYears: 16, initialValues: [{ zone: other.zone, value: '0' }] },
      };
      let replaced!: Promise<GraphQLResponse>;
      let billed!: Promise<GraphQLResponse>;
      await holding(t, async (tx) => {
        // The old meter's December row, written by the test and not committed: the replacement, holding the account, waits for it.
        await tx.insert(tables.readings).values({ meterId: old!.id, zone: other.zone, period: `${m2}-01`, value: '0', readAt: new Date(), source: 'OPERATOR' });
        replaced = t.gql(replaceMutation, { token: operator, variables: { input: replacement } });
        await untilLockWaiters(t, 1);
        billed = run(operator, m2);
        await untilLockWaiters(t, 2);
      });
      expectNoGraphQLErrors(await replaced);
      expect(runOf(await billed).run).toMatchObject({ period: m2, billsIssued: accounts, accountsFailed: 0 });

      kit.at(issued(m2));
      const december = (await billsOf(holder.token, otherId)).find((bill) => bill.period === m2)!;
      // Two months' use since October over November (30 days) and December (31).
      expect(december.meterReadings.find((reading: any) => reading.meterSerialNumber === other.serial)).toEqual({
        meterSerialNumber: other.serial,
        previousValue: plus(other.last, other.use),
        currentValue: plus(other.last, other.use, other.use),
        consumption: meterValue(other.use),
        estimated: false,
      });
      // The new meter, without history, for its first days: estimated at what the utility's rule for that gives.
      const newRows = december.meterReadings.filter((reading: any) => reading.meterSerialNumber === replacement.newMeter.serialNumber);
      const newEstimate = billing.replacedInDecember.newMeterEstimate;
      expect(newRows).toEqual([{ meterSerialNumber: replacement.newMeter.serialNumber, previousValue: '0', currentValue: newEstimate, consumption: newEstimate, estimated: true }]);
      const lines = linesOf(december);
      expect(lines.filter((entry: any) => entry.kind === 'CORRECTION').map((entry: any) => [...line(entry), entry.correctedPeriod, entry.amount.currency])).toEqual([
        [...billing.replacedInDecember.novemberCorrection, m1, currency],
      ]);
      expect(line(lines.find((entry: any) => entry.kind === 'CHARGE'))).toEqual(billing.replacedInDecember.decemberCharge);
      expect(unmeteredOf(december)).toEqual(billing.unmetered);
    });

    it('makes a replacement that comes while the run bills the account wait, refuses it for the month just billed, and the next month corrects the estimates', async () => {
      const t = kit.t;
      // January's run. The holder sent nothing since October: November to January are estimates.
      kit.at(billing.runAt(m3));
      const db = kit.db();
      const demoToken = await kit.login('demo');
      const demoId = await kit.accountId(fixture.holder);
      const oldDemo = holderDemo.meters[0]!;
      const old = (await metersOf(demoToken, demoId)).find((meter) => meter.serialNumber === oldDemo.serialNumber);
      const replace = (installedOn: string) =>
        t.gql(replaceMutation, {
          token: operator,
          variables: {
            input: {
              meterId: old!.id,
              finalValues: oldDemo.zones.map((zone) => ({ zone, value: billing.holderFinalValues[zone]! })),
              newMeter: { serialNumber: 'NIK-2701-0000002', zones: oldDemo.zones, digits: 6, installedOn, lastVerifiedOn: installedOn, verificationIntervalYears: 16,
                initialValues: oldDemo.zones.map((zone) => ({ zone, value: '0' })) },
            },
          },
        });
      // A bank payment of the 1st that January's bill claims: the test holds its row, so the run stops inside that bill.
      const paymentId = randomUUID();
      const paidAt = new Date(`${m4}-01T08:00:00Z`);
      await db.transaction((tx) => postPayment(tx, tables, { paymentId, accountId: demoId, amountMinor: 500_00, currency, capturedAt: paidAt, description: 'Оплата в банку' }, paidAt));
      let billed!: Promise<GraphQLResponse>;
      let replaced!: Promise<GraphQLResponse>;
      await holding(t, async (tx) => {
        await tx.select({ id: tables.ledgerEntries.id }).from(tables.ledgerEntries).where(eq(tables.ledgerEntries.paymentId, paymentId)).for('update');
        billed = run(operator, m3);
        await untilLockWaiters(t, 1);
        // The replacement of the meter being billed, dated in January.
        replaced = replace(`${m3}-20`);
        await Promise.race([untilLockWaiters(t, 2), replaced]);
      });
      expect(runOf(await billed).run).toMatchObject({ period: m3, billsIssued: accounts, accountsFailed: 0 });
      expect(expectErrorCode(await replaced, 'PERIOD_ALREADY_BILLED').extensions).toMatchObject({ period: m3 });

      // Recorded in February instead: the final values close February and correct the three estimates.
      expectNoGraphQLErrors(await replace(billing.runAt(m3).slice(0, 10)));
      kit.at(billing.runAt(m4));
      expectNoGraphQLErrors(await run(operator, m4));
      kit.at(issued(m4));
      const bills = await billsOf(demoToken, demoId);
      expectChained(bills, periodsBetween(firstMonth, m4));
      const february = bills.find((bill) => bill.period === m4)!;
      expect(february.lines.filter((entry: any) => entry.kind === 'CORRECTION').map((entry: any) => entry.correctedPeriod)).toEqual([m1, m2, m3]);
      const oldRows = february.meterReadings.filter((reading: any) => reading.meterSerialNumber === oldDemo.serialNumber);
      expect(oldRows.map((reading: any) => [reading.currentValue, reading.estimated])).toEqual(oldDemo.zones.map((zone) => [billing.holderFinalValues[zone], false]));
      // Printed from January's estimates to the final values.
      for (const reading of oldRows) expect(Number(reading.consumption)).toBeCloseTo(Number(reading.currentValue) - Number(reading.previousValue), 3);
    });
  });

  describe(`${fixture.utility}: a bill prints the consumption it charges when an estimate rolled a meter over`, () => {
    let operator: string;
    let holder: Awaited<ReturnType<typeof holderOfOther>>;
    let otherId: string;
    let meterId: string;

    beforeAll(async () => {
      await kit.start();
      operator = await kit.operator(fixture.holder.supplier);
      holder = await holderOfOther();
      otherId = await kit.accountId(fixture.unheldWithMeter);
    });
    afterAll(() => kit.stop());

    // Three months billed one after another: its own time limit, as a busy machine may need more than the default.
    it('prints an estimate that passed 99999 as its advance, and the real reading after it as advance = charged share + correction', async () => {
      // In November's window: the operator puts in a five-digit meter from 1 November, reading 98700; it reads 99500 at November's end.
      const [old] = await metersOf(holder.token, otherId);
      const newMeter = { serialNumber: 'EM-5D-000777', zones: [other.zone], digits: 5, installedOn: `${m1}-01`, lastVerifiedOn: '2026-10-01', verificationIntervalYears: 16, initialValues: [{ zone: other.zone, value: '98700' }] };
      meterId = expectNoGraphQLErrors(
        await kit.t.gql(replaceMutation, { token: operator, variables: { input: { meterId: old!.id, finalValues: [{ zone: other.zone, value: other.last }], newMeter } } }),
      )[names.replaceMeter].meter.id;
      await submit(holder.token, otherId, meterId, '99500');
      kit.at(billing.runAt(m1));
      expectNoGraphQLErrors(await run(operator, m1));
      // December without a reading: estimated at November's 800, past the last digit: 00300.
      kit.at(billing.runAt(m2));
      expectNoGraphQLErrors(await run(operator, m2));
      // January's reading 99560: the meter never rolled over; 60 over December and January.
      kit.at(billing.readAt(m3));
      await submit(holder.token, otherId, meterId, '99560');
      kit.at(billing.runAt(m3));
      expectNoGraphQLErrors(await run(operator, m3));

      kit.at(issued(m3));
      const bills = await billsOf(holder.token, otherId);
      const reading = (period: string) => bills.find((bill) => bill.period === period)!.meterReadings.find((row: any) => row.meterSerialNumber === newMeter.serialNumber);
      expect(reading(m2)).toEqual({ meterSerialNumber: newMeter.serialNumber, previousValue: '99500', currentValue: '300', consumption: '800', estimated: true });
      const january = bills.find((bill) => bill.period === m3)!;
      // Charged: January's 30, and December's 800 estimated corrected to its 30 (−770).
      expect(linesOf(january).map((entry: any) => [entry.kind, entry.quantity, entry.correctedPeriod])).toEqual([
        ['CHARGE', '30', null],
        ['CORRECTION', '-770', m2],
      ]);
      expect(unmeteredOf(january)).toEqual(billing.unmetered);
      // Printed: from the estimate 300 to 99560, an advance of −740 = 30 − 770.
      expect(reading(m3)).toEqual({ meterSerialNumber: newMeter.serialNumber, previousValue: '300', currentValue: '99560', consumption: '-740', estimated: false });
      expectChained(bills, periodsBetween(firstMonth, m3));

      // The PDF prints the same row.
      const pdf = Buffer.from(await (await fetch(january.pdfUrl)).arrayBuffer());
      const text = pdfText(pdf);
      expect(text).toContain(`${newMeter.serialNumber} ${billing.zoneLabels[other.zone]} 300 99560 −740`);
      expect(text).not.toContain('99260');
    }, 90_000);
  });

  describe(`${fixture.utility}: billing runs over several estimated months, run twice at once, by an admin, and out of order`, () => {
    let operator: string;
    let demoToken: string;
    let admin: string;
    let holder: Awaited<ReturnType<typeof holderOfOther>>;
    let otherId: string;
    const { runs: runsFixture } = billing;
    const elsewhere = kit.demo(fixture.holderElsewhere);
    const zonesOf = (accounts: { meters: { zones: string[] }[] }[]) => accounts.reduce((sum, account) => sum + account.meters.reduce((zones, meter) => zones + meter.zones.length, 0), 0);
    const billFields = `period estimated openingBalance { ${money} } charges { ${money} } corrections { ${money} } amountDue { ${money} }
      lines { kind description zone quantity unitPrice amount { ${money} } correctedPeriod }
      meterReadings { meterSerialNumber zone previousValue currentValue consumption estimated }`;
    const billOfQuery = `query Bill($id: ID!, $period: String!) { ${names.account}(id: $id) { balance { ${money} } bill(period: $period) { ${billFields} } } }`;
    const readingsQuery = `query Meters($id: ID!) { ${names.account}(id: $id) { meters { id readings(first: 6) { edges { node { zone value period source } } } } } }`;
    const runsListQuery = `{ ${names.billingRuns} { period billsIssued estimatedMeters } }`;
    const submitWithCharge = `mutation Submit($input: SubmitReadingsInput!) { ${names.submit}(input: $input) {
      preliminaryCharge { period corrections { ${money} } total { ${money} } } } }`;
    const runAs = (token: string, input: Record<string, unknown>) => kit.t.gql(runMutation, { token, variables: { input } });
    const billOf = async (id: string, period: string, token: string) => expectNoGraphQLErrors(await kit.t.gql(billOfQuery, { token, variables: { id, period } }))[names.account];
    const periodsOf = async (id: string, token: string): Promise<string[]> =>
      expectNoGraphQLErrors(await kit.t.gql(periodsQuery, { token, variables: { id } }))[names.account].bills.edges.map((edge: any) => edge.node.period);
    const money2 = (minor: number) => ({ amount: printedAmount(minor), currency });

    beforeAll(async () => {
      await kit.start();
      operator = await kit.operator(fixture.holder.supplier);
      demoToken = await kit.login('demo');
      holder = await holderOfOther();
      // Staff of Kabinet itself: identity signs such a login as it signs any other.
      admin = await signAccessToken(kit.t.stack.tokenKeys, { userId: randomUUID(), role: 'ADMIN', sessionId: randomUUID(), email: 'admin@kabinet.test' });
      otherId = await kit.accountId(fixture.unheldWithMeter);
    });
    afterAll(() => kit.stop());

    it(`lets an admin bill a supplier they name (${fixture.holderElsewhere.supplier})`, async () => {
      kit.at(runsFixture.elsewhereRunAt);
      expectErrorCode(await runAs(admin, { period: m1 }), 'BAD_USER_INPUT');
      const run = runOf(await runAs(admin, { period: m1, supplierId: kit.supplierId(fixture.holderElsewhere.supplier) })).run;
      // Nobody there sent November: every zone of every meter is estimated.
      expect(run).toMatchObject({ period: m1, billsIssued: elsewhere.supplier.accounts.length, estimatedMeters: zonesOf(elsewhere.supplier.accounts) });

      kit.at(new Date(Date.parse(runsFixture.elsewhereRunAt) + 24 * 3600_000));
      const { bill } = await billOf(await kit.accountId(fixture.holderElsewhere), m1, demoToken);
      expect(bill.estimated).toBe(true);
      expect(bill.lines.map((entry: any) => [entry.description, entry.quantity, entry.unitPrice, entry.amount.amount])).toEqual(runsFixture.elsewhereLines);
      expect(bill.charges).toEqual({ amount: printedAmount(runsFixture.elsewhereChargesMinor), currency: elsewhere.supplier.currency });
    });

    it('bills one month once when two runs of it race', async () => {
      const [first, second] = await Promise.all([runAs(operator, { period: m1 }), runAs(operator, { period: m1 })]);
      expect(first.errors).toBeUndefined();
      expect(second.errors).toBeUndefined();
      const runs = expectNoGraphQLErrors(await kit.t.gql(runsListQuery, { token: operator }))[names.billingRuns];
      expect(runs[0]).toMatchObject({ period: m1, billsIssued: accounts, estimatedMeters: zonesOf(supplier.accounts) });
      kit.at(new Date(Date.parse(runsFixture.elsewhereRunAt) + 2 * 24 * 3600_000)); // issued the day after the race
      expect((await periodsOf(otherId, holder.token)).filter((period) => period === m1)).toHaveLength(1);
      expect((await periodsOf(await kit.accountId(fixture.holder), demoToken)).filter((period) => period === m1)).toHaveLength(1);
    });

    it('corrects two estimated months at once when a real reading comes after both', async () => {
      const { threeMonths } = runsFixture;
      kit.at(billing.runAt(m2));
      expect(runOf(await runAs(operator, { period: m2 })).run).toMatchObject({ billsIssued: accounts, estimatedMeters: zonesOf(supplier.accounts) });

      // January's window: `use` since October, over November (30 days), December (31) and January (31).
      kit.at(billing.readAt(m3));
      const [november, december, january] = threeMonths.shares;
      // The fixture's split, checked: each month's share of `use` by its days, January the rest.
      const shareOf = (days: number) => meterValue(new Big(threeMonths.use).times(days).div(92));
      expect([shareOf(30), shareOf(31), meterValue(new Big(threeMonths.use).minus(shareOf(30)).minus(shareOf(31)))]).toEqual(threeMonths.shares);
      const meters = expectNoGraphQLErrors(await kit.t.gql(readingsQuery, { token: holder.token, variables: { id: otherId } }))[names.account].meters;
      expect(meters[0].readings.edges.slice(0, 2).map((edge: any) => [edge.node.period, edge.node.value, edge.node.source])).toEqual([
        [m2, plus(other.last, other.use, other.use), 'ESTIMATE'],
        [m1, plus(other.last, other.use), 'ESTIMATE'],
      ]);
      const [novemberCorrection, decemberCorrection] = threeMonths.correctionsMinor;
      const submitted = expectNoGraphQLErrors(
        await kit.t.gql(submitWithCharge, { token: holder.token, variables: { input: { accountId: otherId, readings: [{ meterId: meters[0].id, zone: other.zone, value: plus(other.last, threeMonths.use) }] } } }),
      )[names.submit];
      expect(submitted.preliminaryCharge).toMatchObject({
        period: m3,
        corrections: money2(novemberCorrection + decemberCorrection),
        total: money2(threeMonths.januaryChargeMinor + novemberCorrection + decemberCorrection),
      });

      kit.at(billing.runAt(m3));
      expect(runOf(await runAs(operator, { period: m3 })).run).toMatchObject({ billsIssued: accounts, estimatedMeters: zonesOf(supplier.accounts) - 1 });
      kit.at(issued(m3));
      const { bill, balance } = await billOf(otherId, m3, holder.token);
      expect(linesOf(bill).map((entry: any) => [entry.kind, entry.quantity, entry.amount, entry.correctedPeriod])).toEqual([
        ['CHARGE', january, money2(threeMonths.januaryChargeMinor), null],
        ['CORRECTION', meterValue(Number(november) - Number(other.use)), money2(novemberCorrection), m1],
        ['CORRECTION', meterValue(Number(december) - Number(other.use)), money2(decemberCorrection), m2],
      ]);
      expect(unmeteredOf(bill)).toEqual(billing.unmetered);
      const unmeteredMinor = billing.unmetered.reduce((sum, entry) => sum + minorOf({ amount: entry[2] }), 0);
      expect(bill).toMatchObject({
        estimated: false,
        openingBalance: money2(threeMonths.decemberDueMinor),
        charges: money2(threeMonths.januaryChargeMinor + unmeteredMinor),
        corrections: money2(novemberCorrection + decemberCorrection),
        amountDue: money2(threeMonths.decemberDueMinor + threeMonths.januaryChargeMinor + unmeteredMinor + novemberCorrection + decemberCorrection),
      });
      expect(bill.meterReadings).toEqual([
        { meterSerialNumber: other.serial, zone: other.zone, previousValue: plus(other.last, other.use, other.use), currentValue: plus(other.last, threeMonths.use), consumption: meterValue(Number(threeMonths.use) - 2 * Number(other.use)), estimated: false },
      ]);
      expect(balance).toEqual(bill.amountDue);
    });

    it('issues no bills when asked to bill a month before the ones already billed (a mistyped year)', async () => {
      const demoId = await kit.accountId(fixture.holder);
      const before = await periodsOf(demoId, demoToken);
      const issuedBills: Record<string, unknown> = {};
      for (const period of [addMonths(m1, -12), addMonths(firstMonth, -1)]) {
        const response = await runAs(operator, { period });
        // Refused, or a run that bills nobody: either way no bill dated back before the latest one.
        issuedBills[period] = response.errors ? errorCodes(response) : response.data![names.runBilling].run.billsIssued;
      }
      kit.at(new Date(Date.parse(issued(m3)) + 24 * 3600_000));
      const after = await periodsOf(demoId, demoToken);
      const history = `query ($id: ID!, $first: Int) { ${names.account}(id: $id) { meters { readings(first: $first) { edges { node { zone value period source } } } } } }`;
      const meters = expectNoGraphQLErrors(await kit.t.gql(history, { token: demoToken, variables: { id: demoId, first: 100 } }))[names.account].meters;
      const estimatesOfThePast = meters.flatMap((meter: any) => meter.readings.edges).filter((edge: any) => edge.node.period < addMonths(firstMonth, -1)).map((edge: any) => edge.node);
      expect({ after, estimatesOfThePast }).toEqual({ after: before, estimatesOfThePast: [] });
      expect(Object.values(issuedBills).every((value) => value === 0 || Array.isArray(value)), JSON.stringify(issuedBills)).toBe(true);
      expect((await billOf(demoId, addMonths(firstMonth, -1), demoToken)).bill).toBeNull();
    });
  });
}
