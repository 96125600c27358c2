import { randomUUID } from 'node:crypto';
import { eventsSecret } from '@kabinet/auth';
import { errorCodes, expectErrorCode, expectNoGraphQLErrors } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postAdjustment } from '../ledger';
import { addDays, addMonths, localDate, localInstant, minorOf, moneyOf, monthLabel, printedAmount, type CabinetFixture } from './cabinet-fixture';
import { cabinetKit, RUN_BILLING } from './cabinet-kit';

interface Entry {
  id: string;
  kind: string;
  amount: { amount: string; currency: string };
  occurredAt: string;
  description: string;
}

/** Newest first, ties (a bill's charge and its corrections share their instant) in any order. */
const comparable = (entries: Omit<Entry, 'id'>[]) =>
  entries
    .map(({ kind, amount, occurredAt, description }) => ({ kind, amount, occurredAt, description }))
    .sort((a, b) => (a.occurredAt === b.occurredAt ? (a.kind < b.kind ? -1 : 1) : a.occurredAt < b.occurredAt ? 1 : -1));

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/**
 * The personal card ("особова картка") of the holder's account: its ledger, balance, monthly
 * statistics and payments report, bills whose statements carry the previous one over, and the
 * entry point every payment channel posts through. Amounts come from the fixture's demo bills
 * and the demo payments.
 */
