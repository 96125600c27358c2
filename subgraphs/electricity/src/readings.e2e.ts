import { randomUUID } from 'node:crypto';
import { expectErrorCode, expectNoGraphQLErrors, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdOf, demoLogins, loginAs, newCustomer, startElectricityStack, supplierIds, tables } from './testing/e2e';

// What only electricity's readings have, end to end through the gateway: kWh prices by zone
// (three zones in Lviv), VAT on a business account's preliminary charge, a meter rolling over at
// its digit capacity, an estimate corrected by the next real reading, and meter verification
// dates. The shared cabinet's reading rules run for every utility in
// packages/utility-core/src/testing/cabinet-readings.ts (subgraphs/electricity/src/cabinet.e2e.ts).
// Expected money is computed here, with exact integer arithmetic, from the demo tariffs (demo.ts).

const chargeFields = `period lines { zone quantity unitPrice amount { amount currency } }
  corrections { amount currency } vat { amount currency } total { amount currency }`;
const submitMutation = `mutation Submit($input: SubmitReadingsInput!) { submitElectricityReadings(input: $input) {
  account { id } readings { zone value period readAt source } preliminaryCharge { ${chargeFields} } } }`;
const anonymousMutation = `mutation SubmitAnonymously($input: SubmitReadingsAnonymouslyInput!) {
  submitElectricityReadingsAnonymously(input: $input) { period acceptedReadings preliminaryCharge { ${chargeFields} } } }`;
// `first` as a variable, as the app sends it (the gateway prices it as it would a literal one).
const accountQuery = `query Account($id: ID!, $first: Int = 100) { electricityAccount(id: $id) {
  meters { id serialNumber zones readings(first: $first) { edges { node { zone value period readAt source } } } } } }`;
const metersQuery = `query Meters($id: ID!) { electricityAccount(id: $id) { meters { serialNumber zones digits installedOn lastVerifiedOn
  verificationIntervalYears nextVerificationDue verificationOverdue removedOn } } }`;

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

// Lviv's demo values closing October 2026 (demo.ts: start values + 4 months of use).
const lvivOctober = { NIGHT: 4_488 + 4 * 71, HALF_PEAK: 9_950 + 4 * 120, PEAK: 3_012 + 4 * 64 }; // 4772, 10430, 3268

interface Meter { id: string; serialNumber: string; zones: string[]; readings: { zone: string; value: string; period: string; readAt: string; source: string }[] }

async function metersOf(t: TestStack, token: string, accountId: string) {
  const { electricityAccount } = expectNoGraphQLErrors(await t.gql(accountQuery, { token, variables: { id: accountId } }));
  return electricityAccount.meters.map((meter: any) => ({ ...meter, readings: meter.readings.edges.map((edge: any) => edge.node) })) as Meter[];
}

/** `zone → value (source)` of one month of a meter's history. */
function month(meter: { readings: { zone: string; value: string; period: string; source: string }[] }, period: string) {
  return Object.fromEntries(meter.readings.filter((reading) => reading.period === period).map((row) => [row.zone, `${row.value} (${row.source})`]));
}

const entries = (meter: Meter, values: Record<string, string | number>) =>
  Object.entries(values).map(([zone, value]) => ({ meterId: meter.id, zone, value: String(value) }));

