import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@kabinet/auth';
import { demoSupplierId, demoUsers } from '@kabinet/demo';
import { Big } from '@kabinet/money';
import { expectNoGraphQLErrors, loginAs, startTestStack, type TestStack } from '@kabinet/testing';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heatTables } from './index';

/*
 * A building's share follows what its metered flats are billed, through the gateway. Kharkiv's
 * building on Nauky avenue (demo.ts): 12% of its meter heats the common areas (154.9 m² in all);
 * flat 78 (61 m²) heats by its own meter, 1.05 Gcal a month in the demo; flats 77 (55.2 m², the
 * second demo login's) and 79 (38.7 m²) share the rest by area (93.9 m²), at 1540.00 a Gcal.
 * Flat 78 sends no November reading and is billed an estimate; its December reading corrects it,
 * and with it the share its neighbours were billed for November. In February its reading is
 * broken data, so its bill fails and the neighbours count it at an estimate; once the reading is
 * mended and February billed again, March corrects the neighbours' February.
 */

const kharkiv = demoSupplierId('heat', 'kharkiv-teplo');
const runBilling = `mutation ($period: String!) { runHeatBilling(input: { period: $period }) { run { billsIssued accountsFailed } } }`;
const recordReading = `mutation ($input: RecordBuildingReadingInput!) { recordBuildingReading(input: $input) { consumption } }`;
const submit = `mutation ($input: SubmitReadingsAnonymouslyInput!) { submitHeatReadingsAnonymously(input: $input) { acceptedReadings } }`;
const billFields = `period estimated charges { amount } corrections { amount } lines { kind description quantity amount { amount } correctedPeriod }`;
const byNumber = `query ($n: String!, $p: String!) { heatAccountByNumber(accountNumber: $n) { meters { latestReading { value } } bill(period: $p) { ${billFields} } } }`;
const mine = `query ($p: String!) { me { heatAccounts { accountNumber bill(period: $p) { ${billFields} } } } }`;

const g3 = (value: Big) => value.round(3, Big.roundHalfUp);
/** Kopiyky of a quantity at 1540.00 a Gcal, rounded half up: how a bill line is priced. */
const kop = (gcal: Big) => Number(gcal.times(1540).times(100).round(0, Big.roundHalfUp).toFixed(0));
const uah = (minor: number) => (minor / 100).toFixed(2);
/** A flat's share of the rest: the building's Gcal less 12% for the common areas and the metered flat's Gcal, by its area of 93.9 m². */
const ownShare = (building: number, metered: string, area: string) => g3(new Big(building).times('0.88').minus(metered).times(area).div('93.9'));
const commonShare = (building: number, area: string) => g3(new Big(building).times('0.12').times(area).div('154.9'));

