import { randomUUID } from 'node:crypto';
import { expectErrorCode, expectNoGraphQLErrors, type GraphQLResponse, type TestStack } from '@kabinet/testing';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdOf, demoLogins, loginAs, newCustomer, startElectricityStack, supplierIds, tables } from './testing/e2e';

// Electricity meter readings end to end, through the gateway, as the cabinet app and the
// "submit without registering" page send them. Expected money is computed here, with exact
// integer arithmetic, from the demo tariffs (DESIGN.md §4; demo.ts), not by the product's code.

const chargeFields = `period lines { zone quantity unitPrice amount { amount currency } }
  corrections { amount currency } vat { amount currency } total { amount currency }`;
const submitMutation = `mutation Submit($input: SubmitReadingsInput!) { submitElectricityReadings(input: $input) {
  account { id } readings { zone value period readAt source } preliminaryCharge { ${chargeFields} } } }`;
const anonymousMutation = `mutation SubmitAnonymously($input: SubmitReadingsAnonymouslyInput!) {
  submitElectricityReadingsAnonymously(input: $input) { period acceptedReadings preliminaryCharge { ${chargeFields} } } }`;
// `first` as a variable, as the app sends it (the gateway's cost limit multiplies a literal `first`).
const accountQuery = `query Account($id: ID!, $first: Int = 100) { electricityAccount(id: $id) { readingWindow { period opensOn closesOn isOpen }
  meters { id serialNumber zones readings(first: $first) { edges { node { zone value period readAt source } } } } } }`;
const byNumberQuery = `query ByNumber($number: String!, $first: Int = 100) { electricityAccountByNumber(accountNumber: $number) {
  meters { serialNumber readings(first: $first) { edges { node { zone value period source } } } } } }`;

// --- independent arithmetic -----------------------------------------------------------------
const scaled = (value: string, places: number) => {
  const [whole, fraction = ''] = value.split('.');
  return BigInt(whole! + fraction.padEnd(places, '0'));
};
/** quantity (kWh, 3 decimals) × unit price (6 decimals), rounded half up to kopiyky. */
const lineMinor = (quantity: string, unitPrice: string) => (scaled(quantity, 3) * scaled(unitPrice, 6) + 5_000_000n) / 10_000_000n;
const uah = (minor: bigint) => {
  const abs = minor < 0n ? -minor : minor;
  return { amount: `${minor < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`, currency: 'UAH' };
};

type ExpectedLine = [zone: string, quantity: string, unitPrice: string];

/** The preliminary charge: one line per zone entered, no correction, VAT only for business accounts. */
function expectPreliminary(charge: any, period: string, lines: ExpectedLine[], vatPercent = 0) {
  const net = lines.reduce((sum, [, quantity, price]) => sum + lineMinor(quantity, price), 0n);
  const vat = (net * BigInt(vatPercent) + 50n) / 100n;
  const actual = [...charge.lines].sort((a: any, b: any) => lines.findIndex(([z]) => z === a.zone) - lines.findIndex(([z]) => z === b.zone));
  expect(charge.period).toBe(period);
  expect(actual).toEqual(lines.map(([zone, quantity, unitPrice]) => ({ zone, quantity, unitPrice, amount: uah(lineMinor(quantity, unitPrice)) })));
  expect(charge.corrections).toEqual(uah(0n));
  expect(charge.vat).toEqual(vatPercent ? uah(vat) : null);
  expect(charge.total).toEqual(uah(net + vat));
}

// Demo values closing October 2026 (demo.ts: start values + 4 months of use).
const kyivOctober = { DAY: 18_432 + 4 * 214, NIGHT: 7_210 + 4 * 96 }; // 19288, 7594 (September was estimated)
const lvivOctober = { NIGHT: 4_488 + 4 * 71, HALF_PEAK: 9_950 + 4 * 120, PEAK: 3_012 + 4 * 64 }; // 4772, 10430, 3268
const odesaOctober = { SINGLE: 2_340 + 4 * 150 }; // 2940

interface Meter { id: string; serialNumber: string; zones: string[]; readings: { zone: string; value: string; period: string; readAt: string; source: string }[] }

