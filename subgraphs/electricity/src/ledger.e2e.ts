import { randomUUID } from 'node:crypto';
import { eventsSecret } from '@kabinet/auth';
import { errorCodes, expectErrorCode, expectNoGraphQLErrors, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdOf, demoLogins, loginAs, startElectricityStack, supplierIds, tables } from './testing/e2e';

/*
 * The personal card ("особова картка") of an electricity account: its ledger, balance,
 * monthly statistics and payment report, and the internal entry point every payment channel
 * posts through. Driven through the gateway (and the events endpoint, as a relay would), with
 * the amounts worked out here from the demo (subgraphs/electricity/src/demo.ts, @kabinet/demo).
 *
 * Kyiv 10234567 (two zones, 214 day + 96 night kWh a month at 4.32, night × 0.5):
 *   July, August      1131.84 each (924.48 + 207.36)
 *   September         1131.84 on an estimate (no reading)
 *   October           1150.39 (217.508 + 97.574 kWh) and −18.55 correcting September
 *                     (428 / 192 kWh since August shared by days: 210.492 / 94.426 in September)
 *   payments          841.50 on 23 September, 900.00 on 20 November (70 and 12 days before 2 December)
 */

const money = 'amount currency';
const ledgerQuery = `query Ledger($id: ID!, $first: Int, $after: String) {
  electricityAccount(id: $id) {
    balance { ${money} }
    ledger(first: $first, after: $after) { edges { cursor node { id kind amount { ${money} } occurredAt description } } pageInfo { hasNextPage endCursor } }
  }
}`;
const statsQuery = `query Stats($id: ID!, $months: Int) {
  electricityAccount(id: $id) {
    consumptionHistory(months: $months) { period zones { zone value } total estimated charged { ${money} } }
    paymentsReport { period paid { ${money} } count }
  }
}`;
const billQuery = `query Bill($id: ID!, $period: String!) {
  electricityAccount(id: $id) {
    balance { ${money} }
    latestBill { period }
    bill(period: $period) { period issuedOn openingBalance { ${money} } charges { ${money} } vat { ${money} } corrections { ${money} }
      payments { ${money} } adjustments { ${money} } amountDue { ${money} } estimated }
  }
}`;
const runBilling = `mutation Run($input: RunBillingInput!) { runElectricityBilling(input: $input) { run { period billsIssued estimatedMeters } } }`;