export function describeCabinetLedger(fixture: CabinetFixture): void {
  const kit = cabinetKit(fixture);
  const { names, tables } = kit;
  const { supplier } = kit.demo(fixture.holder);
  const { currency, timeZone } = supplier;
  const money = 'amount currency';
  const ledgerQuery = `query Ledger($id: ID!, $first: Int, $after: String) { ${names.account}(id: $id) {
    balance { ${money} }
    ledger(first: $first, after: $after) { edges { cursor node { id kind amount { ${money} } occurredAt description } } pageInfo { hasNextPage endCursor } } } }`;
  const statsQuery = `query Stats($id: ID!, $months: Int) { ${names.account}(id: $id) {
    consumptionHistory(months: $months) { period zones { zone value unit } total estimated charged { ${money} } }
    paymentsReport { period paid { ${money} } count } } }`;
  const billQuery = `query Bill($id: ID!, $period: String!) { ${names.account}(id: $id) {
    balance { ${money} } latestBill { period }
    bill(period: $period) { period issuedOn openingBalance { ${money} } charges { ${money} } vat { ${money} } corrections { ${money} }
      payments { ${money} } adjustments { ${money} } amountDue { ${money} } estimated } } }`;

  const cash = (minor: number) => moneyOf(minor, currency);
  const midnightOf = (date: string) => localInstant(date, '00:00', timeZone);
  const [nextRun, afterThat] = fixture.ledger.runs;
  const estimatedCharge = minorOf(fixture.charge(fixture.holder, fixture.ledger.estimate).total);

  /** What the card held when the clock started, from the demo bills and payments. */
  const demoPayments = kit.demoPaymentsOf(fixture.holder);
  const demoCard = [
    ...fixture.ledger.bills.flatMap((bill) => [
      { kind: 'CHARGE', amount: cash(bill.chargedMinor), occurredAt: midnightOf(bill.issuedOn), description: `Нараховано за ${monthLabel(bill.period)}` },
      ...(bill.corrections ?? []).map((correction) => ({
        kind: 'ADJUSTMENT',
        amount: cash(correction.minor),
        occurredAt: midnightOf(bill.issuedOn),
        description: `Перерахунок за ${monthLabel(correction.period)} за фактичним показанням`,
      })),
    ]),
    ...demoPayments.map((payment) => ({ kind: 'PAYMENT', amount: cash(-payment.minor), occurredAt: payment.capturedAt, description: 'Оплата через Kabinet' })),
  ];
  const demoBalance = sum(demoCard.map((entry) => minorOf(entry.amount)));
  /** The last demo bill's amount due: everything billed, less the payments made before it appeared. */
  const lastDemoBill = fixture.ledger.bills.at(-1)!;
  const lastDue = sum(
    demoCard.filter((entry) => entry.kind !== 'PAYMENT' || entry.occurredAt < midnightOf(lastDemoBill.issuedOn)).map((entry) => minorOf(entry.amount)),
  );
  const paidSinceLastBill = sum(demoPayments.filter((payment) => payment.capturedAt >= midnightOf(lastDemoBill.issuedOn)).map((payment) => payment.minor));

  /** The last 12 months to `today`'s, oldest first, with what `payments` paid in each (on the supplier's calendar). */
  function paymentsReport(today: string, payments: { minor: number; capturedAt: string }[]) {
    const thisMonth = today.slice(0, 7);
    return Array.from({ length: 12 }, (_, index) => addMonths(thisMonth, index - 11)).map((period) => {
      const inMonth = payments.filter((payment) => localDate(payment.capturedAt, timeZone).startsWith(period));
      return { period, paid: cash(sum(inMonth.map((payment) => payment.minor))), count: inMonth.length };
    });
  }

  describe(`the ledger, balance and statements of a ${fixture.utility} account`, () => {
    let demoToken: string;
    let operator: string;
    let accountId: string;
    const posted: { minor: number; capturedAt: string; description?: string }[] = [];
    let adjustmentMinor = 0;
    let cardBeforeRun: Entry[] = [];

    const eventSecret = () => eventsSecret(kit.t.stack.gatewaySecret, fixture.utility);
    const captured = (payload: Record<string, unknown>, id = randomUUID()) => ({ id, topic: 'payments.payment.captured', payload, createdAt: kit.t.clock.now().toISOString() });
    const ledgerPage = (first: number | undefined, after?: string | null, token = demoToken) => kit.t.gql(ledgerQuery, { token, variables: { id: accountId, first, after } });
    async function wholeLedger(pageSize = 100) {
      const entries: Entry[] = [];
      let after: string | null = null;
      let balance: { amount: string; currency: string } | null = null;
      for (let page = 0; page < 50; page += 1) {
        const data: any = expectNoGraphQLErrors(await ledgerPage(pageSize, after))[names.account];
        balance = data.balance;
        entries.push(...data.ledger.edges.map((edge: any) => edge.node));
        if (!data.ledger.pageInfo.hasNextPage) break;
        after = data.ledger.pageInfo.endCursor;
      }
      return { entries, balance: balance! };
    }
    const stats = async (months?: number) => expectNoGraphQLErrors(await kit.t.gql(statsQuery, { token: demoToken, variables: { id: accountId, months } }))[names.account];
    const bill = async (period: string) => expectNoGraphQLErrors(await kit.t.gql(billQuery, { token: demoToken, variables: { id: accountId, period } }))[names.account];
    const today = () => localDate(kit.t.clock.now(), timeZone);
    const allPayments = () => [...demoPayments, ...posted];

    beforeAll(async () => {
      await kit.start();
      demoToken = await kit.login('demo');
      operator = await kit.operator(fixture.holder.supplier);
      accountId = await kit.accountId(fixture.holder);
    });
    afterAll(() => kit.stop());

    it('holds every bill\'s charge, the corrections of estimates and each payment, and the balance is their sum', async () => {
      expect(demoPayments.length).toBeGreaterThanOrEqual(1);
      const { entries, balance } = await wholeLedger();
      expect(comparable(entries)).toEqual(comparable(demoCard));
      // Newest first.
      const instants = entries.map((entry) => entry.occurredAt);
      expect(instants).toEqual([...instants].sort().reverse());
      expect(new Set(entries.map((entry) => entry.id)).size).toBe(entries.length);
      expect(balance).toEqual(cash(demoBalance));
    });

    it('pages the ledger by cursor, and refuses pages over 100 and cursors it did not hand out', async () => {
      const { entries } = await wholeLedger();
      for (const size of [1, 3]) expect((await wholeLedger(size)).entries.map((entry) => entry.id)).toEqual(entries.map((entry) => entry.id));
      const first = expectNoGraphQLErrors(await ledgerPage(3))[names.account].ledger;
      expect(first.edges).toHaveLength(3);
      expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[2].cursor });
      const second = expectNoGraphQLErrors(await ledgerPage(3, first.pageInfo.endCursor))[names.account].ledger;
      expect(second.edges.map((edge: any) => edge.node.id)).toEqual(entries.slice(3, 6).map((entry) => entry.id));

      // The default page is 20; 100 is the most.
      expect(expectNoGraphQLErrors(await ledgerPage(undefined))[names.account].ledger.edges).toHaveLength(Math.min(entries.length, 20));
      expect(expectNoGraphQLErrors(await ledgerPage(100))[names.account].ledger.edges).toHaveLength(entries.length);
      for (const size of [101, 1000, -1]) expectErrorCode(await ledgerPage(size), 'BAD_USER_INPUT');
      for (const cursor of ['not-a-cursor', Buffer.from('t2026-11-01T00:00:00Z|nope').toString('base64url')]) expectErrorCode(await ledgerPage(3, cursor), 'BAD_USER_INPUT');

      // Only the holder and the supplier's operators read the card.
      const foreign = await ledgerPage(3, null, await kit.login('second'));
      expect(errorCodes(foreign)).toContain('FORBIDDEN');
      expect(JSON.stringify(foreign.data ?? null)).not.toContain('Нараховано');
      const byOperator = expectNoGraphQLErrors(await ledgerPage(100, null, operator))[names.account];
      expect(byOperator.ledger.edges.map((edge: any) => edge.node.id)).toEqual(entries.map((entry) => entry.id));
      expect(errorCodes(await ledgerPage(3, null, await kit.operator(fixture.neighbour.supplier)))).toContain('FORBIDDEN');
    });

    it('gives billed consumption per month, as it turned out, with what each month was charged', async () => {
      const { consumptionHistory } = await stats(36);
      const byZone = (zones: { zone: string; value: string }[]) => [...zones].sort((a, b) => (a.zone < b.zone ? -1 : 1));
      // Zones of one unit add up (kWh by zones); Gcal and m³ do not.
      const total = (consumption: Record<string, string>) =>
        new Set(Object.keys(consumption).map((zone) => fixture.units[zone])).size > 1
          ? null
          : String(Object.values(consumption).reduce((value, next) => value + Number(next) * 1000, 0) / 1000);
      expect(consumptionHistory.map((month: any) => ({ ...month, zones: byZone(month.zones) }))).toEqual(
        [...fixture.ledger.bills].reverse().map((demoBill) => ({
          period: demoBill.period,
          zones: byZone(Object.entries(demoBill.consumption).map(([zone, value]) => ({ zone, value, unit: fixture.units[zone] }))),
          total: total(demoBill.consumption),
          estimated: demoBill.estimated ?? false,
          charged: cash(demoBill.chargedMinor),
        })),
      );
      expect((await stats(2)).consumptionHistory.map((month: any) => month.period)).toEqual(fixture.ledger.bills.slice(-2).reverse().map((demoBill) => demoBill.period));
      for (const months of [0, 37, -1]) expectErrorCode(await kit.t.gql(statsQuery, { token: demoToken, variables: { id: accountId, months } }), 'BAD_USER_INPUT');
    });

    it('reports payments per month for the last 12 months, oldest first, empty months included', async () => {
      expect((await stats()).paymentsReport).toEqual(paymentsReport(today(), demoPayments));
    });

    it('refuses payment postings without the events secret, for unknown accounts, and malformed ones', async () => {
      const payload = { paymentId: randomUUID(), accountId, amountMinor: 1_000, currency, capturedAt: kit.t.clock.now().toISOString() };
      expect((await kit.postEvent(captured(payload), 'wrong')).status).toBe(403);
      expect((await kit.postEvent(captured(payload), null)).status).toBe(403);
      // Another service's events secret is not this one's.
      expect((await kit.postEvent(captured(payload), eventsSecret(kit.t.stack.gatewaySecret, 'payments'))).status).toBe(403);
      expect((await kit.postEvent(captured(payload), eventsSecret(kit.t.stack.gatewaySecret, fixture.otherUtility))).status).toBe(403);

      expect((await kit.postEvent(captured({ ...payload, accountId: randomUUID() }), eventSecret())).status).toBe(422);
      expect((await kit.postEvent(captured({ ...payload, currency: 'EUR' }), eventSecret())).status).toBe(422);
      for (const amountMinor of [0, -100, 10.5, '10.00']) expect((await kit.postEvent(captured({ ...payload, amountMinor }), eventSecret())).status, String(amountMinor)).toBe(422);
      expect((await kit.postEvent(captured({ ...payload, paymentId: 'not-a-uuid' }), eventSecret())).status).toBe(422);
      expect((await kit.postEvent({ ...captured(payload), id: 'not-a-uuid' }, eventSecret())).status).toBe(400);

      const { entries, balance } = await wholeLedger();
      expect(entries).toHaveLength(demoCard.length);
      expect(balance).toEqual(cash(demoBalance));
    });

    it('posts a captured payment once, however often and under whichever event id it is delivered, in the month of the supplier\'s calendar', async () => {
      const capturedAt = kit.t.clock.now().toISOString();
      const payment = { paymentId: randomUUID(), accountId, amountMinor: 123_456, currency, capturedAt };
      const event = captured(payment);
      expect(await kit.postEvent(event)).toEqual({ status: 200, body: { status: 'processed' } });
      expect(await kit.postEvent(event)).toEqual({ status: 200, body: { status: 'duplicate' } });
      // The same payment again under another event id (a second relay, a re-published event).
      expect((await kit.postEvent(captured(payment))).status).toBe(200);
      posted.push({ minor: payment.amountMinor, capturedAt });

      const { entries, balance } = await wholeLedger();
      const payments = entries.filter((entry) => entry.kind === 'PAYMENT' && entry.amount.amount === printedAmount(-payment.amountMinor));
      expect(payments).toEqual([{ id: expect.any(String), kind: 'PAYMENT', amount: cash(-payment.amountMinor), occurredAt: capturedAt, description: 'Оплата через Kabinet' }]);
      expect(entries[0]).toEqual(payments[0]);
      expect(entries).toHaveLength(demoCard.length + 1);
      expect(balance).toEqual(cash(demoBalance - payment.amountMinor));

      // One checkout paying two accounts: the same payment id posts once to each of them.
      const elsewhereId = await kit.accountId(fixture.holderElsewhere);
      const elsewhereCurrency = kit.demo(fixture.holderElsewhere).supplier.currency;
      const part = { ...payment, accountId: elsewhereId, amountMinor: 20_000, currency: elsewhereCurrency };
      expect(await kit.postEvent(captured(part))).toEqual({ status: 200, body: { status: 'processed' } });
      expect((await kit.postEvent(captured(part))).status).toBe(200);
      const elsewhere = expectNoGraphQLErrors(await kit.t.gql(ledgerQuery, { token: demoToken, variables: { id: elsewhereId, first: 100 } }))[names.account];
      expect(elsewhere.ledger.edges.filter((edge: any) => edge.node.occurredAt === capturedAt).map((edge: any) => edge.node.amount)).toEqual([moneyOf(-20_000, elsewhereCurrency)]);
      expect((await wholeLedger()).entries).toHaveLength(demoCard.length + 1);

      // At 00:30 on the 1st of this month, in the supplier's time zone (still the month before in UTC).
      const atMidnight = { minor: 10_000, capturedAt: localInstant(`${today().slice(0, 7)}-01`, '00:30', timeZone), description: 'Оплата в касі' };
      expect(atMidnight.capturedAt.slice(0, 7)).not.toBe(today().slice(0, 7));
      expect((await kit.postEvent(captured({ paymentId: randomUUID(), accountId, amountMinor: atMidnight.minor, currency, capturedAt: atMidnight.capturedAt, description: atMidnight.description }))).status).toBe(200);
      posted.push(atMidnight);
      expect((await stats()).paymentsReport).toEqual(paymentsReport(today(), allPayments()));
      const after = await wholeLedger();
      expect(after.entries.find((entry) => entry.description === 'Оплата в касі')).toMatchObject({ kind: 'PAYMENT', amount: cash(-atMidnight.minor), occurredAt: atMidnight.capturedAt });
      expect(after.balance).toEqual(cash(demoBalance - sum(posted.map((entry) => entry.minor))));
    });

    it('puts the payments and adjustments since the last bill on the next one, chained to it, and leaves earlier entries as they were', async () => {
      // A goodwill credit entered at the supplier's office: nothing in the API makes one.
      const creditAt = new Date(kit.t.clock.now().getTime() + 3600_000);
      kit.at(creditAt);
      adjustmentMinor = -5_000;
      await kit.db().transaction((tx) =>
        postAdjustment(tx, tables, { accountId, amountMinor: adjustmentMinor, occurredAt: creditAt, description: 'Компенсація за перерву в постачанні' }, creditAt),
      );
      const beforeRun = await wholeLedger();
      cardBeforeRun = beforeRun.entries;
      const postedMinor = sum(posted.map((entry) => entry.minor));
      expect(beforeRun.balance).toEqual(cash(demoBalance - postedMinor + adjustmentMinor));

      kit.at(nextRun.runAt);
      const run = expectNoGraphQLErrors(await kit.t.gql(RUN_BILLING(names), { token: operator, variables: { input: { period: nextRun.period } } }))[names.runBilling].run;
      // Nobody submitted this month here: every zone of every meter of the supplier's accounts is estimated.
      const meterZones = sum(supplier.accounts.flatMap((account) => account.meters.map((meter) => meter.zones.length)));
      expect(run).toEqual({ period: nextRun.period, billsIssued: supplier.accounts.length, estimatedMeters: meterZones, accountsFailed: 0 });
      // Until the bill is issued the next day, the card and the balance do not show its charge.
      const runDay = await wholeLedger();
      expect(runDay.entries).toEqual(cardBeforeRun);
      expect(runDay.balance).toEqual(beforeRun.balance);

      kit.at(localInstant(nextRun.issuedOn, '10:00', timeZone));
      const { bill: issued, balance, latestBill } = await bill(nextRun.period);
      expect(latestBill.period).toBe(nextRun.period);
      const payments = paidSinceLastBill + postedMinor;
      expect(issued).toEqual({
        period: nextRun.period,
        issuedOn: nextRun.issuedOn,
        openingBalance: cash(lastDue),
        charges: cash(estimatedCharge),
        vat: fixture.charge(fixture.holder, fixture.ledger.estimate).vat,
        corrections: cash(0),
        payments: cash(payments),
        adjustments: cash(adjustmentMinor),
        amountDue: cash(lastDue + estimatedCharge + adjustmentMinor - payments),
        estimated: true,
      });
      expect(balance).toEqual(issued.amountDue);

      const { entries } = await wholeLedger();
      // Every entry there before is there unchanged; the bill only added its charge.
      expect(entries.filter((entry) => cardBeforeRun.some((old) => old.id === entry.id))).toEqual(cardBeforeRun);
      expect(entries.filter((entry) => !cardBeforeRun.some((old) => old.id === entry.id))).toEqual([
        { id: expect.any(String), kind: 'CHARGE', amount: cash(estimatedCharge), occurredAt: midnightOf(nextRun.issuedOn), description: `Нараховано за ${monthLabel(nextRun.period)}` },
      ]);
      expect(minorOf(balance)).toBe(sum(entries.map((entry) => minorOf(entry.amount))));

      const [latest] = (await stats(1)).consumptionHistory;
      const zones = Object.entries(fixture.ledger.estimate).map(([zone, value]) => ({ zone, value }));
      expect({ ...latest, zones: [...latest.zones].sort((a: any, b: any) => (a.zone < b.zone ? -1 : 1)) }).toMatchObject({
        period: nextRun.period,
        zones: zones.sort((a, b) => (a.zone < b.zone ? -1 : 1)),
        estimated: true,
        charged: cash(estimatedCharge),
      });
    });

    it('puts a payment that reaches the ledger after the run on the next bill, not losing it nor counting it twice', async () => {
      const issued = (await bill(nextRun.period)).bill;
      kit.at(localInstant(addDays(nextRun.issuedOn, 3), '10:00', timeZone));
      // Captured the day before the run, delivered only now (a bank's late import).
      const late = { minor: 30_000, capturedAt: new Date(new Date(nextRun.runAt).getTime() - 24 * 3600_000).toISOString(), description: 'Оплата через банк' };
      const payload = { paymentId: randomUUID(), accountId, amountMinor: late.minor, currency, capturedAt: late.capturedAt, description: late.description };
      expect(await kit.postEvent(captured(payload))).toEqual({ status: 200, body: { status: 'processed' } });
      posted.push(late);
      expect((await bill(nextRun.period)).bill).toEqual(issued);
      expect((await wholeLedger()).balance).toEqual(cash(minorOf(issued.amountDue) - late.minor));
      expect((await stats()).paymentsReport).toEqual(paymentsReport(today(), allPayments()));

      // The month after, billed on an estimate again: the late payment is on its bill, which carries the last one over.
      kit.at(afterThat.runAt);
      expectNoGraphQLErrors(await kit.t.gql(RUN_BILLING(names), { token: operator, variables: { input: { period: afterThat.period } } }));
      kit.at(localInstant(afterThat.issuedOn, '10:00', timeZone));
      const next = await bill(afterThat.period);
      expect(next.bill).toEqual({
        period: afterThat.period,
        issuedOn: afterThat.issuedOn,
        openingBalance: issued.amountDue,
        charges: cash(estimatedCharge),
        vat: fixture.charge(fixture.holder, fixture.ledger.estimate).vat,
        corrections: cash(0),
        payments: cash(late.minor),
        adjustments: cash(0),
        amountDue: cash(minorOf(issued.amountDue) + estimatedCharge - late.minor),
        estimated: true,
      });
      expect(next.balance).toEqual(next.bill.amountDue);

      // Paying more than is owed leaves an overpayment: a negative balance.
      const overpayment = { minor: minorOf(next.balance) + 10_000, capturedAt: kit.t.clock.now().toISOString() };
      expect((await kit.postEvent(captured({ paymentId: randomUUID(), accountId, amountMinor: overpayment.minor, currency, capturedAt: overpayment.capturedAt }))).status).toBe(200);
      posted.push(overpayment);
      const card = await wholeLedger();
      expect(card.balance).toEqual(cash(-10_000));
      expect(card.entries[0]).toMatchObject({ kind: 'PAYMENT', amount: cash(-overpayment.minor), occurredAt: overpayment.capturedAt });
      expect(card.entries.find((entry) => entry.description === 'Оплата через банк')).toMatchObject({ amount: cash(-late.minor), occurredAt: late.capturedAt });

      // The report's year has moved on with the clock.
      const report = (await stats()).paymentsReport;
      expect(report.at(-1).period).toBe(today().slice(0, 7));
      expect(report).toEqual(paymentsReport(today(), allPayments()));
    });
  });
}