async function metersOf(t: TestStack, token: string, accountId: string) {
  const { electricityAccount } = expectNoGraphQLErrors(await t.gql(accountQuery, { token, variables: { id: accountId } }));
  return {
    window: electricityAccount.readingWindow,
    meters: electricityAccount.meters.map((meter: any) => ({ ...meter, readings: meter.readings.edges.map((edge: any) => edge.node) })) as Meter[],
  };
}

/** `zone → value (source)` of one month of a meter's history; every zone at most once. */
function month(meter: { readings: { zone: string; value: string; period: string; source: string }[] }, period: string) {
  const rows = meter.readings.filter((reading) => reading.period === period);
  expect(new Set(rows.map((row) => row.zone)).size, JSON.stringify(rows)).toBe(rows.length);
  return Object.fromEntries(rows.map((row) => [row.zone, `${row.value} (${row.source})`]));
}

const entries = (meter: Meter, values: Record<string, string | number>) =>
  Object.entries(values).map(([zone, value]) => ({ meterId: meter.id, zone, value: String(value) }));

describe('Reading windows, judged on the supplier\'s calendar (Europe/Kyiv)', () => {
  let t: TestStack;
  const holders: Record<string, string> = {};
  const accounts: Record<string, { id: string; meter: Meter; token: string }> = {};

  beforeAll(async () => {
    t = await startElectricityStack();
    holders.demo = await loginAs(t, demoLogins.demo);
    holders.neighbour = await loginAs(t, demoLogins.neighbour);
    for (const [key, number, token] of [['kyiv', '10234567', holders.demo], ['lviv', '46-208311', holders.demo], ['odesa', 'OD4412907', holders.neighbour]] as const) {
      const id = await accountIdOf(t, supplierIds[key], number);
      accounts[key] = { id, token: token!, meter: (await metersOf(t, token!, id)).meters[0]! };
    }
  });
  afterAll(() => t?.stop());

  const submitAt = (key: string, instant: string, increment: number) => {
    t.clock.set(instant);
    const { id, meter, token } = accounts[key]!;
    const base = { kyiv: kyivOctober, lviv: lvivOctober, odesa: odesaOctober }[key] as Record<string, number>;
    const values = Object.fromEntries(meter.zones.map((zone) => [zone, base[zone]! + increment]));
    return t.gql(submitMutation, { token, variables: { input: { accountId: id, readings: entries(meter, values) } } });
  };

  it.each([
    { key: 'kyiv', name: 'Kyiv-energo (days 1–5)', lastDay: '2026-12-05', nextCloses: '2027-01-05' },
    { key: 'lviv', name: 'Lviv (days 1–7)', lastDay: '2026-12-07', nextCloses: '2027-01-07' },
    { key: 'odesa', name: 'Odesa (days 1–3)', lastDay: '2026-12-03', nextCloses: '2027-01-03' },
  ])('$name: accepted until 23:59 Kyiv time on the last day, refused from 00:00 with the next opening date', async ({ key, lastDay, nextCloses }) => {
    // 23:30 and 23:59 in Kyiv (UTC+2 in December) on the last day: still open.
    for (const [instant, increment] of [[`${lastDay}T21:30:00Z`, 10], [`${lastDay}T21:59:00Z`, 20]] as const) {
      const data = expectNoGraphQLErrors(await submitAt(key, instant, increment)).submitElectricityReadings;
      expect(data.preliminaryCharge.period).toBe('2026-11');
      expect(data.readings.map((reading: any) => reading.period)).toEqual(accounts[key]!.meter.zones.map(() => '2026-11'));
    }
    const open = await metersOf(t, accounts[key]!.token, accounts[key]!.id);
    expect(open.window).toEqual({ period: '2026-11', opensOn: '2026-12-01', closesOn: lastDay, isOpen: true });

    // 00:01 and 00:10 the next day in Kyiv, still the same day in UTC: closed.
    for (const instant of [`${lastDay}T22:01:00Z`, `${lastDay}T22:10:00Z`]) {
      const error = expectErrorCode(await submitAt(key, instant, 30), 'READING_WINDOW_CLOSED');
      expect(error.extensions).toMatchObject({ opensOn: '2027-01-01', closesOn: nextCloses, period: '2026-12' });
    }
    const closed = await metersOf(t, accounts[key]!.token, accounts[key]!.id);
    expect(closed.window).toEqual({ period: '2026-12', opensOn: '2027-01-01', closesOn: nextCloses, isOpen: false });
    // The refused submission stored nothing: November keeps the 23:59 values.
    const base = { kyiv: kyivOctober, lviv: lvivOctober, odesa: odesaOctober }[key] as Record<string, number>;
    expect(month(closed.meters[0]!, '2026-11')).toEqual(
      Object.fromEntries(accounts[key]!.meter.zones.map((zone) => [zone, `${base[zone]! + 20} (PORTAL)`])),
    );
  });

  it('opens at 00:00 Kyiv time on the 1st: 23:59 on 30 November is refused, 00:01 on 1 December accepted', async () => {
    const refused = expectErrorCode(await submitAt('kyiv', '2026-11-30T21:59:00Z', 5), 'READING_WINDOW_CLOSED');
    expect(refused.extensions).toMatchObject({ opensOn: '2026-12-01', closesOn: '2026-12-05', period: '2026-11' });
    expectNoGraphQLErrors(await submitAt('kyiv', '2026-11-30T22:01:00Z', 5));
  });

  it('refuses a submission without a login outside the window too, naming the next opening date', async () => {
    t.clock.set('2026-12-10T10:00:00Z');
    const response = await t.gql(anonymousMutation, {
      variables: { input: { supplierId: supplierIds.kyiv, accountNumber: '10987654', check: 'HOLDER_SURNAME', checkValue: 'Ковальчук', readings: [{ meterSerialNumber: 'GAMA-100-552310', zone: 'SINGLE', value: '6000' }] } },
    });
    expect(expectErrorCode(response, 'READING_WINDOW_CLOSED').extensions).toMatchObject({ opensOn: '2027-01-01' });
  });

  it('corrects an estimated month in the preliminary charge of the next real reading', async () => {
    // 10987654 (180 kWh a month, 5840 closing October) sends nothing for November: billed on an estimate.
    const operator = await loginAs(t, demoLogins.kyivOperator);
    t.clock.set('2026-12-08T10:00:00Z');
    const run = await t.gql(`mutation { runElectricityBilling(input: { period: "2026-11" }) { run { billsIssued estimatedMeters } } }`, { token: operator });
    expect(expectNoGraphQLErrors(run).runElectricityBilling.run).toEqual({ billsIssued: 2, estimatedMeters: 1 });

    t.clock.set('2027-01-02T08:00:00Z');
    const response = await t.gql(anonymousMutation, {
      variables: { input: { supplierId: supplierIds.kyiv, accountNumber: '10987654', check: 'HOLDER_SURNAME', checkValue: 'Ковальчук', readings: [{ meterSerialNumber: 'GAMA-100-552310', zone: 'SINGLE', value: '6200' }] } },
    });
    const charge = expectNoGraphQLErrors(response).submitElectricityReadingsAnonymously.preliminaryCharge;
    // 360 kWh since October over November (30 days) and December (31): 177.049 and 182.951.
    // December: 182.951 × 4.32 = 790.34832 → 790.35. November re-priced: 177.049 × 4.32 = 764.85 instead of 180 × 4.32 = 777.60.
    expect(charge.period).toBe('2026-12');
    expect(charge.lines).toEqual([{ zone: 'SINGLE', quantity: '182.951', unitPrice: '4.32', amount: uah(lineMinor('182.951', '4.32')) }]);
    expect(charge.corrections).toEqual(uah(lineMinor('177.049', '4.32') - lineMinor('180', '4.32')));
    expect(charge.corrections.amount).toBe('-12.75');
    expect(charge.vat).toBeNull();
    expect(charge.total.amount).toBe('777.60');
  });
});