describe('Electricity\'s own readings: kWh by zone, VAT, rollover, estimates corrected, verification dates', () => {
  let t: TestStack;
  let demo: string;
  const submit = (accountId: string, readings: unknown[], token = demo) => t.gql(submitMutation, { token, variables: { input: { accountId, readings } } });

  beforeAll(async () => {
    t = await startElectricityStack();
    demo = await loginAs(t, demoLogins.demo);
  });
  afterAll(() => t?.stop());

  it('prices Lviv\'s three-zone meter at NIGHT 0.4, HALF_PEAK 1.0 and PEAK 1.5 of the flat 4.32 in force since 16 October', async () => {
    const id = await accountIdOf(t, supplierIds.lviv, '46-208311');
    const [meter] = await metersOf(t, demo, id);
    const values = { NIGHT: lvivOctober.NIGHT + 70, HALF_PEAK: `${lvivOctober.HALF_PEAK + 121}.5`, PEAK: `${lvivOctober.PEAK + 64}.25` };
    const data = expectNoGraphQLErrors(await submit(id, entries(meter!, values))).submitElectricityReadings;
    // 70 × 1.728 = 120.96; 121.5 × 4.32 = 524.88; 64.25 × 6.48 = 416.34.
    expectPreliminary(data.preliminaryCharge, '2026-11', [['NIGHT', '70', '1.728'], ['HALF_PEAK', '121.5', '4.32'], ['PEAK', '64.25', '6.48']]);
    expect(data.preliminaryCharge.total.amount).toBe('1062.18');
  });

  it('adds VAT to a business account\'s preliminary charge (Odesa, 20%)', async () => {
    // OD7700112 uses about 1180 kWh by day: 2000 is above the floor but not three times the usual.
    const response = await t.gql(anonymousMutation, {
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

  it('takes a lower value as a rollover only at the meter\'s digit capacity (999999 → 0)', async () => {
    // No API sets a meter's value near its capacity: a holder's account with one, arranged in the DB (Lviv: 4.32 a kWh).
    const customer = await newCustomer(t);
    const db = t.stack.database.db;
    const accountId = randomUUID();
    const meterId = randomUUID();
    await db.insert(tables.accounts).values({ id: accountId, supplierId: supplierIds.lviv, accountNumber: '99-999001', address: 'м. Львів, вул. Тестова, 1', holderSurname: 'Тестенко', currency: 'UAH', holderUserId: customer.userId });
    await db.insert(tables.meters).values({ id: meterId, accountId, serialNumber: 'ROLL-6D-0001', zones: ['SINGLE'], digits: 6, installedOn: '2020-01-01', lastVerifiedOn: '2020-01-01', verificationIntervalYears: 16 });
    await db.insert(tables.readings).values({ meterId, zone: 'SINGLE', period: '2026-10-01', value: '999950.000', readAt: new Date('2026-11-02T08:00:00Z'), source: 'PORTAL' });
    const token = customer.token;

    // 500000 is lower and far from a rollover: refused.
    expectErrorCode(await submit(accountId, [{ meterId, zone: 'SINGLE', value: '500000' }], token), 'READING_BELOW_PREVIOUS');
    // 999950 → 999999.999 → 0 → 120: 170 kWh at 4.32 = 734.40.
    const data = expectNoGraphQLErrors(await submit(accountId, [{ meterId, zone: 'SINGLE', value: '120' }], token)).submitElectricityReadings;
    expectPreliminary(data.preliminaryCharge, '2026-11', [['SINGLE', '170', '4.32']]);
    expect(data.preliminaryCharge.total.amount).toBe('734.40');
    expect(month((await metersOf(t, token, accountId))[0]!, '2026-11')).toEqual({ SINGLE: '120 (PORTAL)' });
  });

  it('shows the next verification due and flags Lviv\'s meter, verified 2016-09-20 every 8 years, as overdue', async () => {
    const metersAt = async (supplierId: string, number: string) =>
      expectNoGraphQLErrors(await t.gql(metersQuery, { token: demo, variables: { id: await accountIdOf(t, supplierId, number) } })).electricityAccount.meters;
    const [kyiv] = await metersAt(supplierIds.kyiv, '10234567');
    expect(kyiv).toMatchObject({ serialNumber: 'NIK-2303-0041187', zones: ['DAY', 'NIGHT'], digits: 6, installedOn: '2019-04-10', lastVerifiedOn: '2019-04-10', verificationIntervalYears: 16, nextVerificationDue: '2035-04-10', verificationOverdue: false, removedOn: null });
    const [lviv] = await metersAt(supplierIds.lviv, '46-208311');
    expect(lviv).toMatchObject({ serialNumber: 'EM-3F-7781204', zones: ['NIGHT', 'HALF_PEAK', 'PEAK'], nextVerificationDue: '2024-09-20', verificationOverdue: true });
  });

  it('corrects an estimated month in the preliminary charge of the next real reading', async () => {
    // 10987654 (180 kWh a month, 5840 closing October) sends nothing for November: billed on an estimate,
    // as is 10234567 here (two zones).
    const operator = await loginAs(t, demoLogins.kyivOperator);
    t.clock.set('2026-12-08T10:00:00Z');
    const run = await t.gql(`mutation { runElectricityBilling(input: { period: "2026-11" }) { run { billsIssued estimatedMeters } } }`, { token: operator });
    expect(expectNoGraphQLErrors(run).runElectricityBilling.run).toEqual({ billsIssued: 2, estimatedMeters: 3 });

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

  it('turns a meter overdue from the day after the due date, on the supplier\'s calendar', async () => {
    const id = await accountIdOf(t, supplierIds.kyiv, '10234567');
    const overdueAt = async (instant: string) => {
      t.clock.set(instant);
      return expectNoGraphQLErrors(await t.gql(metersQuery, { token: demo, variables: { id } })).electricityAccount.meters[0].verificationOverdue;
    };
    expect(await overdueAt('2035-04-10T20:59:00Z')).toBe(false); // 23:59 on the due date in Kyiv (UTC+3)
    expect(await overdueAt('2035-04-10T21:01:00Z')).toBe(true); // 00:01 the next day in Kyiv, still the 10th in UTC
  });
});
