import { randomUUID } from 'node:crypto';
import { errorCodes, expectErrorCode, expectNoGraphQLErrors, type TestStack } from '@kabinet/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdOf, demoLogins, loginAs, startElectricityStack, supplierIds, tables } from './testing/e2e';

// Electricity meters end to end, through the gateway: reading history, verification dates,
// and replacement by the supplier's operator (DESIGN.md §4 "Meters and readings").

const meterFields = `id serialNumber zones digits installedOn lastVerifiedOn verificationIntervalYears nextVerificationDue
  verificationOverdue removedOn latestReadings { zone value period source }`;
// `first` as a variable, as the app sends it (the gateway's cost limit multiplies a literal `first`).
const metersQuery = `query Meters($id: ID!, $includeRemoved: Boolean) { electricityAccount(id: $id) { meters(includeRemoved: $includeRemoved) { ${meterFields} } } }`;
const historyQuery = `query History($id: ID!, $first: Int, $after: String) { electricityAccount(id: $id) {
  meters(includeRemoved: true) { serialNumber readings(first: $first, after: $after) { edges { cursor node { zone value period source } } pageInfo { hasNextPage endCursor } } } } }`;
const submitMutation = `mutation Submit($input: SubmitReadingsInput!) { submitElectricityReadings(input: $input) {
  preliminaryCharge { lines { zone quantity unitPrice amount { amount } } corrections { amount } total { amount } } } }`;
const replaceMutation = `mutation Replace($input: ReplaceMeterInput!) { replaceElectricityMeter(input: $input) { account { id } meter { ${meterFields} } } }`;

interface Reading { zone: string; value: string; period: string; source: string }

async function metersOf(t: TestStack, token: string, accountId: string, includeRemoved = false) {
  const data = expectNoGraphQLErrors(await t.gql(metersQuery, { token, variables: { id: accountId, includeRemoved } }));
  return data.electricityAccount.meters as any[];
}