describe('Submitting readings through the portal', () => {
  let t: TestStack;
  let demo: string;
  let kyiv: { id: string; meter: Meter };
  let lviv: { id: string; meter: Meter };
  const submit = (accountId: string, readings: unknown[], options: { token?: string; confirmUnusual?: boolean } = {}) =>
    t.gql(submitMutation, { token: 'token' in options ? options.token : demo, variables: { input: { accountId, readings, ...(options.confirmUnusual === undefined ? {} : { confirmUnusual: options.confirmUnusual }) } } });
  const kyivNovember = async () => month((await metersOf(t, demo, kyiv.id)).meters[0]!, '2026-11');

  beforeAll(async () => {
    t = await startElectricityStack();
    demo = await loginAs(t, demoLogins.demo);
    for (const [key, supplierId, number] of [['kyiv', supplierIds.kyiv, '10234567'], ['lviv', supplierIds.lviv, '46-208311']] as const) {
      const id = await accountIdOf(t, supplierId, number);
      const account = { id, meter: (await metersOf(t, demo, id)).meters[0]! };
      if (key === 'kyiv') kyiv = account;
      else lviv = account;
    }
  });
  afterAll(() => t?.stop());

  it('refuses a reading below the previous one, naming it, and stores none of the submission', async () => {
    const day = expectErrorCode(await submit(kyiv.id, entries(kyiv.meter, { DAY: '19287.999', NIGHT: 7700 })), 'READING_BELOW_PREVIOUS');
    expect(day.extensions).toMatchObject({ meterId: kyiv.meter.id, zone: 'DAY', previousValue: '19288', previousPeriod: '2026-10' });
    // DAY is fine here, NIGHT is not: DAY must not be stored either.
    const night = expectErrorCode(await submit(kyiv.id, entries(kyiv.meter, { DAY: 19300, NIGHT: 7593 })), 'READING_BELOW_PREVIOUS');
    expect(night.extensions).toMatchObject({ zone: 'NIGHT', previousValue: '7594' });
    expect(await kyivNovember()).toEqual({});
  });

  it('wants every zone of a meter once, of a meter of this account in service (INVALID_READING)', async () => {
    const valid = { meterId: kyiv.meter.id, zone: 'DAY', value: '19300' };
    const night = { meterId: kyiv.meter.id, zone: 'NIGHT', value: '7600' };
    const missing = expectErrorCode(await submit(kyiv.id, [valid]), 'INVALID_READING');
    expect(missing.extensions).toMatchObject({ missingZones: ['NIGHT'] });
    for (const readings of [
      [],
      [valid, valid, night],
      [valid, night, { ...night, zone: 'SINGLE' }],
      [valid, night, { meterId: randomUUID(), zone: 'SINGLE', value: '1' }],
      [valid, night, ...entries(lviv.meter, { NIGHT: 4800, HALF_PEAK: 10500, PEAK: 3300 })], // the holder's Lviv meter
      [{ ...valid, meterId: 'not-a-meter' }, { ...night, meterId: 'not-a-meter' }],
    ]) {
      expectErrorCode(await submit(kyiv.id, readings), 'INVALID_READING');
    }
    expect(await kyivNovember()).toEqual({});
  });

  it.each(['-19300', '1e5', '19 300', '19,300.5', '19300,1234', '19300.1234', '', 'abc', '0x4B64', 'NaN', '1000000', '19300.'])(
    'refuses the malformed value %j',
    async (value) => {
      expectErrorCode(await submit(kyiv.id, [{ meterId: kyiv.meter.id, zone: 'DAY', value }, { meterId: kyiv.meter.id, zone: 'NIGHT', value: '7600' }]), 'INVALID_READING');
      expect(await kyivNovember()).toEqual({});
    },
  );

  it('lets only the holder submit: another customer, staff and strangers are refused, nothing is stored', async () => {
    const readings = entries(kyiv.meter, { DAY: 19300, NIGHT: 7600 });
    const neighbour = await loginAs(t, demoLogins.neighbour);
    const operator = await loginAs(t, demoLogins.kyivOperator);
    for (const token of [neighbour, (await newCustomer(t)).token, operator]) expectErrorCode(await submit(kyiv.id, readings, { token }), 'FORBIDDEN');
    expectErrorCode(await submit(kyiv.id, readings, { token: undefined }), 'UNAUTHENTICATED');
    expectErrorCode(await submit(randomUUID(), readings), 'ACCOUNT_NOT_FOUND');
    expectErrorCode(await submit('not-an-account', readings), 'ACCOUNT_NOT_FOUND');
    expect(await kyivNovember()).toEqual({});
  });

  it('answers with the readings as stored and a preliminary charge: Kyiv two-zone, DAY ×1.0 and NIGHT ×0.5 of 4.32', async () => {
    // 213.457 kWh by day at 4.32 = 922.13424 → 922.13; 95.5 kWh by night at 2.16 = 206.28. No correction:
    // October's real reading already corrected September's estimate.
    const data = expectNoGraphQLErrors(await submit(kyiv.id, entries(kyiv.meter, { DAY: '19501.457', NIGHT: '7689.5' }))).submitElectricityReadings;
    expectPreliminary(data.preliminaryCharge, '2026-11', [['DAY', '213.457', '4.32'], ['NIGHT', '95.5', '2.16']]);
    expect(data.preliminaryCharge.total.amount).toBe('1128.41');
    expect(data.account.id).toBe(kyiv.id);
    expect(data.readings.map((reading: any) => ({ ...reading, readAt: new Date(reading.readAt).toISOString() })).sort((a: any, b: any) => a.zone.localeCompare(b.zone))).toEqual([
      { zone: 'DAY', value: '19501.457', period: '2026-11', readAt: '2026-12-02T08:00:00.000Z', source: 'PORTAL' },
      { zone: 'NIGHT', value: '7689.5', period: '2026-11', readAt: '2026-12-02T08:00:00.000Z', source: 'PORTAL' },
    ]);
  });

  it('replaces the earlier reading when submitted again in the same window', async () => {
    t.clock.set('2026-12-03T12:00:00Z');
    const data = expectNoGraphQLErrors(await submit(kyiv.id, entries(kyiv.meter, { DAY: 19488, NIGHT: 7694 }))).submitElectricityReadings;
    expectPreliminary(data.preliminaryCharge, '2026-11', [['DAY', '200', '4.32'], ['NIGHT', '100', '2.16']]);
    expect(data.preliminaryCharge.total.amount).toBe('1080.00');
    const [meter] = (await metersOf(t, demo, kyiv.id)).meters;
    expect(month(meter!, '2026-11')).toEqual({ DAY: '19488 (PORTAL)', NIGHT: '7694 (PORTAL)' });
    expect(meter!.readings.filter((reading) => reading.period === '2026-11').map((reading) => new Date(reading.readAt).toISOString())).toEqual([
      '2026-12-03T12:00:00.000Z',
      '2026-12-03T12:00:00.000Z',
    ]);
    // Six months (June to November), two zones each, September's estimate included.
    expect(meter!.readings).toHaveLength(12);
  });

  it('takes a reading typed with a decimal comma, as people type it in Ukraine', async () => {
    const data = expectNoGraphQLErrors(await submit(kyiv.id, entries(kyiv.meter, { DAY: '19488,5', NIGHT: '7694,25' }))).submitElectricityReadings;
    expect(data.readings.map((reading: any) => `${reading.zone} ${reading.value}`).sort()).toEqual(['DAY 19488.5', 'NIGHT 7694.25']);
    expectPreliminary(data.preliminaryCharge, '2026-11', [['DAY', '200.5', '4.32'], ['NIGHT', '100.25', '2.16']]);
    // Restores the reading the next tests expect.
    expectNoGraphQLErrors(await submit(kyiv.id, entries(kyiv.meter, { DAY: 19488, NIGHT: 7694 })));
  });

  it('wants confirmUnusual for a consumption above the plausible limit, and stores nothing without it', async () => {
    // The supplier's floor is 1000 kWh a month (and three times the usual, about 214 kWh by day).
    const unusual = expectErrorCode(await submit(kyiv.id, entries(kyiv.meter, { DAY: '20288.001', NIGHT: 7694 })), 'UNUSUAL_CONSUMPTION');
    expect(unusual.extensions?.readings).toEqual([{ meterId: kyiv.meter.id, serialNumber: 'NIK-2303-0041187', zone: 'DAY', monthlyConsumption: '1000.001' }]);
    expectErrorCode(await submit(kyiv.id, entries(kyiv.meter, { DAY: 20788, NIGHT: 7694 }), { confirmUnusual: false }), 'UNUSUAL_CONSUMPTION');
    expect(await kyivNovember()).toEqual({ DAY: '19488 (PORTAL)', NIGHT: '7694 (PORTAL)' });

    const atFloor = expectNoGraphQLErrors(await submit(kyiv.id, entries(kyiv.meter, { DAY: 20288, NIGHT: 7694 }))).submitElectricityReadings;
    expectPreliminary(atFloor.preliminaryCharge, '2026-11', [['DAY', '1000', '4.32'], ['NIGHT', '100', '2.16']]);
    const confirmed = expectNoGraphQLErrors(await submit(kyiv.id, entries(kyiv.meter, { DAY: 20788, NIGHT: 7694 }), { confirmUnusual: true })).submitElectricityReadings;
    expectPreliminary(confirmed.preliminaryCharge, '2026-11', [['DAY', '1500', '4.32'], ['NIGHT', '100', '2.16']]);
    expect(confirmed.preliminaryCharge.total.amount).toBe('6696.00');
    expect(await kyivNovember()).toEqual({ DAY: '20788 (PORTAL)', NIGHT: '7694 (PORTAL)' });
  });

  it('prices Lviv\'s three-zone meter at NIGHT 0.4, HALF_PEAK 1.0 and PEAK 1.5 of the flat 4.32 in force since 16 October', async () => {
    const values = { NIGHT: lvivOctober.NIGHT + 70, HALF_PEAK: `${lvivOctober.HALF_PEAK + 121}.5`, PEAK: `${lvivOctober.PEAK + 64}.25` };
    const data = expectNoGraphQLErrors(await submit(lviv.id, entries(lviv.meter, values))).submitElectricityReadings;
    // 70 × 1.728 = 120.96; 121.5 × 4.32 = 524.88; 64.25 × 6.48 = 416.34.
    expectPreliminary(data.preliminaryCharge, '2026-11', [['NIGHT', '70', '1.728'], ['HALF_PEAK', '121.5', '4.32'], ['PEAK', '64.25', '6.48']]);
    expect(data.preliminaryCharge.total.amount).toBe('1062.18');
  });

  it('takes a lower value as a rollover only at the meter\'s digit capacity (999999 → 0)', async () => {
    // No API sets a meter's value near its capacity: a holder's account with one, arranged in the DB.
    const customer = await newCustomer(t);
    const db = t.stack.database.db;
    const accountId = randomUUID();
    const meterId = randomUUID();
    await db.insert(tables.accounts).values({ id: accountId, supplierId: supplierIds.kyiv, accountNumber: '10999001', address: 'м. Київ, вул. Тестова, 1', holderSurname: 'Тестенко', currency: 'UAH', holderUserId: customer.userId });
    await db.insert(tables.meters).values({ id: meterId, accountId, serialNumber: 'ROLL-6D-0001', zones: ['SINGLE'], digits: 6, installedOn: '2020-01-01', lastVerifiedOn: '2020-01-01', verificationIntervalYears: 16 });
    await db.insert(tables.readings).values({ meterId, zone: 'SINGLE', period: '2026-10-01', value: '999950.000', readAt: new Date('2026-11-02T08:00:00Z'), source: 'PORTAL' });
    const token = customer.token;

    // 500000 is lower and far from a rollover: refused.
    expectErrorCode(await submit(accountId, [{ meterId, zone: 'SINGLE', value: '500000' }], { token }), 'READING_BELOW_PREVIOUS');
    // 999950 → 999999.999 → 0 → 120: 170 kWh at 4.32 = 734.40.
    const data = expectNoGraphQLErrors(await submit(accountId, [{ meterId, zone: 'SINGLE', value: '120' }], { token })).submitElectricityReadings;
    expectPreliminary(data.preliminaryCharge, '2026-11', [['SINGLE', '170', '4.32']]);
    expect(data.preliminaryCharge.total.amount).toBe('734.40');
    expect(month((await metersOf(t, token, accountId)).meters[0]!, '2026-11')).toEqual({ SINGLE: '120 (PORTAL)' });
  });
});