describe('a building share corrected with its metered neighbour\'s estimate', () => {
  let t: TestStack;
  let operator: string;
  let second: string;
  let buildingId: string;
  let building: Big;

  const at = (instant: string) => t.clock.set(instant);
  const billOf = async (number: string, period: string) =>
    expectNoGraphQLErrors(await t.gql(byNumber, { token: operator, variables: { n: number, p: period } })).heatAccountByNumber.bill;
  const lines = (bill: any, kind: string) => bill.lines.filter((line: any) => line.kind === kind).map((line: any) => [line.description, line.quantity, line.amount.amount, line.correctedPeriod]);
  const recordBuilding = async (period: string, gcal: number) => {
    building = building.plus(gcal);
    const recorded = expectNoGraphQLErrors(await t.gql(recordReading, { token: operator, variables: { input: { buildingId, period, value: building.toFixed(3) } } }));
    expect(recorded.recordBuildingReading.consumption).toBe(new Big(gcal).toFixed(3));
  };
  const run = async (period: string) =>
    expect(expectNoGraphQLErrors(await t.gql(runBilling, { token: operator, variables: { period } })).runHeatBilling.run).toEqual({ billsIssued: 4, accountsFailed: 0 });

  beforeAll(async () => {
    t = await startTestStack({ now: '2026-11-28T10:00:00Z' });
    operator = await signAccessToken(t.stack.tokenKeys, { userId: randomUUID(), role: 'OPERATOR', supplierIds: [kharkiv], sessionId: randomUUID() });
    second = await loginAs(t, demoUsers.second);
    const [found] = expectNoGraphQLErrors(await t.gql(`query { heatBuildings { id latestReading { period value } } }`, { token: operator })).heatBuildings;
    expect(found.latestReading.period).toBe('2026-10');
    buildingId = found.id;
    building = new Big(found.latestReading.value);
  });
  afterAll(() => t?.stop());

  it('bills November on flat 78\'s estimate, and the neighbours\' shares on the same Gcal', async () => {
    // No reading from flat 78 in November's window; the building's meter took 36 Gcal.
    await recordBuilding('2026-11', 36);
    at('2026-12-03T10:00:00Z');
    await run('2026-11');
    at('2026-12-04T10:00:00Z');

    // Flat 78: the average of August to October, 1.05 Gcal × 1540.00 = 1617.00.
    const metered = await billOf('ХТМ-004519', '2026-11');
    expect(metered.estimated).toBe(true);
    expect(lines(metered, 'CHARGE')[0]).toEqual(['Опалення за лічильником', '1.05', '1617.00', null]);

    // Flat 77: (36 − 4.32 − 1.05) × 55.2 / 93.9 = 18.006 Gcal, and the working says 1.05 of the metered Gcal are an estimate.
    const [own] = lines(expectNoGraphQLErrors(await t.gql(mine, { token: second, variables: { p: '2026-11' } })).me.heatAccounts.find((account: any) => account.accountNumber === 'ХТМ-004518').bill, 'CHARGE');
    expect(ownShare(36, '1.05', '55.2').toString()).toBe('18.006');
    expect(own![0]).toContain('приміщення з власними лічильниками 1,050 Гкал (з них за оцінкою 1,050 Гкал) = 30,630 Гкал; 30,630 Гкал × 55,20 м²');
    expect(own!.slice(1)).toEqual(['18.006', uah(kop(ownShare(36, '1.05', '55.2'))), null]);
  });

  it('corrects November on the next bill of flat 78 and of both neighbours, once flat 78\'s reading came', async () => {
    // December's window: flat 78 reads 5 Gcal since October's reading, 2.459 for November's 30 days and 2.541 for December's 31.
    at('2026-12-28T10:00:00Z');
    const { meters } = expectNoGraphQLErrors(await t.gql(byNumber, { token: operator, variables: { n: 'ХТМ-004519', p: '2026-11' } })).heatAccountByNumber;
    const estimatedNovember = new Big(meters[0].latestReading.value);
    const reading = { meterSerialNumber: 'KAMSTRUP-HM-55190', zone: 'HEAT', value: estimatedNovember.minus('1.05').plus(5).toFixed(3) };
    const submitted = await t.gql(submit, {
      variables: { input: { supplierId: kharkiv, accountNumber: 'ХТМ-004519', check: 'HOLDER_SURNAME', checkValue: 'Ткаченко', readings: [reading], confirmUnusual: true } },
    });
    expect(expectNoGraphQLErrors(submitted).submitHeatReadingsAnonymously.acceptedReadings).toBe(1);
    await recordBuilding('2026-12', 40);
    at('2027-01-03T10:00:00Z');
    await run('2026-12');
    at('2027-01-04T10:00:00Z');

    // Flat 78: December's 2.541 Gcal, and November re-priced, 2.459 instead of 1.05: 3786.86 − 1617.00 = 2169.86.
    const metered = await billOf('ХТМ-004519', '2026-12');
    expect(lines(metered, 'CHARGE')[0]).toEqual(['Опалення за лічильником', '2.541', '3913.14', null]);
    expect(lines(metered, 'CORRECTION')).toEqual([['Перерахунок за листопад 2026: оцінку замінено фактичним показанням', '1.409', '2169.86', '2026-11']]);

    // Flat 77: November's share is (36 − 4.32 − 2.459) × 55.2 / 93.9 = 17.178 Gcal, not 18.006: 26454.12 − 27729.24 = −1275.12.
    // December's: (40 − 4.8 − 2.541) × 55.2 / 93.9 = 19.199 Gcal, with flat 78's December as billed.
    const reason = 'Перерахунок за листопад 2026: частку будинкового лічильника перераховано за споживанням приміщень з власними лічильниками, 2,459 Гкал замість 1,050 Гкал';
    const flat77 = expectNoGraphQLErrors(await t.gql(mine, { token: second, variables: { p: '2026-12' } })).me.heatAccounts.find((account: any) => account.accountNumber === 'ХТМ-004518').bill;
    const novemberDelta77 = kop(ownShare(36, '2.459', '55.2')) - kop(ownShare(36, '1.05', '55.2'));
    expect([ownShare(36, '2.459', '55.2').toString(), novemberDelta77]).toEqual(['17.178', -127_512]);
    expect(lines(flat77, 'CORRECTION')).toEqual([[reason, '-0.828', uah(novemberDelta77), '2026-11']]);
    expect(flat77.corrections.amount).toBe('-1275.12');
    expect(lines(flat77, 'CHARGE')[0]!.slice(1)).toEqual([ownShare(40, '2.541', '55.2').toString(), uah(kop(ownShare(40, '2.541', '55.2'))), null]);
    expect(lines(flat77, 'CHARGE')[0]![0]).toContain('приміщення з власними лічильниками 2,541 Гкал = 32,659 Гкал');
    expect(lines(flat77, 'CHARGE')[1]![1]).toBe(commonShare(40, '55.2').toString());
    // Its consumption history tells November as re-counted: its share now, and the common areas'.
    const history = expectNoGraphQLErrors(await t.gql(`{ me { heatAccounts { accountNumber consumptionHistory(months: 3) { period zones { zone value } } } } }`, { token: second }))
      .me.heatAccounts.find((account: any) => account.accountNumber === 'ХТМ-004518').consumptionHistory;
    const heatIn = (period: string) => history.find((month: any) => month.period === period).zones.find((zone: any) => zone.zone === 'HEAT').value;
    expect(heatIn('2026-11')).toBe(ownShare(36, '2.459', '55.2').plus(commonShare(36, '55.2')).toString());
    expect(heatIn('2026-12')).toBe(ownShare(40, '2.541', '55.2').plus(commonShare(40, '55.2')).toString());

    // Flat 79 (38.7 m²): 12.043 Gcal instead of 12.624, 18546.22 − 19440.96 = −894.74.
    const flat79 = await billOf('ХТМ-004520', '2026-12');
    const novemberDelta79 = kop(ownShare(36, '2.459', '38.7')) - kop(ownShare(36, '1.05', '38.7'));
    expect(novemberDelta79).toBe(-89_474);
    expect(lines(flat79, 'CORRECTION')).toEqual([[reason, '-0.581', uah(novemberDelta79), '2026-11']]);

    // What the neighbours get back is what flat 78 now pays for November beyond its estimate: here to the kopiyka.
    expect(novemberDelta77 + novemberDelta79).toBe(-216_986);
  });

  it('corrects nothing again on the bills after', async () => {
    // January: flat 78 sends nothing again and is estimated, (1.05 + 2.459 + 2.541) / 3 = 2.017; the building took 30 Gcal.
    at('2027-01-28T10:00:00Z');
    await recordBuilding('2027-01', 30);
    at('2027-02-03T10:00:00Z');
    await run('2027-01');
    at('2027-02-04T10:00:00Z');
    for (const number of ['ХТМ-004518', 'ХТМ-004519', 'ХТМ-004520']) {
      const bill = await billOf(number, '2027-01');
      expect([number, lines(bill, 'CORRECTION'), bill.corrections.amount]).toEqual([number, [], '0.00']);
    }
    const [own] = lines(await billOf('ХТМ-004518', '2027-01'), 'CHARGE');
    expect(own![0]).toContain('приміщення з власними лічильниками 2,017 Гкал (з них за оцінкою 2,017 Гкал)');
    expect(own![1]).toBe(ownShare(30, '2.017', '55.2').toString());
  });

  it('corrects a month on the neighbours\' next bills when flat 78\'s own bill for it failed and came later', async () => {
    // February: flat 78 sends 3 Gcal since its December reading, and the stored value is then
    // broken (below the last, not a rollover), so its bill fails and its neighbours' go out.
    at('2027-02-27T10:00:00Z');
    const { meters } = expectNoGraphQLErrors(await t.gql(byNumber, { token: operator, variables: { n: 'ХТМ-004519', p: '2027-01' } })).heatAccountByNumber;
    const januaryEstimate = new Big(meters[0].latestReading.value);
    const december = januaryEstimate.minus('2.017');
    const reading = { meterSerialNumber: 'KAMSTRUP-HM-55190', zone: 'HEAT', value: december.plus(3).toFixed(3) };
    const submitted = await t.gql(submit, {
      variables: { input: { supplierId: kharkiv, accountNumber: 'ХТМ-004519', check: 'HOLDER_SURNAME', checkValue: 'Ткаченко', readings: [reading], confirmUnusual: true } },
    });
    expect(expectNoGraphQLErrors(submitted).submitHeatReadingsAnonymously.acceptedReadings).toBe(1);
    const { db } = t.stack.databases.heat;
    const february = and(eq(heatTables.readings.period, '2027-02-01'), eq(heatTables.readings.source, 'ANONYMOUS'));
    await db.update(heatTables.readings).set({ value: '1.000' }).where(february);
    await recordBuilding('2027-02', 32);
    at('2027-03-03T10:00:00Z');
    const failed = expectNoGraphQLErrors(await t.gql(runBilling, { token: operator, variables: { period: '2027-02' } })).runHeatBilling.run;
    expect(failed).toEqual({ billsIssued: 3, accountsFailed: 1 });
    at('2027-03-04T10:00:00Z');
    // Flat 77 counted flat 78 at its estimate, (2.459 + 2.541 + 2.017) / 3 = 2.339.
    const [counted] = lines(await billOf('ХТМ-004518', '2027-02'), 'CHARGE');
    expect(counted![0]).toContain('приміщення з власними лічильниками 2,339 Гкал (з них за оцінкою 2,339 Гкал)');

    // The reading is mended and February run again: it bills flat 78 alone, on its real reading (the run counts all four).
    await db.update(heatTables.readings).set({ value: reading.value }).where(february);
    at('2027-03-05T10:00:00Z');
    const mended = expectNoGraphQLErrors(await t.gql(runBilling, { token: operator, variables: { period: '2027-02' } })).runHeatBilling.run;
    expect(mended).toEqual({ billsIssued: 4, accountsFailed: 0 });
    at('2027-03-06T10:00:00Z');
    const metered = await billOf('ХТМ-004519', '2027-02');
    expect(metered.estimated).toBe(false);
    // 3 Gcal over January's 31 days and February's 28: February's share of them, and January's re-counted.
    const [[, februaryGcal]] = lines(metered, 'CHARGE');
    const [[, januaryDelta]] = lines(metered, 'CORRECTION');
    const januaryGcal = new Big('2.017').plus(januaryDelta).toFixed(3);
    expect(new Big(februaryGcal).plus(januaryGcal).toFixed(3)).toBe('3.000');

    // March: the neighbours' bills correct January (flat 78's estimate replaced) and February (counted at an estimate, billed on a reading).
    at('2027-03-28T10:00:00Z');
    await recordBuilding('2027-03', 28);
    at('2027-04-03T10:00:00Z');
    await run('2027-03');
    at('2027-04-04T10:00:00Z');
    const reason = (period: string, now: string, before: string) =>
      `Перерахунок за ${period}: частку будинкового лічильника перераховано за споживанням приміщень з власними лічильниками, ${now.replace('.', ',')} Гкал замість ${before.replace('.', ',')} Гкал`;
    for (const [number, area] of [['ХТМ-004518', '55.2'], ['ХТМ-004520', '38.7']] as const) {
      const delta = (building: number, now: string, before: string) => ownShare(building, now, area).minus(ownShare(building, before, area));
      const kopDelta = (building: number, now: string, before: string) => kop(ownShare(building, now, area)) - kop(ownShare(building, before, area));
      expect([number, lines(await billOf(number, '2027-03'), 'CORRECTION')]).toEqual([
        number,
        [
          [reason('січень 2027', januaryGcal, '2.017'), delta(30, januaryGcal, '2.017').toFixed(3), uah(kopDelta(30, januaryGcal, '2.017')), '2027-01'],
          [reason('лютий 2027', februaryGcal, '2.339'), delta(32, februaryGcal, '2.339').toFixed(3), uah(kopDelta(32, februaryGcal, '2.339')), '2027-02'],
        ],
      ]);
    }
    // Flat 78's own March bill corrects nothing: both months were billed on its reading already.
    expect(lines(await billOf('ХТМ-004519', '2027-03'), 'CORRECTION')).toEqual([]);
  });
});
