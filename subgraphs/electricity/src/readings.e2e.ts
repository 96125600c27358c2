import { expectNoGraphQLErrors, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdOf, demoLogins, loginAs, startElectricityStack, supplierIds } from './testing/e2e';

// What only electricity's readings have, end to end through the gateway: kWh prices by zone
// (three zones in Lviv) and VAT on a business account's preliminary charge. The shared cabinet's
// reading and meter rules (rollover, verification dates, estimates corrected) run for every utility
// in packages/utility-core/src/testing/cabinet-readings.ts and cabinet-meter-rules.ts.
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

const entries = (meter: Meter, values: Record<string, string | number>) =>
  Object.entries(values).map(([zone, value]) => ({ meterId: meter.id, zone, value: String(value) }));

describe('Electricity\'s own readings: kWh by zone, VAT', () => {
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
});
