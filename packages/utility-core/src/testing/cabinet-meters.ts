import { randomUUID } from 'node:crypto';
import { Big } from '@kabinet/money';
import { errorCodes, expectErrorCode, expectNoGraphQLErrors } from '@kabinet/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, demoMeterValue, inZoneOrder, localDate, localInstant, meterValue, type CabinetFixture } from './cabinet-fixture';
import { cabinetKit } from './cabinet-kit';

interface Reading {
  zone: string;
  value: string;
  period: string;
  source: string;
}

/** Per month, newest first: `zone value (source)` sorted by zone. */
function byMonth(readings: Reading[]) {
  const months: [string, string[]][] = [];
  for (const reading of readings) {
    if (months.at(-1)?.[0] !== reading.period) months.push([reading.period, []]);
    months.at(-1)![1].push(`${reading.zone} ${reading.value} (${reading.source})`);
  }
  return months.map(([period, zones]) => [period, zones.sort()]);
}

/**
 * Replacing a meter, by the operators of the account's supplier: the old meter keeps its history,
 * closed by its final values in the month of the replacement; the new one reads on from its
 * initial values, in this window and the next.
 */
export function describeCabinetMeterReplacement(fixture: CabinetFixture): void {
  const kit = cabinetKit(fixture);
  const { names, tables } = kit;
  const { open, next } = fixture.windows[0]!;
  const { supplier, account: holderDemo } = kit.demo(fixture.holder);
  const oldDemo = holderDemo.meters[0]!;
  const lastValue = (zoneIndex: number) => demoMeterValue(oldDemo.startValues[zoneIndex]!, oldDemo.monthlyUse[zoneIndex]!, fixture.demoMonths.length);
  const meterFields = `id serialNumber zones digits installedOn lastVerifiedOn verificationIntervalYears nextVerificationDue verificationOverdue removedOn latestReadings { zone value period source }`;
  const metersQuery = `query Meters($id: ID!, $includeRemoved: Boolean) { ${names.account}(id: $id) { meters(includeRemoved: $includeRemoved) { ${meterFields} } } }`;
  const historyQuery = `query History($id: ID!) { ${names.account}(id: $id) { meters(includeRemoved: true) { serialNumber readings(first: 100) { edges { node { zone value period source } } } } } }`;
  const submitMutation = `mutation Submit($input: SubmitReadingsInput!) { ${names.submit}(input: $input) {
    preliminaryCharge { lines { zone quantity unitPrice amount { amount currency } } total { amount currency } } } }`;
  const replaceMutation = `mutation Replace($input: ReplaceMeterInput!) { ${names.replaceMeter}(input: $input) { account { id } meter { ${meterFields} } } }`;

  /** Installed in the month the open window reads, before today; verified on 29 February, every 3 years. */
  const newMeter = {
    serialNumber: 'NEW-2611-0100001',
    zones: oldDemo.zones,
    digits: 6,
    installedOn: `${open.period}-20`,
    lastVerifiedOn: '2024-02-29',
    verificationIntervalYears: 3,
    initialValues: oldDemo.zones.map((zone, index) => ({ zone, value: ['10.5', '3', '7.25'][index]! })),
  };
  /** The old meter read half a month's use more on the day it came out. */
  const finalValues = oldDemo.zones.map((zone, index) => ({ zone, value: meterValue(new Big(lastValue(index)).plus(new Big(oldDemo.monthlyUse[index]!).div(2))) }));
  const monthBefore = addMonths(open.period, -1);

  describe(`replacing a ${fixture.utility} meter`, () => {
    let demo: string;
    let operator: string;
    let accountId: string;
    let oldMeterId: string;

    const metersOf = async (token: string, includeRemoved = false) =>
      expectNoGraphQLErrors(await kit.t.gql(metersQuery, { token, variables: { id: accountId, includeRemoved } }))[names.account].meters as any[];
    const historyOf = async (token: string, serialNumber: string): Promise<Reading[]> => {
      const meters = expectNoGraphQLErrors(await kit.t.gql(historyQuery, { token, variables: { id: accountId } }))[names.account].meters;
      return meters.find((meter: any) => meter.serialNumber === serialNumber).readings.edges.map((edge: any) => edge.node);
    };
    /** `token: null` sends no login. */
    const replace = (input: Record<string, unknown>, token: string | null = operator) =>
      kit.t.gql(replaceMutation, { token: token ?? undefined, variables: { input: { meterId: oldMeterId, finalValues, newMeter, ...input } } });
    const submit = (meterId: string, values: Record<string, string>) =>
      kit.t.gql(submitMutation, { token: demo, variables: { input: { accountId, readings: Object.entries(values).map(([zone, value]) => ({ meterId, zone, value })) } } });
    const newMeterId = async () => (await metersOf(demo)).find((meter) => meter.serialNumber === newMeter.serialNumber).id as string;
    const zonesOf = (value: (zone: string, index: number) => string) => Object.fromEntries(oldDemo.zones.map((zone, index) => [zone, value(zone, index)]));
    const expectCharge = (actual: any, consumption: Record<string, string>) => {
      const expected = fixture.charge(fixture.holder, consumption);
      expect(inZoneOrder(actual.lines)).toEqual(inZoneOrder(expected.lines));
      expect(actual.total).toEqual(expected.total);
    };

    beforeAll(async () => {
      await kit.start();
      demo = await kit.login('demo');
      operator = await kit.operator(fixture.holder.supplier);
      accountId = await kit.accountId(fixture.holder);
      oldMeterId = (await metersOf(demo)).find((meter) => meter.serialNumber === oldDemo.serialNumber).id;
    });
    afterAll(() => kit.stop());

    it('is for the operators of the account\'s supplier only', async () => {
      expectErrorCode(await replace({}, null), 'UNAUTHENTICATED');
      expectErrorCode(await replace({}, demo), 'FORBIDDEN');
      // Another supplier's meter is refused like another supplier's account addressed by id.
      expectErrorCode(await replace({}, await kit.operator(fixture.neighbour.supplier)), 'FORBIDDEN');
      expectErrorCode(await replace({ meterId: randomUUID() }), 'METER_NOT_FOUND');
      expectErrorCode(await replace({ meterId: 'not-a-meter' }), 'METER_NOT_FOUND');
      expect((await metersOf(demo, true)).map((meter) => meter.serialNumber).sort()).toEqual(holderDemo.meters.map((meter) => meter.serialNumber).sort());
    });

    it('refuses final values below the last reading, incomplete values, and impossible dates or zones; nothing changes', async () => {
      const below = expectErrorCode(await replace({ finalValues: finalValues.map((entry, index) => (index === 0 ? { ...entry, value: meterValue(new Big(lastValue(0)).minus(1)) } : entry)) }), 'READING_BELOW_PREVIOUS');
      expect(below.extensions).toMatchObject({ zone: oldDemo.zones[0] });
      expect(meterValue(below.extensions!.previousValue)).toBe(lastValue(0));
      const otherZone = ['SINGLE', 'DAY', 'HEAT'].find((zone) => !oldDemo.zones.includes(zone))!;
      expectErrorCode(await replace({ finalValues: finalValues.slice(1) }), 'INVALID_READING');
      expectErrorCode(await replace({ finalValues: [...finalValues, { zone: otherZone, value: '1' }] }), 'INVALID_READING');
      expectErrorCode(await replace({ newMeter: { ...newMeter, initialValues: newMeter.initialValues.slice(1) } }), 'INVALID_READING');
      expectErrorCode(await replace({ newMeter: { ...newMeter, initialValues: newMeter.initialValues.map((entry, index) => (index === 0 ? { ...entry, value: '-1' } : entry)) } }), 'INVALID_READING');
      const today = localDate(kit.t.clock.now(), supplier.timeZone);
      expectErrorCode(await replace({ newMeter: { ...newMeter, installedOn: addDays(today, 1) } }), 'BAD_USER_INPUT');
      expectErrorCode(await replace({ newMeter: { ...newMeter, installedOn: `${fixture.demoMonths.at(-1)}-20` } }), 'PERIOD_ALREADY_BILLED');
      // Zones no meter of this utility has together.
      const zones = [...oldDemo.zones, otherZone];
      expectErrorCode(await replace({ newMeter: { ...newMeter, zones, initialValues: zones.map((zone) => ({ zone, value: '1' })) } }), 'BAD_USER_INPUT');
      expect((await metersOf(demo, true)).map((meter) => [meter.serialNumber, meter.removedOn]).sort()).toEqual(holderDemo.meters.map((meter) => [meter.serialNumber, null]).sort());
      expect(await historyOf(demo, oldDemo.serialNumber)).toHaveLength((fixture.demoMonths.length + 1) * oldDemo.zones.length);
    });

    it('makes one replacement when two operators replace the same meter at once', async () => {
      // Another account's meter, so the replacement the next tests make stays theirs to make.
      const otherAccount = await kit.accountId(fixture.unheldWithMeter);
      const [other] = await kit.db().select().from(tables.meters).where(eq(tables.meters.accountId, otherAccount));
      const [demoOther] = kit.demo(fixture.unheldWithMeter).account.meters;
      const attempt = (serialNumber: string) =>
        kit.t.gql(replaceMutation, {
          token: operator,
          variables: {
            input: {
              meterId: other!.id,
              finalValues: other!.zones.map((zone, index) => ({ zone, value: meterValue(new Big(demoMeterValue(demoOther!.startValues[index]!, demoOther!.monthlyUse[index]!, fixture.demoMonths.length)).plus(1)) })),
              newMeter: { ...newMeter, serialNumber, zones: other!.zones, initialValues: other!.zones.map((zone) => ({ zone, value: '0' })) },
            },
          },
        });
      const results = await Promise.all([attempt('RACE-A'), attempt('RACE-B')]);
      expect(results.filter((result) => !result.errors)).toHaveLength(1);
      expectErrorCode(results.find((result) => result.errors)!, 'METER_NOT_FOUND');
      const meters = await kit.db().select().from(tables.meters).where(eq(tables.meters.accountId, otherAccount));
      expect(meters.filter((meter) => meter.removedOn === null)).toHaveLength(1);
      expect(meters).toHaveLength(2);
    });

    it('removes the old meter, keeping its history, and puts in the new one from its initial values', async () => {
      const data = expectNoGraphQLErrors(await replace({}))[names.replaceMeter];
      expect(data.account.id).toBe(accountId);
      // 29 February 2024 + 3 years: 28 February 2027.
      const { initialValues, ...fields } = newMeter;
      expect(data.meter).toMatchObject({ ...fields, nextVerificationDue: '2027-02-28', verificationOverdue: false, removedOn: null });
      // The initial values close the month before the installation.
      expect(inZoneOrder(data.meter.latestReadings)).toEqual(inZoneOrder(initialValues.map((entry) => ({ ...entry, period: monthBefore, source: 'OPERATOR' }))));

      const inService = (await metersOf(demo)).map((meter) => meter.serialNumber);
      expect(inService).toContain(newMeter.serialNumber);
      expect(inService).not.toContain(oldDemo.serialNumber);
      const all = (await metersOf(demo, true)).filter((meter) => [oldDemo.serialNumber, newMeter.serialNumber].includes(meter.serialNumber));
      expect(all.map((meter) => [meter.serialNumber, meter.removedOn]).sort()).toEqual([[newMeter.serialNumber, null], [oldDemo.serialNumber, newMeter.installedOn]].sort());

      // The old meter's months stay, closed in the replacement's month by its final values.
      const old = byMonth(await historyOf(demo, oldDemo.serialNumber));
      expect(old[0]).toEqual([open.period, finalValues.map((entry) => `${entry.zone} ${entry.value} (OPERATOR)`).sort()]);
      expect(old.slice(1).map(([period]) => period)).toEqual([...fixture.demoMonths, addMonths(fixture.demoMonths[0]!, -1)].sort().reverse());
      // The operator sees the same.
      expect(byMonth(await historyOf(operator, oldDemo.serialNumber))).toEqual(old);
      expectErrorCode(await replace({}), 'METER_NOT_FOUND'); // removed already
    });

    it('compares the next reading of the new meter with its initial values, not the old meter\'s', async () => {
      const meterId = await newMeterId();
      const initial = (index: number) => new Big(newMeter.initialValues[index]!.value);
      const firstBelow = zonesOf((_, index) => meterValue(index === 0 ? initial(index).minus('0.1') : initial(index).plus(20)));
      const below = expectErrorCode(await submit(meterId, firstBelow), 'READING_BELOW_PREVIOUS');
      expect(below.extensions).toMatchObject({ meterId, zone: oldDemo.zones[0], previousValue: newMeter.initialValues[0]!.value });
      const used = zonesOf((_, index) => ['50', '20', '12.5'][index]!);
      const values = zonesOf((zone, index) => meterValue(initial(index).plus(used[zone]!)));
      expectCharge(expectNoGraphQLErrors(await submit(meterId, values))[names.submit].preliminaryCharge, used);
      expect(byMonth(await historyOf(demo, newMeter.serialNumber))).toEqual([
        [open.period, Object.entries(values).map(([zone, value]) => `${zone} ${value} (PORTAL)`).sort()],
        [monthBefore, newMeter.initialValues.map((entry) => `${entry.zone} ${entry.value} (OPERATOR)`).sort()],
      ]);
    });

    it('keeps the removed meter\'s final values: the holder cannot overwrite them with a reading of that meter', async () => {
      const response = await submit(oldMeterId, zonesOf((_, index) => meterValue(new Big(finalValues[index]!.value).plus(10))));
      expect(errorCodes(response), JSON.stringify(response.data ?? response.errors)).toEqual(['INVALID_READING']);
      expect(byMonth(await historyOf(demo, oldDemo.serialNumber))[0]).toEqual([open.period, finalValues.map((entry) => `${entry.zone} ${entry.value} (OPERATOR)`).sort()]);
    });

    it('takes the next month\'s readings for the new meter only, from what it read last', async () => {
      kit.at(localInstant(addDays(next.opensOn, 1), '10:00', supplier.timeZone));
      expectErrorCode(await submit(oldMeterId, zonesOf((_, index) => meterValue(new Big(finalValues[index]!.value).plus(10)))), 'INVALID_READING');
      const meterId = await newMeterId();
      // What it read in the window before: the last month of its history.
      const lastMonth = (await historyOf(demo, newMeter.serialNumber)).filter((reading) => reading.period === open.period);
      const previous = Object.fromEntries(lastMonth.map((reading) => [reading.zone, reading.value]));
      const used = zonesOf((_, index) => ['100', '40', '25'][index]!);
      const values = zonesOf((zone) => meterValue(new Big(previous[zone]!).plus(used[zone]!)));
      expectCharge(expectNoGraphQLErrors(await submit(meterId, values))[names.submit].preliminaryCharge, used);
      expect(byMonth(await historyOf(demo, newMeter.serialNumber))[0]).toEqual([next.period, Object.entries(values).map(([zone, value]) => `${zone} ${value} (PORTAL)`).sort()]);
    });
  });
}
