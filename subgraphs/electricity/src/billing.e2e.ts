import { expectErrorCode, expectNoGraphQLErrors, type TestStack } from '@kabinet/testing';
import { billFields, expectStatementsChain } from '@kabinet/utility-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdOf, demoLogins, loginAs, startElectricityStack, supplierIds } from './testing/e2e';

/*
 * Electricity's own billing: tariffs (zones, tiers, a change inside a month), VAT on business
 * accounts, the demo's missed month, and the tariff calculator: end to end through the gateway, as
 * the apps and the suppliers' operators use them. Every expected amount is worked out here from the
 * demo's meters and tariffs (subgraphs/electricity/src/demo.ts), not read back from the code under
 * test. Billing runs and bills month after month (a run refused while the window is open, bills from
 * readings and estimates, the estimate corrected, statements that chain) and runs by an admin, two
 * runs of a month at once, several estimated months corrected at once and a mistyped year run for
 * every utility (packages/utility-core/src/testing/cabinet-billing*.ts).
 */

// --- exact arithmetic for expectations ------------------------------------------------------

/** A rational number over BigInt: the expectations' own arithmetic, no floats, no product code. */
interface Q {
  n: bigint;
  d: bigint;
}
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
function q(n: bigint, d = 1n): Q {
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}
/** `"12.345"` → 12345/1000. */
function dec(value: string | number): Q {
  const [whole, fraction = ''] = String(value).split('.');
  const negative = whole!.startsWith('-');
  const digits = BigInt(`${whole!.replace('-', '')}${fraction}`);
  return q(negative ? -digits : digits, 10n ** BigInt(fraction.length));
}
const add = (a: Q, b: Q) => q(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Q, b: Q) => add(a, q(-b.n, b.d));
const mul = (a: Q, b: Q) => q(a.n * b.n, a.d * b.d);
const div = (a: Q, b: Q) => q(a.n * b.d, a.d * b.n);
const lt = (a: Q, b: Q) => a.n * b.d < b.n * a.d;
const zero = q(0n);

