import { expectNoGraphQLErrors, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdOf, demoLogins, loginAs, startElectricityStack, supplierIds } from './testing/e2e';

// A meter replaced on the first day of a reading window, end to end through the gateway. Reading
// history, verification dates and replacement in general run for every utility in
// packages/utility-core/src/testing/cabinet-{readings,meters}.ts (subgraphs/electricity/src/cabinet.e2e.ts).

const meterFields = `id serialNumber zones digits installedOn lastVerifiedOn verificationIntervalYears nextVerificationDue
  verificationOverdue removedOn latestReadings { zone value period source }`;
// `first` as a variable, as the app sends it (the gateway prices it as it would a literal one).
const metersQuery = `query Meters($id: ID!, $includeRemoved: Boolean) { electricityAccount(id: $id) { meters(includeRemoved: $includeRemoved) { ${meterFields} } } }`;
const historyQuery = `query History($id: ID!, $first: Int) { electricityAccount(id: $id) {
  meters(includeRemoved: true) { serialNumber readings(first: $first) { edges { node { zone value period source } } } } } }`;
const submitMutation = `mutation Submit($input: SubmitReadingsInput!) { submitElectricityReadings(input: $input) {
  preliminaryCharge { lines { zone quantity unitPrice amount { amount } } corrections { amount } total { amount } } } }`;
const replaceMutation = `mutation Replace($input: ReplaceMeterInput!) { replaceElectricityMeter(input: $input) { account { id } meter { ${meterFields} } } }`;

interface Reading { zone: string; value: string; period: string; source: string }

async function metersOf(t: TestStack, token: string, accountId: string, includeRemoved = false) {
  const data = expectNoGraphQLErrors(await t.gql(metersQuery, { token, variables: { id: accountId, includeRemoved } }));
  return data.electricityAccount.meters as any[];
}

async function historyOf(t: TestStack, token: string, accountId: string, serialNumber: string): Promise<Reading[]> {
  const data = expectNoGraphQLErrors(await t.gql(historyQuery, { token, variables: { id: accountId, first: 100 } }));
  const meter = data.electricityAccount.meters.find((candidate: any) => candidate.serialNumber === serialNumber);
  return meter.readings.edges.map((edge: { node: Reading }) => edge.node);
}

/** Per month, newest first: `zone value (source)` sorted by zone (the order inside a month is not specified). */
const byMonth = (readings: Reading[]) => {
  const months: [string, string[]][] = [];
  for (const reading of readings) {
    if (months.at(-1)?.[0] !== reading.period) months.push([reading.period, []]);
    months.at(-1)![1].push(`${reading.zone} ${reading.value} (${reading.source})`);
  }
  return months.map(([period, zones]) => [period, zones.sort()]);
};

describe('A replacement recorded on the first day of the reading window (1 December)', () => {
  // The old meter served all of November: its November reading is still due in the window
  // (1–5 December); its final values, taken on 1 December, close December for it.
  let t: TestStack;
  let demo: string;
  let operator: string;
  let accountId: string;
  let oldMeterId: string;
  const anonymousMutation = `mutation SubmitAnonymously($input: SubmitReadingsAnonymouslyInput!) {
    submitElectricityReadingsAnonymously(input: $input) { period acceptedReadings } }`;
  const runBilling = `mutation Run($period: String!) { runElectricityBilling(input: { period: $period }) { run { period billsIssued } } }`;
  const readingsOf = (meterId: string, values: Record<string, string>) => Object.entries(values).map(([zone, value]) => ({ meterId, zone, value }));

  beforeAll(async () => {
    t = await startElectricityStack();
    demo = await loginAs(t, demoLogins.demo);
    operator = await loginAs(t, demoLogins.kyivOperator);
    accountId = await accountIdOf(t, supplierIds.kyiv, '10234567');
    oldMeterId = (await metersOf(t, demo, accountId))[0].id;
    const replaced = expectNoGraphQLErrors(await t.gql(replaceMutation, { token: operator, variables: { input: {
      meterId: oldMeterId,
      finalValues: [{ zone: 'DAY', value: '19300' }, { zone: 'NIGHT', value: '7600' }],
      // Entered night first: the meter keeps the utility's order, its main reading (DAY) first.
      newMeter: { serialNumber: 'NIK-2412-0000001', zones: ['NIGHT', 'DAY'], digits: 6, installedOn: '2026-12-01', lastVerifiedOn: '2026-12-01', verificationIntervalYears: 16,
        initialValues: [{ zone: 'DAY', value: '0' }, { zone: 'NIGHT', value: '0' }] },
    } } }));
    expect(replaced.replaceElectricityMeter.meter.zones).toEqual(['DAY', 'NIGHT']);
  });
  afterAll(() => t?.stop());

  it('takes the old meter\'s November reading without a login, as the portal does', async () => {
    const response = await t.gql(anonymousMutation, { variables: { input: {
      supplierId: supplierIds.kyiv, accountNumber: '10234567', check: 'HOLDER_SURNAME', checkValue: 'Демченко',
      readings: [{ meterSerialNumber: 'NIK-2303-0041187', zone: 'DAY', value: '19295' }, { meterSerialNumber: 'NIK-2303-0041187', zone: 'NIGHT', value: '7598' }],
    } } });
    expect(expectNoGraphQLErrors(response).submitElectricityReadingsAnonymously).toEqual({ period: '2026-11', acceptedReadings: 2 });
    expect(byMonth(await historyOf(t, demo, accountId, 'NIK-2303-0041187')).slice(0, 2)).toEqual([
      ['2026-12', ['DAY 19300 (OPERATOR)', 'NIGHT 7600 (OPERATOR)']],
      ['2026-11', ['DAY 19295 (ANONYMOUS)', 'NIGHT 7598 (ANONYMOUS)']],
    ]);
  });

  it('refuses a November reading above the values the meter was removed with, so that later months still bill', async () => {
    const above = await t.gql(submitMutation, { token: demo, variables: { input: { accountId, readings: readingsOf(oldMeterId, { DAY: '19350', NIGHT: '7650' }) } } });
    expect.soft(above.errors?.length ?? 0, `accepted: ${JSON.stringify(above.data)}`).toBe(1);

    // Whatever the API accepted, the next steps of an ordinary month must work.
    t.clock.set('2026-12-08T10:00:00Z');
    expectNoGraphQLErrors(await t.gql(runBilling, { token: operator, variables: { period: '2026-11' } }));
    t.clock.set('2027-01-02T08:00:00Z');
    const newMeterId = (await metersOf(t, demo, accountId)).find((meter) => meter.serialNumber === 'NIK-2412-0000001').id;
    const december = await t.gql(submitMutation, { token: demo, variables: { input: { accountId, readings: readingsOf(newMeterId, { DAY: '200', NIGHT: '90' }) } } });
    // 200 kWh by day at 4.32 = 864.00; 90 by night at 2.16 = 194.40.
    expect.soft(december.errors, 'December readings of the new meter').toBeUndefined();
    expect.soft(december.data?.submitElectricityReadings?.preliminaryCharge.total.amount).toBe('1058.40');
    t.clock.set('2027-01-08T10:00:00Z');
    const billing = await t.gql(runBilling, { token: operator, variables: { period: '2026-12' } });
    expect(billing.errors, 'December billing run').toBeUndefined();
    expect(billing.data?.runElectricityBilling.run).toEqual({ period: '2026-12', billsIssued: 2 });
  });
});