describe('Submitting readings without a login', () => {
  let t: TestStack;
  let operator: string;
  // Behind a trusted proxy, each test comes from its own client address.
  const anonymously = (ip: string, input: Record<string, unknown>) =>
    t.gql(anonymousMutation, { variables: { input: { supplierId: supplierIds.kyiv, ...input } }, headers: { 'x-forwarded-for': ip } });
  const kovalchuk = (value: string, check = { check: 'HOLDER_SURNAME', checkValue: 'Ковальчук' }) => ({
    accountNumber: '10987654', ...check, readings: [{ meterSerialNumber: 'GAMA-100-552310', zone: 'SINGLE', value }],
  });
  const historyByOperator = async (accountNumber: string) => {
    const { electricityAccountByNumber } = expectNoGraphQLErrors(await t.gql(byNumberQuery, { token: operator, variables: { number: accountNumber } }));
    return { readings: electricityAccountByNumber.meters[0].readings.edges.map((edge: any) => edge.node) };
  };
  const gamaOctober = 5_120 + 4 * 180; // 5840

  beforeAll(async () => {
    t = await startElectricityStack({ env: { TRUST_PROXY: 'true' } });
    operator = await loginAs(t, demoLogins.kyivOperator);
  });
  afterAll(() => t?.stop());

  it('accepts the account number with the holder\'s surname, answers with a preliminary charge, and stores the reading as ANONYMOUS', async () => {
    const data = expectNoGraphQLErrors(await anonymously('203.0.113.1', kovalchuk('6020.5', { check: 'HOLDER_SURNAME', checkValue: ' ковальчук ' })))
      .submitElectricityReadingsAnonymously;
    expect(data).toMatchObject({ period: '2026-11', acceptedReadings: 1 });
    expectPreliminary(data.preliminaryCharge, '2026-11', [['SINGLE', '180.5', '4.32']]); // 779.76
    expect(data.preliminaryCharge.total.amount).toBe('779.76');
    expect(month(await historyByOperator('10987654'), '2026-11')).toEqual({ SINGLE: '6020.5 (ANONYMOUS)' });
  });

  it('accepts the address as printed (punctuation aside) instead, replacing the earlier reading of the window', async () => {
    const data = expectNoGraphQLErrors(await anonymously('203.0.113.1', kovalchuk('6000', { check: 'ADDRESS', checkValue: 'м Київ просп. Перемоги 7 кв 3' })))
      .submitElectricityReadingsAnonymously;
    expectPreliminary(data.preliminaryCharge, '2026-11', [['SINGLE', `${6000 - gamaOctober}`, '4.32']]);
    expect(month(await historyByOperator('10987654'), '2026-11')).toEqual({ SINGLE: '6000 (ANONYMOUS)' });
  });

  it('gives one answer, ACCOUNT_CHECK_FAILED, for a wrong check and for an unknown account, and stores nothing', async () => {
    const wrongSurname = await anonymously('203.0.113.2', kovalchuk('6100', { check: 'HOLDER_SURNAME', checkValue: 'Демченко' }));
    const wrongAddress = await anonymously('203.0.113.2', kovalchuk('6100', { check: 'ADDRESS', checkValue: 'м. Київ, просп. Перемоги, 7, кв. 4' }));
    const unknown = await anonymously('203.0.113.2', { ...kovalchuk('6100'), accountNumber: '19999999' });
    const answers = [wrongSurname, wrongAddress, unknown].map((response: GraphQLResponse) => {
      const { message, extensions } = expectErrorCode(response, 'ACCOUNT_CHECK_FAILED');
      return { message, extensions };
    });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(month(await historyByOperator('10987654'), '2026-11')).toEqual({ SINGLE: '6000 (ANONYMOUS)' });
  });

  it('shows the holder a reading submitted without a login as ANONYMOUS, priced like one from the portal', async () => {
    const demo = await loginAs(t, demoLogins.demo);
    const accountId = await accountIdOf(t, supplierIds.kyiv, '10234567');
    const data = expectNoGraphQLErrors(await anonymously('203.0.113.3', {
      accountNumber: '1023 4567', check: 'HOLDER_SURNAME', checkValue: 'Демченко',
      readings: [{ meterSerialNumber: 'NIK-2303-0041187', zone: 'NIGHT', value: '7694' }, { meterSerialNumber: 'NIK-2303-0041187', zone: 'DAY', value: '19488' }],
    })).submitElectricityReadingsAnonymously;
    expect(data.acceptedReadings).toBe(2);
    expectPreliminary(data.preliminaryCharge, '2026-11', [['DAY', '200', '4.32'], ['NIGHT', '100', '2.16']]);
    expect(month((await metersOf(t, demo, accountId)).meters[0]!, '2026-11')).toEqual({ DAY: '19488 (ANONYMOUS)', NIGHT: '7694 (ANONYMOUS)' });
  });

  it('applies the same rules as the portal: unknown serial, missing zone, lower value, unusual consumption', async () => {
    const ip = '203.0.113.4';
    expectErrorCode(await anonymously(ip, { ...kovalchuk('6100'), readings: [{ meterSerialNumber: 'NO-SUCH-METER', zone: 'SINGLE', value: '6100' }] }), 'INVALID_READING');
    expectErrorCode(await anonymously(ip, kovalchuk('5839.999')), 'READING_BELOW_PREVIOUS');
    expectErrorCode(await anonymously(ip, kovalchuk('7000')), 'UNUSUAL_CONSUMPTION'); // 1160 kWh
    expectErrorCode(await anonymously(ip, kovalchuk('6000,1234')), 'INVALID_READING');
    expect(month(await historyByOperator('10987654'), '2026-11')).toEqual({ SINGLE: '6000 (ANONYMOUS)' });
  });

  it('adds VAT to a business account\'s preliminary charge (Odesa, 20%)', async () => {
    // OD7700112 uses about 1180 kWh by day: 2000 is above the floor but not three times the usual.
    const response = await t.gql(anonymousMutation, {
      headers: { 'x-forwarded-for': '203.0.113.5' },
      variables: { input: { supplierId: supplierIds.odesa, accountNumber: 'OD7700112', check: 'HOLDER_SURNAME', checkValue: 'Приморський сад', readings: [
        { meterSerialNumber: 'NIK-2303-0120045', zone: 'DAY', value: String(30_110 + 4 * 1_180 + 2_000) },
        { meterSerialNumber: 'NIK-2303-0120045', zone: 'NIGHT', value: String(8_420 + 4 * 240 + 240) },
      ] } },
    });
    const data = expectNoGraphQLErrors(response).submitElectricityReadingsAnonymously;
    // 2000 × 6.90 = 13800.00; 240 × 3.45 = 828.00; VAT 20% of 14628.00 = 2925.60.
    expectPreliminary(data.preliminaryCharge, '2026-11', [['DAY', '2000', '6.9'], ['NIGHT', '240', '3.45']], 20);
    expect(data.preliminaryCharge.total.amount).toBe('17553.60');
  });

  it('allows 10 submissions a day per account, from any address (RATE_LIMITED after), counting failed checks', async () => {
    const gnatiuk = (value: string, checkValue = 'Гнатюк') => ({
      supplierId: supplierIds.lviv, accountNumber: '46-100200', check: 'HOLDER_SURNAME', checkValue, readings: [{ meterSerialNumber: 'NIK-2102-0077341', zone: 'SINGLE', value }],
    });
    const october = 12_004 + 4 * 265; // 13064
    expectNoGraphQLErrors(await anonymously('203.0.113.6', gnatiuk(String(october + 236))));
    for (let attempt = 2; attempt <= 10; attempt++) expectErrorCode(await anonymously(`203.0.113.${attempt + 5}`, gnatiuk('13400', 'Іваненко')), 'ACCOUNT_CHECK_FAILED');
    for (const ip of ['203.0.113.6', '198.51.100.77']) {
      const limited = expectErrorCode(await anonymously(ip, gnatiuk('13400')), 'RATE_LIMITED');
      expect(limited.extensions?.retryAfterSeconds).toBeGreaterThan(0);
      expect(limited.extensions?.retryAfterSeconds).toBeLessThanOrEqual(24 * 3600);
    }
    // No Lviv operator in the demo and no holder of 46-100200: the stored reading is checked in the DB.
    const stored = await t.stack.database.db
      .select({ value: tables.readings.value, source: tables.readings.source })
      .from(tables.readings)
      .innerJoin(tables.meters, eq(tables.meters.id, tables.readings.meterId))
      .where(and(eq(tables.meters.serialNumber, 'NIK-2102-0077341'), eq(tables.readings.period, '2026-11-01')));
    expect(stored).toEqual([{ value: '13300.000', source: 'ANONYMOUS' }]);
  });

  it('allows 30 submissions an hour per client address (RATE_LIMITED after), whatever the accounts', async () => {
    const ip = '192.0.2.30';
    for (let attempt = 1; attempt <= 30; attempt++) {
      expectErrorCode(await anonymously(ip, { ...kovalchuk('6100'), accountNumber: String(19_000_000 + attempt) }), 'ACCOUNT_CHECK_FAILED');
    }
    expectErrorCode(await anonymously(ip, kovalchuk('6100')), 'RATE_LIMITED');
    expect(month(await historyByOperator('10987654'), '2026-11')).toEqual({ SINGLE: '6000 (ANONYMOUS)' });
    // Another address is not held back.
    expectNoGraphQLErrors(await anonymously('192.0.2.31', kovalchuk('6100')));
    expect(month(await historyByOperator('10987654'), '2026-11')).toEqual({ SINGLE: '6100 (ANONYMOUS)' });
  });
});