/** Rounded half away from zero to `places` decimals, as an integer of 10^-places units. */
function roundUnits(value: Q, places: number): bigint {
  const scaled = mul(value, q(10n ** BigInt(places)));
  const negative = scaled.n < 0n;
  const abs = negative ? -scaled.n : scaled.n;
  const units = (2n * abs + scaled.d) / (2n * scaled.d);
  return negative ? -units : units;
}
/** Minor units (kopiyky), rounded half up as printed on a bill. */
const kop = (value: Q) => Number(roundUnits(value, 2));
/** Kopiyky as the API prints money: `"1234.50"`. */
function amount(minor: number): string {
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
const uah = (minor: number) => ({ amount: amount(minor), currency: 'UAH' });
/** A quantity as the API prints it: three decimals at most, trailing zeros dropped. */
function qty(value: Q, places = 3): string {
  const units = roundUnits(value, places);
  const negative = units < 0n;
  const digits = String(negative ? -units : units).padStart(places + 1, '0');
  const text = `${digits.slice(0, -places)}.${digits.slice(-places)}`.replace(/\.?0+$/, '');
  return `${negative ? '-' : ''}${text}`;
}
/** Three decimals as the billing keeps meter values and consumption (rounded half up). */
const to3 = (value: Q) => q(roundUnits(value, 3), 1000n);

// --- the supplier's rules, as the issue states them ------------------------------------------

const coefficients: Record<string, Q> = {
  SINGLE: dec('1'),
  DAY: dec('1'),
  NIGHT: dec('0.5'),
  // Three-zone meters: night 0.4, half-peak 1.0, peak 1.5.
  'THREE:NIGHT': dec('0.4'),
  'THREE:HALF_PEAK': dec('1'),
  'THREE:PEAK': dec('1.5'),
};
const coefficientOf = (zone: string, threeZone = false) => (threeZone ? coefficients[`THREE:${zone}`]! : coefficients[zone]!);

interface ExpectedLine {
  zone: string;
  quantity: Q;
  unitPrice: Q;
  minor: number;
  tier: number;
  segment: number;
}

/**
 * The lines of a month priced under tariff segments (days of the month each tariff covers):
 * in each segment the month's consumption and the tier bounds count pro rata by days, the
 * account's total fills the tiers in order, and each zone takes its share of each tier.
 */
function priceMonth(
  consumption: { zone: string; kwh: Q }[],
  segments: { days: number; tiers: { upTo: string | null; price: string }[] }[],
  daysInMonth: number,
  threeZone = false,
): ExpectedLine[] {
  const total = consumption.reduce((sum, entry) => add(sum, entry.kwh), zero);
  const lines: ExpectedLine[] = [];
  segments.forEach((segment, segmentIndex) => {
    const share = q(BigInt(segment.days), BigInt(daysInMonth));
    const segmentTotal = mul(total, share);
    let lower = zero;
    segment.tiers.forEach((tier, tierIndex) => {
      const upper = tier.upTo === null ? null : mul(dec(tier.upTo), share);
      const filled = sub(upper === null || lt(segmentTotal, upper) ? segmentTotal : upper, lower);
      if (upper !== null) lower = upper;
      if (!lt(zero, filled)) return;
      for (const entry of consumption) {
        const quantity = div(mul(filled, entry.kwh), total);
        const unitPrice = mul(dec(tier.price), coefficientOf(entry.zone, threeZone));
        lines.push({ zone: entry.zone, quantity, unitPrice, minor: kop(mul(quantity, unitPrice)), tier: tierIndex, segment: segmentIndex });
      }
    });
  });
  return lines;
}
const sumMinor = (lines: { minor: number }[]) => lines.reduce((sum, line) => sum + line.minor, 0);
/** kWh × price per kWh × zone coefficient, in kopiyky. */
const charge = (kwh: string | Q, price: string, zone: string) => kop(mul(mul(typeof kwh === 'string' ? dec(kwh) : kwh, dec(price)), coefficientOf(zone)));
/** VAT 20 % on a net amount in kopiyky, rounded half up. */
const vat20 = (netMinor: number) => kop(mul(q(BigInt(netMinor), 100n), dec('0.2')));

// --- GraphQL ----------------------------------------------------------------------------------

const money = 'amount currency';

// The gateway's cost limit keeps each document small: an account's bill list and each bill are asked apart.
const accountBillQuery = `query AccountBill($id: ID!, $period: String!) {
  electricityAccount(id: $id) { id accountNumber kind balance { ${money} } latestBill { period issuedOn } bill(period: $period) { ${billFields} } }
}`;
const accountBillsQuery = `query AccountBills($id: ID!) {
  electricityAccount(id: $id) { bills(first: 24) { edges { node { id period } } pageInfo { hasNextPage } } }
}`;

const byNumberQuery = `query ByNumber($number: String!, $period: String!) {
  electricityAccountByNumber(accountNumber: $number) { id accountNumber kind contractNumber bills(first: 24) { edges { node { period } } }
    bill(period: $period) { ${billFields} } }
}`;

const runBilling = `mutation Run($input: RunBillingInput!) {
  runElectricityBilling(input: $input) { run { id period startedAt finishedAt billsIssued estimatedMeters progress { accounts billed failed pending fraction } } }
}`;

const submitAnonymously = `mutation SubmitAnonymously($input: SubmitReadingsAnonymouslyInput!) {
  submitElectricityReadingsAnonymously(input: $input) {
    period acceptedReadings
    preliminaryCharge { period lines { zone quantity unitPrice amount { ${money} } } corrections { ${money} } vat { ${money} } total { ${money} } }
  }
}`;

const quoteQuery = `query Quote($input: TariffQuoteInput!) {
  electricityTariffQuote(input: $input) {
    supplier { id } validFrom
    lines { description zone quantity unitPrice amount { ${money} } }
    vat { ${money} } total { ${money} }
  }
}`;

type Bill = Record<string, any>;
const bills = (account: any): Bill[] => account.bills.edges.map((edge: any) => edge.node);
const linesOf = (bill: Bill, kind: string) => bill.lines.filter((line: any) => line.kind === kind);
const toMinor = (money: { amount: string }) => {
  const value = dec(money.amount);
  return Number((value.n * 100n) / value.d);
};

// --- the demo's meters (demo.ts): start values and monthly use, readings June to October -----

const kyiv = {
  demo: { number: '10234567', serial: 'NIK-2303-0041187', day: { start: 18_432, use: 214 }, night: { start: 7_210, use: 96 } },
};
/** The reading of a demo meter zone closing month `index` (0 = June, 4 = October). */
const demoValue = (zone: { start: number; use: number }, index: number) => zone.start + zone.use * index;

describe('electricity billing: tariff changes, business VAT, the demo\'s missed month', () => {
  let t: TestStack;
  let demoToken: string;
  let kyivOperator: string;
  let odesaOperator: string;
  const ids = { demo: '', lviv: '' };

  /** An account as its holder sees it: one month's bill and every bill in full (newest first, as `bills` lists them). */
  const account = async (id: string, period: string, token: string) => {
    const ask = async (query: string, variables: Record<string, unknown>) =>
      expectNoGraphQLErrors(await t.gql(query, { token, variables: { id, ...variables } })).electricityAccount;
    const main = await ask(accountBillQuery, { period });
    const list = await ask(accountBillsQuery, {});
    const full = [];
    for (const edge of list.bills.edges) {
      const { bill } = await ask(accountBillQuery, { period: edge.node.period });
      expect(bill.id).toBe(edge.node.id);
      full.push({ node: bill });
    }
    return { ...main, bills: { edges: full, pageInfo: list.bills.pageInfo } };
  };
  /** An account an operator looks up by its number, with every bill in full. */
  const byNumber = async (number: string, period: string, token: string) => {
    const ask = async (month: string) =>
      expectNoGraphQLErrors(await t.gql(byNumberQuery, { token, variables: { number, period: month } })).electricityAccountByNumber;
    const main = await ask(period);
    const edges = [];
    for (const edge of main.bills.edges) edges.push({ node: (await ask(edge.node.period)).bill });
    return { ...main, bills: { edges } };
  };
  const run = (token: string, input: Record<string, unknown>) => t.gql(runBilling, { token, variables: { input } });

  beforeAll(async () => {
    t = await startElectricityStack();
    demoToken = await loginAs(t, demoLogins.demo);
    kyivOperator = await loginAs(t, demoLogins.kyivOperator);
    odesaOperator = await loginAs(t, demoLogins.odesaOperator);
    ids.demo = await accountIdOf(t, supplierIds.kyiv, kyiv.demo.number);
    ids.lviv = await accountIdOf(t, supplierIds.lviv, '46-208311');
  });
  afterAll(() => t?.stop());

  it("splits Lviv's October bill at the tariff change on 16 October, each part priced pro rata by days", async () => {
    const lviv = await account(ids.lviv, '2026-10', demoToken);
    const bill = lviv.bill;
    // Three zones: 71 night, 120 half-peak, 64 peak kWh a month (255 in all, over the 250 kWh tier).
    const consumption = [
      { zone: 'NIGHT', kwh: dec(71) },
      { zone: 'HALF_PEAK', kwh: dec(120) },
      { zone: 'PEAK', kwh: dec(64) },
    ];
    const tiered = [{ upTo: '250', price: '2.64' }, { upTo: null, price: '4.32' }];
    const flat = [{ upTo: null, price: '4.32' }];
    const expected = priceMonth(consumption, [{ days: 15, tiers: tiered }, { days: 16, tiers: flat }], 31, true);
    const zoneName: Record<string, string> = { NIGHT: 'Ніч', HALF_PEAK: 'Напівпік', PEAK: 'Пік' };
    const description = (line: ExpectedLine) =>
      line.segment === 0
        ? `Електроенергія, зона «${zoneName[line.zone]}», ${line.tier === 0 ? 'до 250' : 'понад 250'} кВт·год, 01.10–15.10`
        : `Електроенергія, зона «${zoneName[line.zone]}», 16.10–31.10`;

    expect(bill.period).toBe('2026-10');
    expect(linesOf(bill, 'CHARGE')).toEqual(
      expected.map((line) => ({
        kind: 'CHARGE',
        description: description(line),
        zone: line.zone,
        quantity: qty(line.quantity),
        unitPrice: qty(line.unitPrice, 6),
        amount: uah(line.minor),
        correctedPeriod: null,
      })),
    );
    // Worked out by hand as well: e.g. night, first 250 kWh, 1–15 Oct: 250·15/31·71/255 kWh at 2.64 × 0.4.
    expect(expected.map((line) => line.minor)).toEqual([3557, 15028, 12023, 116, 492, 393, 6332, 26756, 21405]);
    expect(bill.charges).toEqual(uah(86_102));
    expect(bill.vat).toBeNull();
    expect(bill.estimated).toBe(false);
    // Printed per meter and zone (in the zones' alphabetical order).
    expect(bill.meterReadings).toEqual(
      [
        ['HALF_PEAK', 9_950, 120],
        ['NIGHT', 4_488, 71],
        ['PEAK', 3_012, 64],
      ].map(([zone, start, use]) => ({
        meterSerialNumber: 'EM-3F-7781204',
        zone,
        previousValue: String((start as number) + (use as number) * 3),
        currentValue: String((start as number) + (use as number) * 4),
        consumption: String(use),
        estimated: false,
      })),
    );

    // September, before the change: one tariff, so tiers but no split by dates.
    const september = bills(lviv).find((candidate) => candidate.period === '2026-09')!;
    const septemberLines = priceMonth(consumption, [{ days: 30, tiers: tiered }], 30, true);
    expect(linesOf(september, 'CHARGE').map((line: any) => [line.description, line.quantity, line.unitPrice, line.amount.amount])).toEqual(
      septemberLines.map((line) => [
        `Електроенергія, зона «${zoneName[line.zone]}», ${line.tier === 0 ? 'до 250' : 'понад 250'} кВт·год`,
        qty(line.quantity),
        qty(line.unitPrice, 6),
        amount(line.minor),
      ]),
    );
    expect(september.charges).toEqual(uah(sumMinor(septemberLines)));
    expect(september.charges).toEqual(uah(65_327));
  });

  it("billed Kyiv 10234567's missed September on an estimate and corrected it in October", async () => {
    const demo = await account(ids.demo, '2026-10', demoToken);
    const september = bills(demo).find((bill) => bill.period === '2026-09')!;
    const october = demo.bill;
    const { day, night } = kyiv.demo;

    // September: no reading, so the average of July and August (the months billed before it).
    expect(september.estimated).toBe(true);
    expect(september.meterReadings).toEqual([
      { meterSerialNumber: kyiv.demo.serial, zone: 'DAY', previousValue: String(demoValue(day, 2)), currentValue: String(demoValue(day, 3)), consumption: '214', estimated: true },
      { meterSerialNumber: kyiv.demo.serial, zone: 'NIGHT', previousValue: String(demoValue(night, 2)), currentValue: String(demoValue(night, 3)), consumption: '96', estimated: true },
    ]);
    expect(september.charges).toEqual(uah(charge('214', '4.32', 'DAY') + charge('96', '4.32', 'NIGHT')));

    // October's real reading: 428 and 192 kWh since August, shared by days (30 September, 31 October).
    const septemberDay = to3(div(mul(dec(428), dec(30)), dec(61)));
    const septemberNight = to3(div(mul(dec(192), dec(30)), dec(61)));
    const octoberDay = sub(dec(428), septemberDay);
    const octoberNight = sub(dec(192), septemberNight);
    expect(october.estimated).toBe(false);
    expect(linesOf(october, 'CHARGE').map((line: any) => [line.zone, line.quantity, line.unitPrice, line.amount])).toEqual([
      ['DAY', qty(octoberDay), '4.32', uah(charge(octoberDay, '4.32', 'DAY'))],
      ['NIGHT', qty(octoberNight), '2.16', uah(charge(octoberNight, '4.32', 'NIGHT'))],
    ]);
    const correction =
      charge(septemberDay, '4.32', 'DAY') + charge(septemberNight, '4.32', 'NIGHT') - (charge('214', '4.32', 'DAY') + charge('96', '4.32', 'NIGHT'));
    expect(correction).toBe(-1855);
    expect(linesOf(october, 'CORRECTION')).toEqual([
      expect.objectContaining({ correctedPeriod: '2026-09', amount: uah(correction), quantity: qty(add(sub(septemberDay, dec(214)), sub(septemberNight, dec(96)))) }),
    ]);
    expect(october.corrections).toEqual(uah(correction));
    // The meter advanced 214 + 214 from August's value; the printed advance is from September's estimate.
    expect(october.meterReadings.map((row: any) => [row.zone, row.previousValue, row.currentValue, row.consumption])).toEqual([
      ['DAY', String(demoValue(day, 3)), String(demoValue(day, 4)), '214'],
      ['NIGHT', String(demoValue(night, 3)), String(demoValue(night, 4)), '96'],
    ]);
  });

  it('adds VAT 20 % to business bills and lets the operator see them by account number', async () => {
    const odesa = await byNumber('OD7700112', '2026-10', odesaOperator);
    expect(odesa).toMatchObject({ accountNumber: 'OD7700112', kind: 'BUSINESS', contractNumber: 'Д-2024/0112' });
    const net = charge('1180', '6.90', 'DAY') + charge('240', '6.90', 'NIGHT');
    expect(net).toBe(897_000);
    expect(linesOf(odesa.bill, 'CHARGE').map((line: any) => [line.zone, line.quantity, line.unitPrice, line.amount.amount])).toEqual([
      ['DAY', '1180', '6.9', '8142.00'],
      ['NIGHT', '240', '3.45', '828.00'],
    ]);
    expect(odesa.bill.charges).toEqual(uah(net));
    expect(odesa.bill.vat).toEqual(uah(vat20(net)));
    expect(linesOf(odesa.bill, 'VAT')).toEqual([expect.objectContaining({ description: 'ПДВ 20%', amount: uah(179_400) })]);
    // Four months of 10764.00 and no payments; the statements chain, their VAT lines included.
    expect(odesa.bill.amountDue).toEqual(uah(4 * (net + vat20(net))));
    expectStatementsChain(bills(odesa));

    // Another supplier's operator finds nothing by that number, and a customer may not look.
    const foreign = await t.gql(byNumberQuery, { token: kyivOperator, variables: { number: 'OD7700112', period: '2026-10' } });
    expect(foreign.errors).toBeUndefined();
    expect(foreign.data!.electricityAccountByNumber).toBeNull();
    expectErrorCode(await t.gql(byNumberQuery, { token: demoToken, variables: { number: 'OD7700112', period: '2026-10' } }), 'FORBIDDEN');
  });

  it("bills Odesa's November business account, read without a login, with VAT on half-up rounded lines", async () => {
    // On 2 December, in Odesa's window: 1234.65 kWh day, 251.3 night.
    const anonymous = expectNoGraphQLErrors(
      await t.gql(submitAnonymously, {
        variables: {
          input: {
            supplierId: supplierIds.odesa,
            accountNumber: 'OD7700112',
            check: 'HOLDER_SURNAME',
            checkValue: 'Приморський сад',
            readings: [
              { meterSerialNumber: 'NIK-2303-0120045', zone: 'DAY', value: String(30_110 + 1_180 * 4 + 1234.65) },
              { meterSerialNumber: 'NIK-2303-0120045', zone: 'NIGHT', value: String(8_420 + 240 * 4 + 251.3) },
            ],
          },
        },
      }),
    ).submitElectricityReadingsAnonymously;
    const net = charge('1234.65', '6.90', 'DAY') + charge('251.3', '6.90', 'NIGHT');
    expect(anonymous).toMatchObject({ period: '2026-11', acceptedReadings: 2, preliminaryCharge: { vat: uah(vat20(net)), total: uah(net + vat20(net)) } });

    t.clock.set('2026-12-07T08:00:00Z'); // Odesa's window closed on 3 December
    const odesaRun = expectNoGraphQLErrors(await run(odesaOperator, { period: '2026-11' })).runElectricityBilling.run;
    expect(odesaRun).toMatchObject({ period: '2026-11', billsIssued: 2, estimatedMeters: 1 });
    expect((await byNumber('OD7700112', '2026-11', odesaOperator)).bill).toBeNull();
    t.clock.set('2026-12-08T08:00:00Z');

    const odesa = await byNumber('OD7700112', '2026-11', odesaOperator);
    const bill = odesa.bill;
    // 1234.65 × 6.90 = 8519.085 → 8519.09 and 251.3 × 3.45 = 866.985 → 866.99 (half up, not to even).
    const day = charge('1234.65', '6.90', 'DAY');
    const night = charge('251.3', '6.90', 'NIGHT');
    expect([day, night]).toEqual([851_909, 86_699]);
    const vat = vat20(day + night);
    expect(vat).toBe(187_722);
    expect(bill.lines).toEqual([
      { kind: 'CHARGE', description: 'Електроенергія, зона «День»', zone: 'DAY', quantity: '1234.65', unitPrice: '6.9', amount: uah(day), correctedPeriod: null },
      { kind: 'CHARGE', description: 'Електроенергія, зона «Ніч»', zone: 'NIGHT', quantity: '251.3', unitPrice: '3.45', amount: uah(night), correctedPeriod: null },
      { kind: 'VAT', description: 'ПДВ 20%', zone: null, quantity: null, unitPrice: null, amount: uah(vat), correctedPeriod: null },
    ]);
    const october = bills(odesa).find((candidate: Bill) => candidate.period === '2026-10')!;
    expect(bill).toMatchObject({
      issuedOn: '2026-12-08',
      estimated: false,
      openingBalance: october.amountDue,
      charges: uah(day + night),
      vat: uah(vat),
      corrections: uah(0),
      payments: uah(0),
      amountDue: uah(toMinor(october.amountDue) + day + night + vat),
    });
    expect(bill.receiptCode).not.toBe(october.receiptCode);

    // The residential Odesa account was estimated and carries no VAT.
    const neighbour = await loginAs(t, demoLogins.neighbour);
    const residential = await account(await accountIdOf(t, supplierIds.odesa, 'OD4412907'), '2026-11', neighbour);
    expect(residential.bill).toMatchObject({ estimated: true, vat: null, charges: uah(charge('150', '4.32', 'SINGLE')) });
    expect(linesOf(residential.bill, 'VAT')).toEqual([]);
  });

});

describe('electricity tariff calculator', () => {
  let t: TestStack;
  const quote = (input: Record<string, unknown>, token?: string) => t.gql(quoteQuery, { token, variables: { input } });
  const zones = (entries: [string, string][]) => entries.map(([zone, value]) => ({ zone, value }));

  beforeAll(async () => {
    t = await startElectricityStack();
  });
  afterAll(() => t?.stop());

  it('prices two and three zones at their coefficients of the tariff in effect today', async () => {
    const two = expectNoGraphQLErrors(await quote({ supplierId: supplierIds.kyiv, consumption: zones([['DAY', '250'], ['NIGHT', '120.7']]) })).electricityTariffQuote;
    expect(two.lines.map((line: any) => [line.zone, line.quantity, line.unitPrice, line.amount])).toEqual([
      ['DAY', '250', '4.32', uah(108_000)],
      ['NIGHT', '120.7', '2.16', uah(charge('120.7', '4.32', 'NIGHT'))],
    ]);
    expect(two.total).toEqual(uah(108_000 + 26_071));

    // Lviv's tariff today (2 December 2026) is the flat 4.32 from 16 October.
    const three = expectNoGraphQLErrors(
      await quote({ supplierId: supplierIds.lviv, consumption: zones([['NIGHT', '100'], ['HALF_PEAK', '150.5'], ['PEAK', '50.25']]) }),
    ).electricityTariffQuote;
    expect(three.validFrom).toBe('2026-10-16');
    const expected = priceMonth(
      [
        { zone: 'NIGHT', kwh: dec('100') },
        { zone: 'HALF_PEAK', kwh: dec('150.5') },
        { zone: 'PEAK', kwh: dec('50.25') },
      ],
      [{ days: 30, tiers: [{ upTo: null, price: '4.32' }] }],
      30,
      true,
    );
    expect(three.lines.map((line: any) => [line.zone, line.quantity, line.unitPrice, line.amount.amount])).toEqual([
      ['NIGHT', '100', '1.728', '172.80'],
      ['HALF_PEAK', '150.5', '4.32', '650.16'],
      ['PEAK', '50.25', '6.48', '325.62'],
    ]);
    expect(three.total).toEqual(uah(sumMinor(expected)));
  });

  it("fills the consumption tiers when the supplier's tariff today has them", async () => {
    t.clock.set('2026-10-01T08:00:00Z'); // Lviv's tiered tariff is in effect until 15 October
    try {
      const tiered = expectNoGraphQLErrors(
        await quote({ supplierId: supplierIds.lviv, consumption: zones([['NIGHT', '100'], ['HALF_PEAK', '150'], ['PEAK', '50']]) }),
      ).electricityTariffQuote;
      expect(tiered.validFrom).toBe('2024-01-01');
      // 300 kWh: the first 250 at 2.64, 50 above at 4.32, each zone in proportion, times its coefficient.
      expect(tiered.lines.map((line: any) => [line.description, line.quantity, line.unitPrice, line.amount.amount])).toEqual([
        ['Електроенергія, зона «Ніч», до 250 кВт·год', '83.333', '1.056', '88.00'],
        ['Електроенергія, зона «Напівпік», до 250 кВт·год', '125', '2.64', '330.00'],
        ['Електроенергія, зона «Пік», до 250 кВт·год', '41.667', '3.96', '165.00'],
        ['Електроенергія, зона «Ніч», понад 250 кВт·год', '16.667', '1.728', '28.80'],
        ['Електроенергія, зона «Напівпік», понад 250 кВт·год', '25', '4.32', '108.00'],
        ['Електроенергія, зона «Пік», понад 250 кВт·год', '8.333', '6.48', '54.00'],
      ]);
      expect(tiered.total).toEqual(uah(77_380));

      const under = expectNoGraphQLErrors(await quote({ supplierId: supplierIds.lviv, consumption: zones([['SINGLE', '250']]) })).electricityTariffQuote;
      expect(under.total).toEqual(uah(66_000));
      const over = expectNoGraphQLErrors(await quote({ supplierId: supplierIds.lviv, consumption: zones([['SINGLE', '300']]) })).electricityTariffQuote;
      expect(over.total).toEqual(uah(66_000 + 21_600));
    } finally {
      t.clock.set('2026-12-02T08:00:00Z');
    }
  });

  it('adds VAT for business accounts', async () => {
    const input = { supplierId: supplierIds.odesa, accountKind: 'BUSINESS', consumption: zones([['DAY', '1234.65'], ['NIGHT', '251.3']]) };
    const business = expectNoGraphQLErrors(await quote(input)).electricityTariffQuote;
    const net = 851_909 + 86_699;
    expect(business.lines.map((line: any) => [line.zone, line.unitPrice, line.amount])).toEqual([
      ['DAY', '6.9', uah(851_909)],
      ['NIGHT', '3.45', uah(86_699)],
    ]);
    expect(business.vat).toEqual(uah(vat20(net)));
    expect(business.total).toEqual(uah(net + 187_722));

    const residential = expectNoGraphQLErrors(
      await quote({ supplierId: supplierIds.odesa, accountKind: 'RESIDENTIAL', consumption: zones([['SINGLE', '100']]) }),
    ).electricityTariffQuote;
    expect(residential).toMatchObject({ vat: null, total: uah(43_200) });

    // Kyiv-energo's business tariff is 7.20 per kWh, and VAT is 20 % there too.
    const kyivBusiness = expectNoGraphQLErrors(await quote({ supplierId: supplierIds.kyiv, accountKind: 'BUSINESS', consumption: zones([['SINGLE', '10.5']]) }))
      .electricityTariffQuote;
    expect(kyivBusiness).toMatchObject({ vat: uah(1_512), total: uah(7_560 + 1_512) });
  });
});
