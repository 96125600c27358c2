import { Big } from '@kabinet/money';
import { expectErrorCode, expectNoGraphQLErrors, type GraphQLResponse } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysInPeriod } from '../calendar';
import {
  addDays,
  demoMeterValue,
  localInstant,
  meterValue,
  minorOf,
  moneyOf,
  monthLabel,
  type CabinetFixture,
  type ExpectedBillLine,
  type ExpectedLine,
} from './cabinet-fixture';
import { cabinetKit } from './cabinet-kit';

type Bill = Record<string, any>;

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** Each bill's statement adds up, its printed lines add up to it, and it opens with what the bill before it asked for. */
export function expectStatementsChain(bills: Bill[]) {
  const oldestFirst = [...bills].sort((a, b) => (a.period < b.period ? -1 : 1));
  let previousDue = 0;
  const linesOf = (bill: Bill, kind: string) => sum(bill.lines.filter((line: any) => line.kind === kind).map((line: any) => minorOf(line.amount)));
  for (const bill of oldestFirst) {
    expect(minorOf(bill.openingBalance), `${bill.period} opening`).toBe(previousDue);
    const vat = bill.vat ? minorOf(bill.vat) : 0;
    const due = minorOf(bill.openingBalance) + minorOf(bill.charges) + vat + minorOf(bill.corrections) + minorOf(bill.adjustments) - minorOf(bill.payments);
    expect(minorOf(bill.amountDue), `${bill.period} amount due`).toBe(due);
    expect(linesOf(bill, 'CHARGE'), `${bill.period} charge lines`).toBe(minorOf(bill.charges));
    expect(linesOf(bill, 'VAT'), `${bill.period} VAT lines`).toBe(vat);
    expect(linesOf(bill, 'CORRECTION'), `${bill.period} correction lines`).toBe(minorOf(bill.corrections));
    previousDue = minorOf(bill.amountDue);
  }
}

/** Lines in a stable order (kind, zone, description), to compare without caring how a utility orders its sources. */
const sorted = <T extends { kind: string; zone: string | null; description: string }>(lines: T[]) =>
  [...lines].sort((a, b) => `${a.kind}|${a.zone ?? '~'}|${a.description}`.localeCompare(`${b.kind}|${b.zone ?? '~'}|${b.description}`));

/**
 * Billing runs and bills month after month, as the supplier's operator and the holders see them
 * through the gateway: a run refused while the month's reading window is open; the holder's
 * readings billed, `unheldWithMeter` (linked by a fresh customer, silent) billed on an estimate
 * stored as an ESTIMATE reading; bills issued the next day on the supplier's calendar; the next
 * month's real reading correcting the estimate; the silent holder estimated from its last three
 * months as they turned out; statements that chain with unique receipt codes. The amounts come
 * from the fixture's `charge`, the utility's own pricing of the demo tariffs.
 */
const money = 'amount currency';
/** Every field of a bill, as the statement checks read it. */
export const billFields = `id period issuedOn dueDate receiptCode estimated
  openingBalance { ${money} } charges { ${money} } vat { ${money} } corrections { ${money} }
  payments { ${money} } adjustments { ${money} } amountDue { ${money} }
  lines { kind description zone quantity unitPrice amount { ${money} } correctedPeriod }
  meterReadings { meterSerialNumber zone previousValue currentValue consumption estimated }`;