async function historyPage(t: TestStack, token: string, accountId: string, serialNumber: string, variables: { first?: number; after?: string }) {
  const response = await t.gql(historyQuery, { token, variables: { id: accountId, ...variables } });
  const meter = response.data?.electricityAccount?.meters.find((candidate: any) => candidate.serialNumber === serialNumber);
  return { response, page: meter?.readings as { edges: { cursor: string; node: Reading }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
}

async function historyOf(t: TestStack, token: string, accountId: string, serialNumber: string): Promise<Reading[]> {
  const { response, page } = await historyPage(t, token, accountId, serialNumber, { first: 100 });
  expectNoGraphQLErrors(response);
  return page.edges.map((edge) => edge.node);
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

describe('Meter reading history and verification dates', () => {
  let t: TestStack;
  let demo: string;
  let kyivAccount: string;
  let lvivAccount: string;

  beforeAll(async () => {
    t = await startElectricityStack();
    demo = await loginAs(t, demoLogins.demo);
    kyivAccount = await accountIdOf(t, supplierIds.kyiv, '10234567');
    lvivAccount = await accountIdOf(t, supplierIds.lviv, '46-208311');
  });
  afterAll(() => t?.stop());

  it('lists every reading of a meter, newest month first, with its source: September\'s estimate among them', async () => {
    // demo.ts: 18432/7210 before July, 214/96 kWh a month; no reading in September, billed on the average (214/96).
    expect(byMonth(await historyOf(t, demo, kyivAccount, 'NIK-2303-0041187'))).toEqual([
      ['2026-10', ['DAY 19288 (PORTAL)', 'NIGHT 7594 (PORTAL)']],
      ['2026-09', ['DAY 19074 (ESTIMATE)', 'NIGHT 7498 (ESTIMATE)']],
      ['2026-08', ['DAY 18860 (PORTAL)', 'NIGHT 7402 (PORTAL)']],
      ['2026-07', ['DAY 18646 (PORTAL)', 'NIGHT 7306 (PORTAL)']],
      ['2026-06', ['DAY 18432 (PORTAL)', 'NIGHT 7210 (PORTAL)']],
    ]);
    expect(byMonth(await historyOf(t, demo, lvivAccount, 'EM-3F-7781204'))[0]).toEqual(['2026-10', ['HALF_PEAK 10430 (PORTAL)', 'NIGHT 4772 (PORTAL)', 'PEAK 3268 (PORTAL)']]);
  });

  it('pages through the history with cursors: no reading twice, none left out', async () => {
    const all = await historyOf(t, demo, kyivAccount, 'NIK-2303-0041187');
    const seen: Reading[] = [];
    const hasNext: boolean[] = [];
    let after: string | undefined;
    do {
      const { response, page } = await historyPage(t, demo, kyivAccount, 'NIK-2303-0041187', { first: 3, ...(after ? { after } : {}) });
      expectNoGraphQLErrors(response);
      seen.push(...page.edges.map((edge) => edge.node));
      hasNext.push(page.pageInfo.hasNextPage);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor! : undefined;
    } while (after && hasNext.length < 10);
    expect(hasNext).toEqual([true, true, true, false]);
    expect(seen).toEqual(all);
    expect(all).toHaveLength(10);
    // The default page is a year of months' readings: 12 of the 10 there are.
    const { response, page } = await historyPage(t, demo, kyivAccount, 'NIK-2303-0041187', {});
    expect(expectNoGraphQLErrors(response) && page.edges).toHaveLength(10);
  });

  it('refuses a `first` over 100 or below 0, and cursors this list did not hand out', async () => {
    const { page } = await historyPage(t, demo, kyivAccount, 'NIK-2303-0041187', { first: 2 });
    expectNoGraphQLErrors((await historyPage(t, demo, kyivAccount, 'NIK-2303-0041187', { first: 100, after: page.pageInfo.endCursor! })).response);
    for (const variables of [
      { first: 101 },
      { first: -1 },
      { after: 'not-a-cursor' },
      { after: Buffer.from('s2026-10-01|not-a-uuid').toString('base64url') },
      { after: Buffer.from(`x2026-10-01|${randomUUID()}`).toString('base64url') },
    ]) {
      const { response } = await historyPage(t, demo, kyivAccount, 'NIK-2303-0041187', variables);
      expectErrorCode(response, 'BAD_USER_INPUT');
    }
  });

  it('refuses a cursor another list handed out (the ledger\'s), instead of paging from its instant', async () => {
    const ledger = await t.gql(`query Ledger($id: ID!) { electricityAccount(id: $id) { ledger(first: 1) { pageInfo { endCursor } } } }`, { token: demo, variables: { id: kyivAccount } });
    const after = expectNoGraphQLErrors(ledger).electricityAccount.ledger.pageInfo.endCursor;
    const { response } = await historyPage(t, demo, kyivAccount, 'NIK-2303-0041187', { first: 3, after });
    expect(errorCodes(response), JSON.stringify(response.errors)).toEqual(['BAD_USER_INPUT']);
  });

  it('shows the next verification due and flags Lviv\'s meter, verified 2016-09-20 every 8 years, as overdue', async () => {
    const [kyiv] = await metersOf(t, demo, kyivAccount);
    expect(kyiv).toMatchObject({ serialNumber: 'NIK-2303-0041187', zones: ['DAY', 'NIGHT'], digits: 6, installedOn: '2019-04-10', lastVerifiedOn: '2019-04-10', verificationIntervalYears: 16, nextVerificationDue: '2035-04-10', verificationOverdue: false, removedOn: null });
    const [lviv] = await metersOf(t, demo, lvivAccount);
    expect(lviv).toMatchObject({ serialNumber: 'EM-3F-7781204', zones: ['NIGHT', 'HALF_PEAK', 'PEAK'], nextVerificationDue: '2024-09-20', verificationOverdue: true });
  });

  it('turns overdue from the day after the due date, on the supplier\'s calendar', async () => {
    const overdueAt = async (instant: string) => {
      t.clock.set(instant);
      return (await metersOf(t, demo, kyivAccount))[0].verificationOverdue;
    };
    expect(await overdueAt('2035-04-10T20:59:00Z')).toBe(false); // 23:59 on the due date in Kyiv (UTC+3)
    expect(await overdueAt('2035-04-10T21:01:00Z')).toBe(true); // 00:01 the next day in Kyiv, still the 10th in UTC
  });
});

describe('Replacing a meter', () => {
  let t: TestStack;
  let demo: string;
  let operator: string;
  let accountId: string;
  let oldMeterId: string;
  const newMeter = {
    serialNumber: 'NIK-2404-0100001',
    zones: ['DAY', 'NIGHT'],
    digits: 6,
    installedOn: '2026-11-20',
    lastVerifiedOn: '2024-02-29',
    verificationIntervalYears: 3,
    initialValues: [{ zone: 'DAY', value: '10.5' }, { zone: 'NIGHT', value: '3' }],
  };
  const finalValues = [{ zone: 'DAY', value: '19400' }, { zone: 'NIGHT', value: '7650' }];
  /** `token: null` sends no login. */
  const replace = (input: Record<string, unknown>, token: string | null = operator) =>
    t.gql(replaceMutation, { token: token ?? undefined, variables: { input: { meterId: oldMeterId, finalValues, newMeter, ...input } } });
  const submit = (meterId: string, values: Record<string, string>) =>
    t.gql(submitMutation, { token: demo, variables: { input: { accountId, readings: Object.entries(values).map(([zone, value]) => ({ meterId, zone, value })) } } });
  const newMeterId = async () => (await metersOf(t, demo, accountId)).find((meter) => meter.serialNumber === newMeter.serialNumber).id as string;

  beforeAll(async () => {
    t = await startElectricityStack();
    demo = await loginAs(t, demoLogins.demo);
    operator = await loginAs(t, demoLogins.kyivOperator);
    accountId = await accountIdOf(t, supplierIds.kyiv, '10234567');
    oldMeterId = (await metersOf(t, demo, accountId))[0].id;
  });
  afterAll(() => t?.stop());

  it('is for the operators of the account\'s supplier only', async () => {
    expectErrorCode(await replace({}, null), 'UNAUTHENTICATED');
    expectErrorCode(await replace({}, demo), 'FORBIDDEN');
    const odesaOperator = await loginAs(t, demoLogins.odesaOperator);
    // Another supplier's meter is refused like another supplier's account addressed by id.
    expectErrorCode(await replace({}, odesaOperator), 'FORBIDDEN');
    expectErrorCode(await replace({ meterId: randomUUID() }), 'METER_NOT_FOUND');
    expectErrorCode(await replace({ meterId: 'not-a-meter' }), 'METER_NOT_FOUND');
    expect((await metersOf(t, demo, accountId, true)).map((meter) => meter.serialNumber)).toEqual(['NIK-2303-0041187']);
  });

  it('refuses final values below the last reading, incomplete values, and impossible dates or zones; nothing changes', async () => {
    const below = expectErrorCode(await replace({ finalValues: [{ zone: 'DAY', value: '19287' }, finalValues[1]] }), 'READING_BELOW_PREVIOUS');
    expect(below.extensions).toMatchObject({ zone: 'DAY', previousValue: '19288.000' });
    expectErrorCode(await replace({ finalValues: [finalValues[0]] }), 'INVALID_READING');
    expectErrorCode(await replace({ finalValues: [...finalValues, { zone: 'SINGLE', value: '1' }] }), 'INVALID_READING');
    expectErrorCode(await replace({ newMeter: { ...newMeter, initialValues: [{ zone: 'DAY', value: '10.5' }] } }), 'INVALID_READING');
    expectErrorCode(await replace({ newMeter: { ...newMeter, initialValues: [{ zone: 'DAY', value: '-1' }, { zone: 'NIGHT', value: '3' }] } }), 'INVALID_READING');
    expectErrorCode(await replace({ newMeter: { ...newMeter, installedOn: '2026-12-03' } }), 'BAD_USER_INPUT'); // tomorrow
    expectErrorCode(await replace({ newMeter: { ...newMeter, installedOn: '2026-10-20' } }), 'PERIOD_ALREADY_BILLED');
    expectErrorCode(await replace({ newMeter: { ...newMeter, zones: ['DAY'], initialValues: [{ zone: 'DAY', value: '1' }] } }), 'BAD_USER_INPUT');
    const meters = await metersOf(t, demo, accountId, true);
    expect(meters.map((meter) => [meter.serialNumber, meter.removedOn])).toEqual([['NIK-2303-0041187', null]]);
    expect(await historyOf(t, demo, accountId, 'NIK-2303-0041187')).toHaveLength(10);
  });

  it('makes one replacement when two operators replace the same meter at once', async () => {
    // Another demo account's meter, so the replacement the next tests make stays theirs to make.
    const otherAccount = await accountIdOf(t, supplierIds.kyiv, '10987654');
    const [other] = await t.stack.database.db.select().from(tables.meters).where(eq(tables.meters.accountId, otherAccount));
    const attempt = (serialNumber: string) =>
      t.gql(replaceMutation, {
        token: operator,
        variables: {
          input: {
            meterId: other!.id,
            finalValues: [{ zone: 'SINGLE', value: '6000' }],
            newMeter: { ...newMeter, serialNumber, zones: ['SINGLE'], initialValues: [{ zone: 'SINGLE', value: '0' }] },
          },
        },
      });
    const results = await Promise.all([attempt('RACE-A'), attempt('RACE-B')]);
    expect(results.filter((result) => !result.errors)).toHaveLength(1);
    expectErrorCode(results.find((result) => result.errors)!, 'METER_NOT_FOUND');
    const meters = await t.stack.database.db.select().from(tables.meters).where(eq(tables.meters.accountId, otherAccount));
    expect(meters.filter((meter) => meter.removedOn === null)).toHaveLength(1);
    expect(meters).toHaveLength(2);
  });

  it('removes the old meter, keeping its history, and puts in the new one from its initial values', async () => {
    const data = expectNoGraphQLErrors(await replace({})).replaceElectricityMeter;
    expect(data.account.id).toBe(accountId);
    // 29 February 2024 + 3 years: 28 February 2027.
    const { initialValues: _initial, ...fields } = newMeter;
    expect(data.meter).toMatchObject({ ...fields, nextVerificationDue: '2027-02-28', verificationOverdue: false, removedOn: null });
    expect(data.meter.latestReadings).toEqual([
      { zone: 'DAY', value: '10.5', period: '2026-10', source: 'OPERATOR' },
      { zone: 'NIGHT', value: '3', period: '2026-10', source: 'OPERATOR' },
    ]);

    const inService = await metersOf(t, demo, accountId);
    expect(inService.map((meter) => meter.serialNumber)).toEqual([newMeter.serialNumber]);
    const all = await metersOf(t, demo, accountId, true);
    expect(all.map((meter) => [meter.serialNumber, meter.removedOn]).sort()).toEqual([['NIK-2303-0041187', '2026-11-20'], [newMeter.serialNumber, null]]);

    // The old meter's months stay, closed in November by its final values.
    const old = byMonth(await historyOf(t, demo, accountId, 'NIK-2303-0041187'));
    expect(old[0]).toEqual(['2026-11', ['DAY 19400 (OPERATOR)', 'NIGHT 7650 (OPERATOR)']]);
    expect(old.slice(1).map(([period]) => period)).toEqual(['2026-10', '2026-09', '2026-08', '2026-07', '2026-06']);
    // The operator sees the same.
    expect(byMonth(await historyOf(t, operator, accountId, 'NIK-2303-0041187'))).toEqual(old);
    expectErrorCode(await replace({}), 'METER_NOT_FOUND'); // removed already
  });

  it('compares the next reading of the new meter with its initial values, not the old meter\'s', async () => {
    const meterId = await newMeterId();
    const below = expectErrorCode(await submit(meterId, { DAY: '10.4', NIGHT: '20' }), 'READING_BELOW_PREVIOUS');
    expect(below.extensions).toMatchObject({ meterId, zone: 'DAY', previousValue: '10.5' });
    // 50 kWh by day at 4.32 = 216.00; 20 by night at 2.16 = 43.20.
    const data = expectNoGraphQLErrors(await submit(meterId, { DAY: '60.5', NIGHT: '23' })).submitElectricityReadings;
    expect(data.preliminaryCharge.lines.map((line: any) => [line.zone, line.quantity, line.unitPrice, line.amount.amount]).sort()).toEqual([
      ['DAY', '50', '4.32', '216.00'],
      ['NIGHT', '20', '2.16', '43.20'],
    ]);
    expect(data.preliminaryCharge.total.amount).toBe('259.20');
    expect(byMonth(await historyOf(t, demo, accountId, newMeter.serialNumber))).toEqual([
      ['2026-11', ['DAY 60.5 (PORTAL)', 'NIGHT 23 (PORTAL)']],
      ['2026-10', ['DAY 10.5 (OPERATOR)', 'NIGHT 3 (OPERATOR)']],
    ]);
  });

  it('keeps the removed meter\'s final values: the holder cannot overwrite them with a reading of that meter', async () => {
    const response = await submit(oldMeterId, { DAY: '19500', NIGHT: '7700' });
    expect(errorCodes(response), JSON.stringify(response.data ?? response.errors)).toEqual(['INVALID_READING']);
    expect(byMonth(await historyOf(t, demo, accountId, 'NIK-2303-0041187'))[0]).toEqual(['2026-11', ['DAY 19400 (OPERATOR)', 'NIGHT 7650 (OPERATOR)']]);
  });

  it('takes next month\'s readings for the new meter only, from what it read last', async () => {
    t.clock.set('2027-01-02T08:00:00Z');
    expectErrorCode(await submit(oldMeterId, { DAY: '19500', NIGHT: '7700' }), 'INVALID_READING');
    const meterId = await newMeterId();
    // 100 kWh by day since November's 60.5: 432.00; 40 by night since 23: 86.40.
    const data = expectNoGraphQLErrors(await submit(meterId, { DAY: '160.5', NIGHT: '63' })).submitElectricityReadings;
    expect(data.preliminaryCharge.total.amount).toBe('518.40');
    expect(byMonth(await historyOf(t, demo, accountId, newMeter.serialNumber))[0]).toEqual(['2026-12', ['DAY 160.5 (PORTAL)', 'NIGHT 63 (PORTAL)']]);
  });
});


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
    expectNoGraphQLErrors(await t.gql(replaceMutation, { token: operator, variables: { input: {
      meterId: oldMeterId,
      finalValues: [{ zone: 'DAY', value: '19300' }, { zone: 'NIGHT', value: '7600' }],
      newMeter: { serialNumber: 'NIK-2412-0000001', zones: ['DAY', 'NIGHT'], digits: 6, installedOn: '2026-12-01', lastVerifiedOn: '2026-12-01', verificationIntervalYears: 16,
        initialValues: [{ zone: 'DAY', value: '0' }, { zone: 'NIGHT', value: '0' }] },
    } } }));
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