/** Kopiyky as the API prints money. */
function amount(minor: number): string {
  const digits = String(Math.abs(minor)).padStart(3, '0');
  return `${minor < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
const uah = (minor: number) => ({ amount: amount(minor), currency: 'UAH' });
const minorOf = (value: { amount: string }) => {
  const [whole, fraction = ''] = value.amount.replace('-', '').split('.');
  const minor = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return value.amount.startsWith('-') ? -minor : minor;
};
/** kWh × price (× zone coefficient), rounded half up to kopiyky: exact, on integers of 1/1000 kWh and 1/100 UAH. */
function charge(kwh: string, price: string): number {
  const thousandths = (value: string) => {
    const [whole, fraction = ''] = value.split('.');
    return BigInt(whole!) * 1000n + BigInt(fraction.padEnd(3, '0'));
  };
  const product = thousandths(kwh) * thousandths(price); // in 10^-6 UAH
  return Number((product + 5_000n) / 10_000n); // to kopiyky, half up (positive amounts)
}

interface Entry {
  id: string;
  kind: string;
  amount: { amount: string; currency: string };
  occurredAt: string;
  description: string;
}

/** Newest first, ties (a bill's charge and its corrections share their instant) in any order. */
const comparable = (entries: Omit<Entry, 'id'>[]) =>
  entries.map(({ kind, amount: value, occurredAt, description }) => ({ kind, amount: value, occurredAt, description })).sort((a, b) =>
    a.occurredAt === b.occurredAt ? (a.kind < b.kind ? -1 : 1) : a.occurredAt < b.occurredAt ? 1 : -1,
  );

describe('the ledger, balance and statistics of an electricity account', () => {
  let t: TestStack;
  let demoToken: string;
  let kyivOperator: string;
  let accountId: string;

  const eventsUrl = () => `${t.stack.subgraphs.electricity.url}/internal/events`;
  const secret = () => eventsSecret(t.stack.gatewaySecret, 'electricity');
  async function postEvent(envelope: Record<string, unknown>, headerSecret: string | null = secret()) {
    const response = await fetch(eventsUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(headerSecret === null ? {} : { 'x-kabinet-event-secret': headerSecret }) },
      body: JSON.stringify(envelope),
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  }
  const captured = (payload: Record<string, unknown>, id = randomUUID()) => ({
    id,
    topic: 'payments.payment.captured',
    payload,
    createdAt: t.clock.now().toISOString(),
  });

  const ledgerPage = async (first: number | undefined, after?: string | null, token = demoToken) =>
    t.gql(ledgerQuery, { token, variables: { id: accountId, first, after } });
  /** The whole card, page by page, and the balance. */
  async function wholeLedger(pageSize = 100) {
    const entries: Entry[] = [];
    let after: string | null = null;
    let balance: { amount: string; currency: string } | null = null;
    for (let page = 0; page < 50; page += 1) {
      const data: any = expectNoGraphQLErrors(await ledgerPage(pageSize, after)).electricityAccount;
      balance = data.balance;
      entries.push(...data.ledger.edges.map((edge: any) => edge.node));
      if (!data.ledger.pageInfo.hasNextPage) break;
      after = data.ledger.pageInfo.endCursor;
    }
    return { entries, balance: balance! };
  }
  const stats = async (months?: number) =>
    expectNoGraphQLErrors(await t.gql(statsQuery, { token: demoToken, variables: { id: accountId, months } })).electricityAccount;
  const bill = async (period: string) =>
    expectNoGraphQLErrors(await t.gql(billQuery, { token: demoToken, variables: { id: accountId, period } })).electricityAccount;

  const julyCharge = charge('214', '4.32') + charge('96', '2.16');
  const octoberCharge = charge('217.508', '4.32') + charge('97.574', '2.16');
  const septemberCorrection = charge('210.492', '4.32') + charge('94.426', '2.16') - julyCharge;
  /** What the card held on 2 December, newest first. */
  const demoCard = [
    { kind: 'PAYMENT', amount: uah(-90_000), occurredAt: '2026-11-20T08:00:00.000Z', description: 'Оплата через Kabinet' },
    // October's bill, issued on 8 November (00:00 in Kyiv, UTC+2).
    { kind: 'ADJUSTMENT', amount: uah(septemberCorrection), occurredAt: '2026-11-07T22:00:00.000Z', description: 'Перерахунок за вересень 2026 за фактичним показанням' },
    { kind: 'CHARGE', amount: uah(octoberCharge), occurredAt: '2026-11-07T22:00:00.000Z', description: 'Нараховано за жовтень 2026' },
    { kind: 'CHARGE', amount: uah(julyCharge), occurredAt: '2026-10-07T21:00:00.000Z', description: 'Нараховано за вересень 2026' },
    { kind: 'PAYMENT', amount: uah(-84_150), occurredAt: '2026-09-23T08:00:00.000Z', description: 'Оплата через Kabinet' },
    { kind: 'CHARGE', amount: uah(julyCharge), occurredAt: '2026-09-07T21:00:00.000Z', description: 'Нараховано за серпень 2026' },
    { kind: 'CHARGE', amount: uah(julyCharge), occurredAt: '2026-08-07T21:00:00.000Z', description: 'Нараховано за липень 2026' },
  ];
  const demoBalance = 3 * julyCharge + octoberCharge + septemberCorrection - 84_150 - 90_000;
  const octoberDue = demoBalance + 90_000;

  const posted = { paymentId: randomUUID(), minor: 123_456 };
  const midnight = { paymentId: randomUUID(), minor: 10_000 };
  const adjustmentMinor = -5_000;
  const late = { paymentId: randomUUID(), minor: 30_000 };
  let cardBeforeNovember: Entry[] = [];

  beforeAll(async () => {
    t = await startElectricityStack();
    demoToken = await loginAs(t, demoLogins.demo);
    kyivOperator = await loginAs(t, demoLogins.kyivOperator);
    accountId = await accountIdOf(t, supplierIds.kyiv, '10234567');
  });
  afterAll(() => t?.stop());

  it('holds every bill\'s charge, the estimate\'s correction and each payment, and the balance is their sum', async () => {
    expect([julyCharge, octoberCharge, septemberCorrection]).toEqual([113_184, 115_039, -1_855]);
    const { entries, balance } = await wholeLedger();
    expect(comparable(entries)).toEqual(comparable(demoCard));
    // Newest first.
    const instants = entries.map((entry) => entry.occurredAt);
    expect(instants).toEqual([...instants].sort().reverse());
    expect(new Set(entries.map((entry) => entry.id)).size).toBe(entries.length);

    expect(demoBalance).toBe(278_586);
    expect(balance).toEqual(uah(demoBalance));
    expect(minorOf(balance)).toBe(entries.reduce((sum, entry) => sum + minorOf(entry.amount), 0));
  });

  it('pages the ledger by cursor, and refuses pages over 100 and cursors it did not hand out', async () => {
    const { entries } = await wholeLedger();
    for (const size of [1, 3]) {
      const paged = await wholeLedger(size);
      expect(paged.entries.map((entry) => entry.id)).toEqual(entries.map((entry) => entry.id));
    }
    const first = expectNoGraphQLErrors(await ledgerPage(3)).electricityAccount.ledger;
    expect(first.edges).toHaveLength(3);
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[2].cursor });
    const second = expectNoGraphQLErrors(await ledgerPage(3, first.pageInfo.endCursor)).electricityAccount.ledger;
    expect(second.edges.map((edge: any) => edge.node.id)).toEqual(entries.slice(3, 6).map((entry) => entry.id));
    const last = expectNoGraphQLErrors(await ledgerPage(3, second.pageInfo.endCursor)).electricityAccount.ledger;
    expect(last.edges.map((edge: any) => edge.node.id)).toEqual(entries.slice(6).map((entry) => entry.id));
    expect(last.pageInfo.hasNextPage).toBe(false);

    // The default page is 20; 100 is the most.
    expect(expectNoGraphQLErrors(await ledgerPage(undefined)).electricityAccount.ledger.edges).toHaveLength(entries.length);
    expect(expectNoGraphQLErrors(await ledgerPage(100)).electricityAccount.ledger.edges).toHaveLength(entries.length);
    for (const size of [101, 1000, -1]) expectErrorCode(await ledgerPage(size), 'BAD_USER_INPUT');
    for (const cursor of ['not-a-cursor', Buffer.from('t2026-11-01T00:00:00Z|nope').toString('base64url')]) {
      expectErrorCode(await ledgerPage(3, cursor), 'BAD_USER_INPUT');
    }

    // Only the holder (and the supplier's staff) read the card.
    const neighbour = await loginAs(t, demoLogins.neighbour);
    const foreign = await ledgerPage(3, null, neighbour);
    expect(errorCodes(foreign)).toContain('FORBIDDEN');
    expect(JSON.stringify(foreign.data ?? null)).not.toContain('Нараховано');
    const operator = expectNoGraphQLErrors(await ledgerPage(100, null, kyivOperator)).electricityAccount;
    expect(operator.ledger.edges.map((edge: any) => edge.node.id)).toEqual(entries.map((entry) => entry.id));
    const odesaOperator = await loginAs(t, demoLogins.odesaOperator);
    expect(errorCodes(await ledgerPage(3, null, odesaOperator))).toContain('FORBIDDEN');
  });

  it('gives billed consumption per month, as it turned out, with what each month was charged', async () => {
    const { consumptionHistory } = await stats();
    const byZone = (month: any) => ({ ...month, zones: [...month.zones].sort((a: any, b: any) => (a.zone < b.zone ? -1 : 1)) });
    expect(consumptionHistory.map(byZone)).toEqual([
      { period: '2026-10', zones: [{ zone: 'DAY', value: '217.508' }, { zone: 'NIGHT', value: '97.574' }], total: '315.082', estimated: false, charged: uah(octoberCharge) },
      // September's estimate (214 / 96) replaced by its actual share; charged as billed.
      { period: '2026-09', zones: [{ zone: 'DAY', value: '210.492' }, { zone: 'NIGHT', value: '94.426' }], total: '304.918', estimated: false, charged: uah(julyCharge) },
      { period: '2026-08', zones: [{ zone: 'DAY', value: '214' }, { zone: 'NIGHT', value: '96' }], total: '310', estimated: false, charged: uah(julyCharge) },
      { period: '2026-07', zones: [{ zone: 'DAY', value: '214' }, { zone: 'NIGHT', value: '96' }], total: '310', estimated: false, charged: uah(julyCharge) },
    ]);
    expect((await stats(2)).consumptionHistory.map((month: any) => month.period)).toEqual(['2026-10', '2026-09']);
    expect((await stats(36)).consumptionHistory).toHaveLength(4);
    for (const months of [0, 37, -1]) {
      expectErrorCode(await t.gql(statsQuery, { token: demoToken, variables: { id: accountId, months } }), 'BAD_USER_INPUT');
    }
  });

  it('reports payments per month for the last 12 months, oldest first, empty months included', async () => {
    const { paymentsReport } = await stats();
    const months = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'].map((month) => `2026-${month}`);
    expect(paymentsReport).toEqual(
      months.map((period) => ({
        period,
        paid: uah(period === '2026-09' ? 84_150 : period === '2026-11' ? 90_000 : 0),
        count: period === '2026-09' || period === '2026-11' ? 1 : 0,
      })),
    );
  });

  it('refuses payment postings without the events secret, for unknown accounts, and malformed ones', async () => {
    const payload = { paymentId: randomUUID(), accountId, amountMinor: 1_000, currency: 'UAH', capturedAt: t.clock.now().toISOString() };
    expect((await postEvent(captured(payload), 'wrong')).status).toBe(403);
    expect((await postEvent(captured(payload), null)).status).toBe(403);
    // The gateway's secret for this subgraph is not the events secret.
    expect((await postEvent(captured(payload), eventsSecret(t.stack.gatewaySecret, 'payments'))).status).toBe(403);

    expect((await postEvent(captured({ ...payload, accountId: randomUUID() }))).status).toBe(422);
    expect((await postEvent(captured({ ...payload, currency: 'EUR' }))).status).toBe(422);
    for (const amountMinor of [0, -100, 10.5, '10.00']) {
      expect((await postEvent(captured({ ...payload, amountMinor }))).status, String(amountMinor)).toBe(422);
    }
    expect((await postEvent(captured({ ...payload, paymentId: 'not-a-uuid' }))).status).toBe(422);
    expect((await postEvent({ ...captured(payload), id: 'not-a-uuid' })).status).toBe(400);

    const { entries, balance } = await wholeLedger();
    expect(entries).toHaveLength(demoCard.length);
    expect(balance).toEqual(uah(demoBalance));
  });

  it('posts a captured payment once, however often and under whichever event id it is delivered', async () => {
    const capturedAt = '2026-12-02T08:00:00.000Z';
    const payload = { paymentId: posted.paymentId, accountId, amountMinor: posted.minor, currency: 'UAH', capturedAt };
    const event = captured(payload);
    expect(await postEvent(event)).toEqual({ status: 200, body: { status: 'processed' } });
    expect(await postEvent(event)).toEqual({ status: 200, body: { status: 'duplicate' } });
    // The same payment again under another event id (a second relay, a re-published event).
    expect((await postEvent(captured(payload))).status).toBe(200);

    const { entries, balance } = await wholeLedger();
    const payments = entries.filter((entry) => entry.kind === 'PAYMENT' && entry.amount.amount === amount(-posted.minor));
    expect(payments).toEqual([{ id: expect.any(String), kind: 'PAYMENT', amount: uah(-posted.minor), occurredAt: capturedAt, description: 'Оплата через Kabinet' }]);
    expect(entries[0]).toEqual(payments[0]);
    expect(entries).toHaveLength(demoCard.length + 1);
    expect(balance).toEqual(uah(demoBalance - posted.minor));

    // One checkout paying two accounts: the same payment id posts once to each of them.
    const lvivId = await accountIdOf(t, supplierIds.lviv, '46-208311');
    const lvivPart = { ...payload, accountId: lvivId, amountMinor: 20_000 };
    expect(await postEvent(captured(lvivPart))).toEqual({ status: 200, body: { status: 'processed' } });
    expect((await postEvent(captured(lvivPart))).status).toBe(200);
    const lviv = expectNoGraphQLErrors(await t.gql(ledgerQuery, { token: demoToken, variables: { id: lvivId, first: 100 } })).electricityAccount;
    expect(lviv.ledger.edges.filter((edge: any) => edge.node.occurredAt === capturedAt).map((edge: any) => edge.node.amount)).toEqual([uah(-20_000)]);
    expect((await wholeLedger()).entries).toHaveLength(demoCard.length + 1);

    // At 00:30 on 1 December in Kyiv (22:30 UTC on 30 November): a December payment.
    const atMidnight = { paymentId: midnight.paymentId, accountId, amountMinor: midnight.minor, currency: 'UAH', capturedAt: '2026-11-30T22:30:00Z', description: 'Оплата в касі' };
    expect((await postEvent(captured(atMidnight))).status).toBe(200);
    const { paymentsReport } = await stats();
    expect(paymentsReport.at(-1)).toEqual({ period: '2026-12', paid: uah(posted.minor + midnight.minor), count: 2 });
    expect(paymentsReport.at(-2)).toEqual({ period: '2026-11', paid: uah(90_000), count: 1 });
    const after = await wholeLedger();
    expect(after.entries.find((entry) => entry.description === 'Оплата в касі')).toMatchObject({ kind: 'PAYMENT', amount: uah(-midnight.minor), occurredAt: '2026-11-30T22:30:00.000Z' });
    expect(after.balance).toEqual(uah(demoBalance - posted.minor - midnight.minor));
  });

  it('puts the payments and adjustments since October\'s bill on November\'s bill, and leaves earlier entries as they were', async () => {
    // A goodwill credit entered at the supplier's office: nothing in the API makes one.
    t.clock.set('2026-12-03T09:00:00Z');
    await t.stack.database.db.insert(tables.ledgerEntries).values({
      id: randomUUID(),
      accountId,
      kind: 'ADJUSTMENT',
      amountMinor: adjustmentMinor,
      occurredAt: new Date('2026-12-03T09:00:00Z'),
      recordedAt: new Date('2026-12-03T09:00:00Z'),
      description: 'Компенсація за перерву в електропостачанні',
    });
    const beforeRun = await wholeLedger();
    cardBeforeNovember = beforeRun.entries;
    const balanceBefore = demoBalance - posted.minor - midnight.minor + adjustmentMinor;
    expect(beforeRun.balance).toEqual(uah(balanceBefore));

    t.clock.set('2026-12-06T08:00:00Z');
    const run = expectNoGraphQLErrors(await t.gql(runBilling, { token: kyivOperator, variables: { input: { period: '2026-11' } } })).runElectricityBilling.run;
    // Nobody submitted November here: both Kyiv accounts are estimated (two zones + one).
    expect(run).toEqual({ period: '2026-11', billsIssued: 2, estimatedMeters: 3 });
    // Until the bill is issued the next day, the card and the balance do not show its charge.
    const runDay = await wholeLedger();
    expect(runDay.entries).toEqual(cardBeforeNovember);
    expect(runDay.balance).toEqual(uah(balanceBefore));

    t.clock.set('2026-12-07T08:00:00Z');
    // November on an estimate: the average of the last three months billed, August 214 / 96,
    // September 210.492 / 94.426 (as corrected) and October 217.508 / 97.574.
    const estimateDay = '214'; // 642 / 3
    const estimateNight = '96'; // 288 / 3
    const novemberCharge = charge(estimateDay, '4.32') + charge(estimateNight, '2.16');
    const payments = 90_000 + posted.minor + midnight.minor;
    const { bill: november, balance, latestBill } = await bill('2026-11');
    expect(latestBill.period).toBe('2026-11');
    expect(november).toEqual({
      period: '2026-11',
      issuedOn: '2026-12-07',
      openingBalance: uah(octoberDue),
      charges: uah(novemberCharge),
      vat: null,
      corrections: uah(0),
      payments: uah(payments),
      adjustments: uah(adjustmentMinor),
      amountDue: uah(octoberDue + novemberCharge + adjustmentMinor - payments),
      estimated: true,
    });
    expect(balance).toEqual(november.amountDue);

    const { entries } = await wholeLedger();
    // Every entry there before is there unchanged; the bill only added its charge.
    expect(entries.filter((entry) => cardBeforeNovember.some((old) => old.id === entry.id))).toEqual(cardBeforeNovember);
    const added = entries.filter((entry) => !cardBeforeNovember.some((old) => old.id === entry.id));
    expect(added).toEqual([{ id: expect.any(String), kind: 'CHARGE', amount: uah(novemberCharge), occurredAt: '2026-12-06T22:00:00.000Z', description: 'Нараховано за листопад 2026' }]);
    expect(minorOf(balance)).toBe(entries.reduce((sum, entry) => sum + minorOf(entry.amount), 0));

    const { consumptionHistory } = await stats(1);
    expect(consumptionHistory).toEqual([
      {
        period: '2026-11',
        zones: expect.arrayContaining([{ zone: 'DAY', value: '214' }, { zone: 'NIGHT', value: '96' }]),
        total: '310',
        estimated: true,
        charged: uah(novemberCharge),
      },
    ]);
  });

  it('puts a payment that reaches the ledger after the run on the next bill, not losing it nor counting it twice', async () => {
    const november = (await bill('2026-11')).bill;
    t.clock.set('2026-12-10T08:00:00Z');
    // Captured on 5 December, before November's run, but delivered only now (a bank's late import).
    const payload = { paymentId: late.paymentId, accountId, amountMinor: late.minor, currency: 'UAH', capturedAt: '2026-12-05T10:00:00Z', description: 'Оплата через банк' };
    expect(await postEvent(captured(payload))).toEqual({ status: 200, body: { status: 'processed' } });
    expect((await bill('2026-11')).bill).toEqual(november);
    const { balance } = await wholeLedger();
    expect(balance).toEqual(uah(minorOf(november.amountDue) - late.minor));
    const { paymentsReport } = await stats();
    expect(paymentsReport.at(-1)).toEqual({ period: '2026-12', paid: uah(posted.minor + midnight.minor + late.minor), count: 3 });

    // December, billed in January on an estimate again: the late payment is on it.
    t.clock.set('2027-01-06T08:00:00Z');
    expectNoGraphQLErrors(await t.gql(runBilling, { token: kyivOperator, variables: { input: { period: '2026-12' } } }));
    t.clock.set('2027-01-07T08:00:00Z');
    const december = await bill('2026-12');
    // The last three months billed: September 210.492 / 94.426 (as corrected), October 217.508 / 97.574,
    // November 214 / 96 (itself an estimate): 642 / 3 = 214 and 288 / 3 = 96 again.
    const decemberCharge = charge('214', '4.32') + charge('96', '2.16');
    expect(december.bill).toEqual({
      period: '2026-12',
      issuedOn: '2027-01-07',
      openingBalance: november.amountDue,
      charges: uah(decemberCharge),
      vat: null,
      corrections: uah(0),
      payments: uah(late.minor),
      adjustments: uah(0),
      amountDue: uah(minorOf(november.amountDue) + decemberCharge - late.minor),
      estimated: true,
    });
    expect(december.balance).toEqual(december.bill.amountDue);

    // Paying more than is owed leaves an overpayment: a negative balance.
    const overpayment = { paymentId: randomUUID(), accountId, amountMinor: minorOf(december.balance) + 10_000, currency: 'UAH', capturedAt: '2027-01-07T08:00:00Z' };
    expect((await postEvent(captured(overpayment))).status).toBe(200);
    const card = await wholeLedger();
    expect(card.balance).toEqual(uah(-10_000));
    expect(card.entries[0]).toMatchObject({ kind: 'PAYMENT', amount: uah(-overpayment.amountMinor), occurredAt: '2027-01-07T08:00:00.000Z' });
    expect(card.entries.find((entry) => entry.description === 'Оплата через банк')).toMatchObject({ amount: uah(-late.minor), occurredAt: '2026-12-05T10:00:00.000Z' });

    // In January the report's year runs February 2026 to January 2027.
    const report = (await stats()).paymentsReport;
    expect(report.map((month: any) => month.period)).toEqual([
      '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12', '2027-01',
    ]);
    expect(report.map((month: any) => [month.paid.amount, month.count])).toEqual([
      ['0.00', 0], ['0.00', 0], ['0.00', 0], ['0.00', 0], ['0.00', 0], ['0.00', 0], ['0.00', 0],
      [amount(84_150), 1], ['0.00', 0], [amount(90_000), 1], [amount(posted.minor + midnight.minor + late.minor), 3], [amount(overpayment.amountMinor), 1],
    ]);
  });
});