export function describeCabinetBillingChain(fixture: CabinetFixture): void {
  const kit = cabinetKit(fixture);
  const { names } = kit;
  const { chain } = fixture;
  // The gateway's cost limit keeps each document small: an account's bill list, each bill and its meters are asked apart.
  const billQuery = `query AccountBill($id: ID!, $period: String!) {
    ${names.account}(id: $id) { balance { ${money} } latestBill { period issuedOn } bill(period: $period) { ${billFields} } } }`;
  const billListQuery = `query AccountBills($id: ID!) { ${names.account}(id: $id) { bills(first: 24) { edges { node { id period } } } } }`;
  const metersQuery = `query AccountMeters($id: ID!) { ${names.account}(id: $id) { meters { id serialNumber zones latestReading { zone value period source }
    readings(first: 6) { edges { node { zone value period source } } } } } }`;
  const historyQuery = `query History($id: ID!, $months: Int) { ${names.account}(id: $id) {
    consumptionHistory(months: $months) { period zones { zone value } total estimated charged { ${money} } } } }`;
  const runMutation = `mutation Run($input: RunBillingInput!) { ${names.runBilling}(input: $input) {
    run { id period startedAt finishedAt billsIssued estimatedMeters progress { accounts billed failed pending fraction } } } }`;
  const runsQuery = `{ ${names.billingRuns} { id period billsIssued estimatedMeters progress { accounts billed failed pending fraction } } }`;
  const submitMutation = `mutation Submit($input: SubmitReadingsInput!) { ${names.submit}(input: $input) {
    readings { zone value period source }
    preliminaryCharge { period lines { zone quantity unitPrice amount { ${money} } } corrections { ${money} } vat { ${money} } total { ${money} } } } }`;

  const { supplier, account: holderDemo } = kit.demo(fixture.holder);
  const { account: otherDemo } = kit.demo(fixture.unheldWithMeter);
  const { currency, timeZone } = supplier;
  const cash = (minor: number) => moneyOf(minor, currency);
  const accounts = supplier.accounts.length;
  const [first, second] = fixture.ledger.runs;
  const [m1, m2] = [first.period, second.period];
  const seeded = fixture.demoMonths.length;
  const lastDemoMonth = fixture.demoMonths.at(-1)!;
  const zonesOf = (demo: { meters: { zones: string[] }[] }) => sum(demo.meters.map((meter) => meter.zones.length));
  const allZones = sum(supplier.accounts.map(zonesOf));

  /** The holder's meters: each zone's value closing the demo's last month and what it measured in `m1`. */
  const holderZones = holderDemo.meters.flatMap((meter) =>
    meter.zones.map((zone, index) => {
      const last = demoMeterValue(meter.startValues[index]!, meter.monthlyUse[index]!, seeded);
      const use = chain.holderUse[zone]!;
      return { serial: meter.serialNumber, zone, last, use, read: meterValue(new Big(last).plus(use)) };
    }),
  );
  const holderCharge = fixture.charge(fixture.holder, Object.fromEntries(holderZones.map((entry) => [entry.zone, entry.use])));

  /** `unheldWithMeter`'s one meter of one zone: its value closing the demo's last month and its monthly use. */
  const otherMeter = otherDemo.meters[0]!;
  const other = {
    serial: otherMeter.serialNumber,
    zone: otherMeter.zones[0]!,
    last: demoMeterValue(otherMeter.startValues[0]!, otherMeter.monthlyUse[0]!, seeded),
    use: meterValue(otherMeter.monthlyUse[0]!),
  };
  if (otherDemo.meters.length !== 1 || otherMeter.zones.length !== 1) throw new Error('unheldWithMeter must have one meter of one zone');
  const chargeOfOther = (quantity: string) => fixture.charge(fixture.unheldWithMeter, { [other.zone]: quantity });
  /** A metered line of `unheldWithMeter` as its bill prints it. */
  const otherLine = (quantity: string): ExpectedBillLine => {
    const [line] = chargeOfOther(quantity).lines as [ExpectedLine];
    return { kind: 'CHARGE', description: fixture.lineDescriptions[other.zone]!, zone: other.zone, quantity: line.quantity, unitPrice: line.unitPrice, amount: line.amount, correctedPeriod: null };
  };
  const unmeteredMinor = sum(chain.otherUnmetered.map((line) => minorOf(line.amount)));
  /** A charge's lines before VAT, as a statement's `charges`. */
  const netOf = (charge: { lines: ExpectedLine[] }) => sum(charge.lines.map((line) => minorOf(line.amount)));

  /** What the holder's last demo bill asked, and the demo payments captured since it appeared (`cabinet-ledger.ts` tells the same card). */
  const midnightOf = (date: string) => localInstant(date, '00:00', timeZone);
  const holderPayments = kit.demoPaymentsOf(fixture.holder);
  const demoStatements = (() => {
    let due = 0;
    let since = '';
    return fixture.ledger.bills.map((bill) => {
      const issuedAt = midnightOf(bill.issuedOn);
      const paid = sum(holderPayments.filter((payment) => payment.capturedAt >= since && payment.capturedAt < issuedAt).map((payment) => payment.minor));
      due += bill.chargedMinor + sum((bill.corrections ?? []).map((correction) => correction.minor)) - paid;
      since = issuedAt;
      return { period: bill.period, payments: cash(paid), amountDue: cash(due) };
    });
  })();
  const lastDemoDue = minorOf(demoStatements.at(-1)!.amountDue);
  const paidSinceLastBill = sum(holderPayments.filter((payment) => payment.capturedAt >= midnightOf(fixture.ledger.bills.at(-1)!.issuedOn)).map((payment) => payment.minor));

  /** The demo runs of the holder's supplier, newest first: every account billed, the zones of a month some account missed estimated. */
  const demoRuns = fixture.demoMonths
    .map((period, index) => [period, accounts, sum(supplier.accounts.filter((account) => account.missedMonths?.includes(index)).map(zonesOf))])
    .reverse();

  describe(`${fixture.utility}: billing runs and bills, month after month`, () => {
    let demoToken: string;
    let operator: string;
    let neighbourOperator: string;
    let holder: Awaited<ReturnType<typeof kit.customer>>;
    /** What linking `unheldWithMeter` posted to it (a last payment, where that is the supplier's proof). */
    let otherPaid = 0;
    const ids = { holder: '', other: '', elsewhere: '' };

    const ask = async (id: string, token: string, query: string, variables: Record<string, unknown> = {}) =>
      expectNoGraphQLErrors(await kit.t.gql(query, { token, variables: { id, ...variables } }))[names.account];
    /** An account as its holder sees it: one month's bill, every bill in full (newest first), the meters. */
    async function account(id: string, period: string, token: string): Promise<{ balance: unknown; latestBill: Bill; bill: Bill; bills: Bill[]; meters: any[] }> {
      const main = await ask(id, token, billQuery, { period });
      const bills: Bill[] = [];
      for (const edge of (await ask(id, token, billListQuery)).bills.edges) {
        const { bill } = await ask(id, token, billQuery, { period: edge.node.period });
        expect(bill.id).toBe(edge.node.id);
        bills.push(bill);
      }
      return { ...main, bills, meters: (await ask(id, token, metersQuery)).meters };
    }
    const run = (token: string, input: Record<string, unknown>) => kit.t.gql(runMutation, { token, variables: { input } });
    const runOf = (response: GraphQLResponse) => expectNoGraphQLErrors(response)[names.runBilling].run;
    const runs = async (token: string) => expectNoGraphQLErrors(await kit.t.gql(runsQuery, { token }))[names.billingRuns];
    const periodsOf = (list: any[]) => list.map((entry) => [entry.period, entry.billsIssued, entry.estimatedMeters]);
    const issuedOn = (runAt: string) => addDays(new Date(runAt).toLocaleDateString('en-CA', { timeZone }), 1);

    beforeAll(async () => {
      await kit.start();
      demoToken = await kit.login('demo');
      operator = await kit.operator(fixture.holder.supplier);
      neighbourOperator = await kit.operator(fixture.neighbour.supplier);
      ids.holder = await kit.accountId(fixture.holder);
      ids.other = await kit.accountId(fixture.unheldWithMeter);
      ids.elsewhere = await kit.accountId(fixture.holderElsewhere);
    });
    afterAll(() => kit.stop());

    it('shows demo statements that add up and carry each amount due over, with unique receipt codes', async () => {
      const codes: string[] = [];
      for (const id of [ids.holder, ids.elsewhere]) {
        const { bills } = await account(id, lastDemoMonth, demoToken);
        expect(bills.map((bill) => bill.period)).toEqual([...fixture.demoMonths].reverse());
        expectStatementsChain(bills);
        codes.push(...bills.map((bill) => bill.receiptCode));
      }
      for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
      expect(new Set(codes).size).toBe(codes.length);

      // The holder's months as the demo bills and payments make them.
      const { bills } = await account(ids.holder, lastDemoMonth, demoToken);
      expect(bills.map((bill) => ({ period: bill.period, payments: bill.payments, amountDue: bill.amountDue }))).toEqual([...demoStatements].reverse());
    });

    it(`refuses to bill ${m1} while its reading window is open, to its last second on the supplier's calendar`, async () => {
      const { closesOn } = fixture.windows[0]!.open;
      expect(fixture.windows[0]!.account).toEqual(fixture.holder);
      try {
        const open = expectErrorCode(await run(operator, { period: m1 }), 'BILLING_PERIOD_OPEN');
        expect(open.extensions).toMatchObject({ closesOn });
        kit.at(new Date(Date.parse(localInstant(addDays(closesOn, 1), '00:00', timeZone)) - 1_000));
        expectErrorCode(await run(operator, { period: m1 }), 'BILLING_PERIOD_OPEN');
      } finally {
        kit.at(fixture.windowOpen);
      }
      expectErrorCode(await run(operator, { period: 'November' }), 'BAD_USER_INPUT');
      // Nothing was run by any of those.
      expect(periodsOf(await runs(operator))).toEqual(demoRuns);
    });

    it(`takes ${m1}'s readings in the window: the demo holder reads every zone, a new holder of ${fixture.unheldWithMeter.number} reads nothing`, async () => {
      const { meters } = await account(ids.holder, m1, demoToken);
      const readings = holderZones.map((entry) => ({ meterId: meters.find((meter: any) => meter.serialNumber === entry.serial).id, zone: entry.zone, value: entry.read }));
      const submitted = expectNoGraphQLErrors(await kit.t.gql(submitMutation, { token: demoToken, variables: { input: { accountId: ids.holder, readings } } }))[names.submit];
      expect(submitted.readings.map((reading: any) => [reading.zone, reading.period, reading.source])).toEqual(holderZones.map((entry) => [entry.zone, m1, 'PORTAL']));
      expect(submitted.preliminaryCharge).toEqual({ period: m1, lines: holderCharge.lines, corrections: cash(0), vat: holderCharge.vat, total: holderCharge.total });

      // A new holder links the unheld account with the proof its supplier takes first.
      holder = await kit.customer();
      const proof = supplier.linkProofs.includes('HOLDER_SURNAME') ? await kit.proofFor(fixture.unheldWithMeter, 'HOLDER_SURNAME') : await kit.anyProofFor(fixture.unheldWithMeter);
      // Without a demo payment to name, the kit posts one to prove.
      if (proof.kind === 'LAST_PAYMENT_AMOUNT' && !kit.demoPaymentsOf(fixture.unheldWithMeter).length) otherPaid = minorOf({ amount: proof.value });
      await kit.linkWith(holder.token, fixture.unheldWithMeter, proof);
    });

    it(`bills ${m1} once its window has closed: the holder's supplier only, from readings or an estimate, and a second run bills nothing twice`, async () => {
      kit.at(first.runAt);
      // Another supplier's operator cannot bill it, even now.
      expectErrorCode(await run(neighbourOperator, { period: m1, supplierId: kit.supplierId(fixture.holder.supplier) }), 'FORBIDDEN');

      const done = { accounts, billed: accounts, failed: 0, pending: 0, fraction: 1 };
      const at = new Date(first.runAt).toISOString();
      // Every meter of the supplier but the holder's, read above, is estimated.
      const estimated = allZones - zonesOf(holderDemo);
      const billed = runOf(await run(operator, { period: m1 }));
      expect(billed).toEqual({ id: expect.any(String), period: m1, startedAt: at, finishedAt: at, billsIssued: accounts, estimatedMeters: estimated, progress: done });
      const again = runOf(await run(operator, { period: m1, supplierId: kit.supplierId(fixture.holder.supplier) }));
      expect(again).toMatchObject({ id: billed.id, period: m1, billsIssued: accounts, estimatedMeters: estimated, progress: done });

      const list = await runs(operator);
      expect(periodsOf(list)).toEqual([[m1, accounts, estimated], ...demoRuns]);
      // The demo's months, billed by the same engine when it was seeded, are through too.
      expect(list.map((entry: any) => entry.progress)).toEqual(list.map(() => done));
      // Another supplier's operator sees only that supplier's runs.
      const theirs = await runs(neighbourOperator);
      expect(theirs.map((entry: any) => entry.id)).not.toContain(billed.id);
      expect(theirs.map((entry: any) => entry.period)).not.toContain(m1);
    });

    it("issues the bills the day after the run: not to the run day's last second, from midnight on the supplier's calendar", async () => {
      expect(first.issuedOn).toBe(issuedOn(first.runAt));
      const holders = [
        [ids.holder, demoToken],
        [ids.other, holder.token],
      ] as const;
      for (const [id, token] of holders) {
        const before = await account(id, m1, token);
        expect(before.bill).toBeNull();
        expect(before.latestBill.period).toBe(lastDemoMonth);
        expect(before.bills[0]!.period).toBe(lastDemoMonth);
      }
      const midnight = Date.parse(midnightOf(first.issuedOn));
      kit.at(new Date(midnight - 1_000));
      expect((await ask(ids.holder, demoToken, billQuery, { period: m1 })).bill).toBeNull();

      kit.at(new Date(midnight));
      const dueDate = addDays(first.issuedOn, supplier.paymentTermDays ?? 20);
      for (const [id, token] of holders) {
        const after = await account(id, m1, token);
        expect(after.latestBill).toEqual({ period: m1, issuedOn: first.issuedOn });
        expect(after.bill).toMatchObject({ period: m1, issuedOn: first.issuedOn, dueDate });
        expect(after.bills[0]!.id).toBe(after.bill.id);
      }
      // Running the month once more on the issue day still bills nothing twice.
      expect(runOf(await run(operator, { period: m1 }))).toMatchObject({ billsIssued: accounts, estimatedMeters: allZones - zonesOf(holderDemo) });
      expect((await account(ids.holder, m1, demoToken)).bills.filter((bill) => bill.period === m1)).toHaveLength(1);
    });

    it(`bills the holder's ${m1} from its readings: lines, meter readings, the opening balance and the payments since the last bill`, async () => {
      const { bill, balance } = await account(ids.holder, m1, demoToken);
      expect(bill.lines).toEqual([
        ...holderCharge.lines.map((line) => ({ kind: 'CHARGE', description: fixture.lineDescriptions[line.zone!], ...line, correctedPeriod: null })),
        ...(holderCharge.vat ? [expect.objectContaining({ kind: 'VAT', amount: holderCharge.vat })] : []),
      ]);
      expect(bill.meterReadings).toEqual(
        holderZones.map((entry) => ({ meterSerialNumber: entry.serial, zone: entry.zone, previousValue: entry.last, currentValue: entry.read, consumption: meterValue(entry.use), estimated: false })),
      );
      const charged = minorOf(holderCharge.total);
      expect(bill).toMatchObject({
        estimated: false,
        openingBalance: cash(lastDemoDue),
        charges: cash(netOf(holderCharge)),
        vat: holderCharge.vat,
        corrections: cash(0),
        payments: cash(paidSinceLastBill),
        adjustments: cash(0),
        amountDue: cash(lastDemoDue + charged - paidSinceLastBill),
      });
      expect(balance).toEqual(bill.amountDue);
    });

    it(`bills ${fixture.unheldWithMeter.number} on an estimate: the average of its last three months, stored as an ESTIMATE reading`, async () => {
      const { bill, meters } = await account(ids.other, m1, holder.token);
      const estimate = chargeOfOther(other.use);
      const opening = sum(chain.otherDemoCharges) - sum(kit.demoPaymentsOf(fixture.unheldWithMeter).map((payment) => payment.minor));
      expect(chain.otherDemoCharges).toHaveLength(seeded);
      expect(sorted(bill.lines)).toEqual(sorted([otherLine(other.use), ...chain.otherUnmetered]));
      expect(bill).toMatchObject({
        estimated: true,
        openingBalance: cash(opening),
        charges: cash(netOf(estimate) + unmeteredMinor),
        vat: estimate.vat,
        corrections: cash(0),
        payments: cash(otherPaid),
        amountDue: cash(opening + minorOf(estimate.total) + unmeteredMinor - otherPaid),
      });
      const estimatedValue = meterValue(new Big(other.last).plus(other.use));
      expect(bill.meterReadings).toEqual([{ meterSerialNumber: other.serial, zone: other.zone, previousValue: other.last, currentValue: estimatedValue, consumption: other.use, estimated: true }]);
      const [meter] = meters;
      expect(meter.latestReading).toEqual({ zone: other.zone, value: estimatedValue, period: m1, source: 'ESTIMATE' });
      expect(meter.readings.edges[0].node).toEqual({ zone: other.zone, value: estimatedValue, period: m1, source: 'ESTIMATE' });
      expect(meter.readings.edges[1].node).toEqual({ zone: other.zone, value: other.last, period: lastDemoMonth, source: 'PORTAL' });
    });

    it(`corrects ${m1}'s estimate once ${m2}'s real reading comes, in the ${m2} bill`, async () => {
      // Two months' use since the demo's last reading, split by days: m1's share replaces its estimate.
      const use = chain.otherTwoMonthsUse;
      const [d1, d2] = [daysInPeriod(m1), daysInPeriod(m2)];
      const m1Actual = meterValue(new Big(use).times(d1).div(d1 + d2));
      const m2Share = meterValue(new Big(use).minus(m1Actual));
      const m2Charge = minorOf(chargeOfOther(m2Share).total);
      const correction = minorOf(chargeOfOther(m1Actual).total) - minorOf(chargeOfOther(other.use).total);
      const reading = meterValue(new Big(other.last).plus(use));

      kit.at(fixture.billing.readAt(m2));
      const [meter] = (await account(ids.other, m1, holder.token)).meters;
      const submitted = expectNoGraphQLErrors(
        await kit.t.gql(submitMutation, { token: holder.token, variables: { input: { accountId: ids.other, readings: [{ meterId: meter.id, zone: other.zone, value: reading }] } } }),
      )[names.submit];
      expect(submitted.preliminaryCharge).toEqual({
        period: m2,
        lines: chargeOfOther(m2Share).lines,
        corrections: cash(correction),
        vat: chargeOfOther(m2Share).vat,
        total: cash(m2Charge + correction),
      });

      kit.at(second.runAt);
      // The holder sent nothing for m2: its zones, and any other silent account's, are estimated.
      const estimated = allZones - zonesOf(otherDemo);
      expect(runOf(await run(operator, { period: m2 }))).toMatchObject({ period: m2, billsIssued: accounts, estimatedMeters: estimated });
      kit.at(midnightOf(second.issuedOn));

      const { bill, bills, balance } = await account(ids.other, m2, holder.token);
      expect(sorted(bill.lines)).toEqual(
        sorted([
          otherLine(m2Share),
          ...chain.otherUnmetered,
          {
            kind: 'CORRECTION',
            description: `Перерахунок за ${monthLabel(m1)}: оцінку замінено фактичним показанням`,
            zone: null,
            quantity: meterValue(new Big(m1Actual).minus(other.use)),
            unitPrice: null,
            amount: cash(correction),
            correctedPeriod: m1,
          },
        ]),
      );
      const m1Bill = bills.find((candidate) => candidate.period === m1)!;
      const m1Due = minorOf(m1Bill.amountDue);
      expect(bill).toMatchObject({
        estimated: false,
        openingBalance: cash(m1Due),
        charges: cash(netOf(chargeOfOther(m2Share)) + unmeteredMinor),
        corrections: cash(correction),
        payments: cash(0),
        adjustments: cash(0),
        amountDue: cash(m1Due + m2Charge + unmeteredMinor + correction),
      });
      // Printed from m1's estimated value; this month's share plus the correction make it up.
      const estimatedValue = meterValue(new Big(other.last).plus(other.use));
      expect(bill.meterReadings).toEqual([
        { meterSerialNumber: other.serial, zone: other.zone, previousValue: estimatedValue, currentValue: reading, consumption: meterValue(new Big(reading).minus(estimatedValue)), estimated: false },
      ]);
      expect(balance).toEqual(bill.amountDue);

      // The statistics show m1 as it turned out, charged as billed.
      const history = (await ask(ids.other, holder.token, historyQuery, { months: 2 })).consumptionHistory;
      const unmeteredZones = chain.otherUnmetered.filter((line) => line.zone !== null && line.zone !== other.zone).map((line) => ({ zone: line.zone!, value: line.quantity! }));
      const month = (period: string, value: string, chargedMinor: number) => {
        const zones = [{ zone: other.zone, value }, ...unmeteredZones];
        const oneUnit = new Set(zones.map((zone) => fixture.units[zone.zone])).size === 1;
        return { period, zones, total: oneUnit ? meterValue(sum(zones.map((zone) => Number(zone.value)))) : null, estimated: false, charged: cash(chargedMinor) };
      };
      expect(history.map((entry: any) => ({ ...entry, zones: [...entry.zones].sort((a: any, b: any) => (a.zone === other.zone ? -1 : b.zone === other.zone ? 1 : 0)) }))).toEqual([
        month(m2, m2Share, m2Charge + unmeteredMinor),
        month(m1, m1Actual, minorOf(chargeOfOther(other.use).total) + unmeteredMinor),
      ]);
      // m1's bill itself never changes.
      expect(m1Bill).toMatchObject({ estimated: true, charges: cash(netOf(chargeOfOther(other.use)) + unmeteredMinor), corrections: cash(0) });
      expectStatementsChain(bills);
    });

    it(`estimates the holder's ${m2} from its last three months as they turned out`, async () => {
      const { bill, bills } = await account(ids.holder, m2, demoToken);
      const [before, last] = fixture.ledger.bills.slice(-2).map((demoBill) => demoBill.consumption);
      const estimates = holderZones.map((entry) => ({
        ...entry,
        estimate: meterValue(new Big(before![entry.zone]!).plus(last![entry.zone]!).plus(entry.use).div(3)),
      }));
      const charge = fixture.charge(fixture.holder, Object.fromEntries(estimates.map((entry) => [entry.zone, entry.estimate])));
      expect(bill.estimated).toBe(true);
      expect(bill.lines).toEqual([
        ...charge.lines.map((line) => ({ kind: 'CHARGE', description: fixture.lineDescriptions[line.zone!], ...line, correctedPeriod: null })),
        ...(charge.vat ? [expect.objectContaining({ kind: 'VAT', amount: charge.vat })] : []),
      ]);
      expect(bill.meterReadings).toEqual(
        estimates.map((entry) => ({
          meterSerialNumber: entry.serial,
          zone: entry.zone,
          previousValue: entry.read,
          currentValue: meterValue(new Big(entry.read).plus(entry.estimate)),
          consumption: entry.estimate,
          estimated: true,
        })),
      );
      expectStatementsChain(bills);

      expect(periodsOf(await runs(operator))).toEqual([[m2, accounts, allZones - zonesOf(otherDemo)], [m1, accounts, allZones - zonesOf(holderDemo)], ...demoRuns]);
      const codes = [...bills, ...(await account(ids.other, m2, holder.token)).bills].map((candidate) => candidate.receiptCode);
      expect(new Set(codes).size).toBe(codes.length);
    });
  });
}
