import { randomUUID } from 'node:crypto';
import { Big } from '@kabinet/money';
import { errorCodes, expectErrorCode, expectNoGraphQLErrors, type GraphQLResponse } from '@kabinet/testing';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DemoMeter } from '../seed';
import {
  addDays,
  addMonths,
  demoMeterValue,
  inZoneOrder,
  localInstant,
  meterValue,
  type AccountRef,
  type CabinetFixture,
  type ExpectedCharge,
} from './cabinet-fixture';
import { cabinetKit, demoHolders, SUBMIT, SUBMIT_ANONYMOUSLY } from './cabinet-kit';

interface Reading {
  zone: string;
  value: string;
  period: string;
  readAt: string;
  source: string;
}

interface Meter {
  id: string;
  serialNumber: string;
  zones: string[];
  readings: Reading[];
}

/** Every supplier keeps the default floor: a month's consumption above 1000 (and three times the usual) wants confirming. */
const unusualFloor = 1000;
const allZones = ['SINGLE', 'DAY', 'NIGHT', 'HALF_PEAK', 'PEAK', 'HEAT', 'HOT_WATER'];

/** `zone → value (source)` of one month of a meter's history; every zone at most once. */
function month(meter: { readings: Reading[] }, period: string) {
  const rows = meter.readings.filter((reading) => reading.period === period);
  expect(new Set(rows.map((row) => row.zone)).size, JSON.stringify(rows)).toBe(rows.length);
  return Object.fromEntries(rows.map((row) => [row.zone, `${row.value} (${row.source})`]));
}

/** Per month, newest first: `zone value (source)` sorted by zone (the order inside a month is not specified). */
function byMonth(readings: Reading[]) {
  const months: [string, string[]][] = [];
  for (const reading of readings) {
    if (months.at(-1)?.[0] !== reading.period) months.push([reading.period, []]);
    months.at(-1)![1].push(`${reading.zone} ${reading.value} (${reading.source})`);
  }
  return months.map(([period, zones]) => [period, zones.sort()]);
}

/**
 * Meter readings end to end, as the cabinet app and the "submit without registering" page send
 * them: reading history, the supplier's reading window on its own calendar, the checks on a
 * value, replacement of a reading within the window, and preliminary charges priced by the
 * fixture from the demo tariffs.
 */
export function describeCabinetReadings(fixture: CabinetFixture): void {
  const kit = cabinetKit(fixture);
  const { names, tables } = kit;
  const lastDemoMonth = fixture.demoMonths.at(-1)!;
  const openWindow = fixture.windows[0]!.open;
  const accountQuery = `query Account($id: ID!, $first: Int = 100) { ${names.account}(id: $id) { readingWindow { period opensOn closesOn isOpen }
    meters { id serialNumber zones readings(first: $first) { edges { node { zone value period readAt source } } } } } }`;
  const historyQuery = `query History($id: ID!, $first: Int, $after: String) { ${names.account}(id: $id) {
    meters { serialNumber readings(first: $first, after: $after) { edges { cursor node { zone value period readAt source } } pageInfo { hasNextPage endCursor } } } } }`;
  const byNumberQuery = `query ByNumber($number: String!, $first: Int = 100) { ${names.accountByNumber}(accountNumber: $number) {
    meters { serialNumber readings(first: $first) { edges { node { zone value period readAt source } } } } } }`;

  /** The demo value closing the last demo month (what the next reading is compared with), by meter and zone. */
  const lastValue = (meter: DemoMeter, zoneIndex: number) => demoMeterValue(meter.startValues[zoneIndex]!, meter.monthlyUse[zoneIndex]!, fixture.demoMonths.length);
  const demoMetersOf = (ref: AccountRef) => kit.demo(ref).account.meters;
  const demoMeter = (ref: AccountRef, serialNumber: string) => demoMetersOf(ref).find((meter) => meter.serialNumber === serialNumber)!;
  const holderLogin = (ref: AccountRef) => (kit.demo(ref).account.holderUserId === demoHolders.demo.id ? 'demo' : 'second');
  const timeZoneOf = (ref: AccountRef) => kit.demo(ref).supplier.timeZone;

  async function metersOf(token: string, accountId: string) {
    const account = expectNoGraphQLErrors(await kit.t.gql(accountQuery, { token, variables: { id: accountId } }))[names.account];
    return {
      window: account.readingWindow,
      meters: account.meters.map((meter: any) => ({ ...meter, readings: meter.readings.edges.map((edge: any) => edge.node) })) as Meter[],
    };
  }

  /** One entry per zone of each of the account's meters: `value(demo meter, zone index)`. */
  const entries = (meters: Meter[], ref: AccountRef, value: (meter: DemoMeter, zoneIndex: number) => string) =>
    meters.flatMap((meter) => meter.zones.map((zone, index) => ({ meterId: meter.id, zone, value: value(demoMeter(ref, meter.serialNumber), index) })));
  /** The demo's last value plus `quantity(demo meter, zone index)`, and that consumption by zone. */
  function advance(meters: Meter[], ref: AccountRef, quantity: (meter: DemoMeter, zoneIndex: number) => Big) {
    const readings = entries(meters, ref, (meter, index) => meterValue(new Big(lastValue(meter, index)).plus(quantity(meter, index))));
    const consumption = Object.fromEntries(
      meters.flatMap((meter) => meter.zones.map((zone, index) => [zone, meterValue(quantity(demoMeter(ref, meter.serialNumber), index))])),
    );
    return { readings, consumption };
  }
  const monthsUse = (meter: DemoMeter, index: number) => new Big(meter.monthlyUse[index]!);

  function expectCharge(actual: any, period: string, expected: ExpectedCharge) {
    expect(actual.period).toBe(period);
    expect(inZoneOrder(actual.lines)).toEqual(inZoneOrder(expected.lines));
    expect(actual.corrections).toEqual({ amount: '0.00', currency: expected.total.currency });
    expect(actual.vat).toEqual(expected.vat);
    expect(actual.total).toEqual(expected.total);
  }

  describe(`${fixture.utility} readings`, () => {
    let demo: string;
    let holder: { id: string; meters: Meter[] };
    const tokens = {} as Record<'demo' | 'second', string>;

    beforeAll(async () => {
      // Behind a trusted proxy, each submission without a login comes from its own client address.
      await kit.start({ env: { TRUST_PROXY: 'true' } });
      tokens.demo = demo = await kit.login('demo');
      tokens.second = await kit.login('second');
      const id = await kit.accountId(fixture.holder);
      holder = { id, meters: (await metersOf(demo, id)).meters };
    });
    afterAll(() => kit.stop());
    afterEach(() => kit.at(fixture.windowOpen));

    const submit = (accountId: string, readings: unknown[], options: { token?: string; confirmUnusual?: boolean } = {}) =>
      kit.t.gql(SUBMIT(names), {
        token: 'token' in options ? options.token : demo,
        variables: { input: { accountId, readings, ...(options.confirmUnusual === undefined ? {} : { confirmUnusual: options.confirmUnusual }) } },
      });
    const holderMonth = async (period = openWindow.period) => (await metersOf(demo, holder.id)).meters.map((meter) => month(meter, period));
    const nothingIn = () => holder.meters.map(() => ({}));

    describe('history', () => {
      async function historyPage(variables: { first?: number; after?: string }) {
        const response = await kit.t.gql(historyQuery, { token: demo, variables: { id: holder.id, ...variables } });
        const meter = response.data?.[names.account]?.meters[0];
        return { response, page: meter?.readings as { edges: { cursor: string; node: Reading }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
      }

      it('lists every reading of each meter, newest month first, with its source: months billed on an estimate among them', async () => {
        const { account } = kit.demo(fixture.holder);
        const months = [addMonths(fixture.demoMonths[0]!, -1), ...fixture.demoMonths];
        for (const meter of holder.meters) {
          const seeded = demoMeter(fixture.holder, meter.serialNumber);
          const expected = months
            .map((period, index) => {
              // A month without a reading is billed on the average of the months before: the same use again.
              const source = index > 0 && account.missedMonths?.includes(index - 1) ? 'ESTIMATE' : 'PORTAL';
              return [period, meter.zones.map((zone, zoneIndex) => `${zone} ${demoMeterValue(seeded.startValues[zoneIndex]!, seeded.monthlyUse[zoneIndex]!, index)} (${source})`).sort()];
            })
            .reverse();
          expect(byMonth(meter.readings)).toEqual(expected);
        }
      });

      it('pages through the history with cursors: no reading twice, none left out', async () => {
        const all = holder.meters[0]!.readings;
        const seen: Reading[] = [];
        const hasNext: boolean[] = [];
        let after: string | undefined;
        do {
          const { response, page } = await historyPage({ first: 3, ...(after ? { after } : {}) });
          expectNoGraphQLErrors(response);
          seen.push(...page.edges.map((edge) => edge.node));
          hasNext.push(page.pageInfo.hasNextPage);
          expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
          after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor! : undefined;
        } while (after && hasNext.length < 20);
        const pages = Math.ceil(all.length / 3);
        expect(hasNext).toEqual([...Array(pages - 1).fill(true), false]);
        expect(seen).toEqual(all);
        expect(all).toHaveLength((fixture.demoMonths.length + 1) * holder.meters[0]!.zones.length);
        // The default page is a year of months' readings.
        const { response, page } = await historyPage({});
        expectNoGraphQLErrors(response);
        expect(page.edges.map((edge) => edge.node)).toEqual(all.slice(0, 12));
      });

      it('refuses a `first` over 100 or below 0, and cursors this list did not hand out (the ledger\'s among them)', async () => {
        const { page } = await historyPage({ first: 2 });
        expectNoGraphQLErrors((await historyPage({ first: 100, after: page.pageInfo.endCursor! })).response);
        const ledger = await kit.t.gql(`query ($id: ID!) { ${names.account}(id: $id) { ledger(first: 1) { pageInfo { endCursor } } } }`, { token: demo, variables: { id: holder.id } });
        const ledgerCursor = expectNoGraphQLErrors(ledger)[names.account].ledger.pageInfo.endCursor;
        for (const variables of [
          { first: 101 },
          { first: -1 },
          { after: 'not-a-cursor' },
          { after: Buffer.from('s2026-10-01|not-a-uuid').toString('base64url') },
          { after: Buffer.from(`x2026-10-01|${randomUUID()}`).toString('base64url') },
          { first: 3, after: ledgerCursor },
        ]) {
          const { response } = await historyPage(variables);
          expect(errorCodes(response), JSON.stringify(variables)).toEqual(['BAD_USER_INPUT']);
        }
      });
    });

    describe('through the portal', () => {
      it('refuses a reading below the previous one, naming it, and stores none of the submission', async () => {
        const [first] = holder.meters;
        const lowered = entries(holder.meters, fixture.holder, (meter, index) =>
          meter.serialNumber === first!.serialNumber && index === 0 ? meterValue(new Big(lastValue(meter, index)).minus('0.001')) : meterValue(new Big(lastValue(meter, index)).plus(1)),
        );
        const below = expectErrorCode(await submit(holder.id, lowered), 'READING_BELOW_PREVIOUS');
        const seeded = demoMeter(fixture.holder, first!.serialNumber);
        expect(below.extensions).toMatchObject({ meterId: first!.id, zone: first!.zones[0], previousValue: lastValue(seeded, 0), previousPeriod: lastDemoMonth });

        // Every value is fine but the last one: none may be stored either.
        const lastOne = lowered.length - 1;
        const onlyLastBelow = entries(holder.meters, fixture.holder, (meter, index) => meterValue(new Big(lastValue(meter, index)).plus(1))).map((entry, position) =>
          position === lastOne ? { ...entry, value: meterValue(new Big(entry.value).minus('1.001')) } : entry,
        );
        expect(onlyLastBelow.length).toBeGreaterThanOrEqual(2);
        const last = expectErrorCode(await submit(holder.id, onlyLastBelow), 'READING_BELOW_PREVIOUS');
        expect(last.extensions).toMatchObject({ meterId: onlyLastBelow[lastOne]!.meterId, zone: onlyLastBelow[lastOne]!.zone });
        expect(await holderMonth()).toEqual(nothingIn());
      });

      it('wants every zone of a meter once, of a meter of this account in service (INVALID_READING)', async () => {
        const valid = entries(holder.meters, fixture.holder, (meter, index) => meterValue(new Big(lastValue(meter, index)).plus(1)));
        const [first] = valid;
        const meter = holder.meters[0]!;
        const elsewhere = (await metersOf(demo, await kit.accountId(fixture.holderElsewhere))).meters;
        const multiZone = holder.meters.find((candidate) => candidate.zones.length > 1);
        if (multiZone) {
          const missing = expectErrorCode(await submit(holder.id, valid.filter((entry) => !(entry.meterId === multiZone.id && entry.zone === multiZone.zones[1]))), 'INVALID_READING');
          expect(missing.extensions).toMatchObject({ missingZones: [multiZone.zones[1]] });
        }
        for (const readings of [
          [],
          [...valid, first!],
          [...valid, { ...first!, zone: allZones.find((zone) => !meter.zones.includes(zone))! }],
          [...valid, { meterId: randomUUID(), zone: 'SINGLE', value: '1' }],
          [...valid, ...entries(elsewhere, fixture.holderElsewhere, (demoOne, index) => meterValue(new Big(lastValue(demoOne, index)).plus(1)))],
          valid.map((entry) => ({ ...entry, meterId: 'not-a-meter' })),
        ]) {
          expectErrorCode(await submit(holder.id, readings), 'INVALID_READING');
        }
        expect(await holderMonth()).toEqual(nothingIn());
      });

      it.each(['-1', '1e5', '19 300', '19,300.5', '100,1234', '100.1234', '', 'abc', '0x4B64', 'NaN', '1000000', '100.'])('refuses the malformed value %j', async (value) => {
        const readings = entries(holder.meters, fixture.holder, (meter, index) => meterValue(new Big(lastValue(meter, index)).plus(1)));
        expectErrorCode(await submit(holder.id, [{ ...readings[0]!, value }, ...readings.slice(1)]), 'INVALID_READING');
        expect(await holderMonth()).toEqual(nothingIn());
      });

      it('lets only the holder submit: another customer, staff and strangers are refused, nothing is stored', async () => {
        const { readings } = advance(holder.meters, fixture.holder, monthsUse);
        const operator = await kit.operator(fixture.holder.supplier);
        for (const token of [tokens.second, (await kit.customer()).token, operator]) expectErrorCode(await submit(holder.id, readings, { token }), 'FORBIDDEN');
        expectErrorCode(await submit(holder.id, readings, { token: undefined }), 'UNAUTHENTICATED');
        expectErrorCode(await submit(randomUUID(), readings), 'ACCOUNT_NOT_FOUND');
        expectErrorCode(await submit('not-an-account', readings), 'ACCOUNT_NOT_FOUND');
        expect(await holderMonth()).toEqual(nothingIn());
      });

      it('answers with the readings as stored and a preliminary charge of the consumption since the last reading', async () => {
        const { readings, consumption } = advance(holder.meters, fixture.holder, (meter, index) => monthsUse(meter, index).minus('0.543'));
        const data = expectNoGraphQLErrors(await submit(holder.id, readings))[names.submit];
        expectCharge(data.preliminaryCharge, openWindow.period, fixture.charge(fixture.holder, consumption));
        expect(data.account.id).toBe(holder.id);
        const stored = data.readings.map((reading: Reading) => ({ ...reading, readAt: new Date(reading.readAt).toISOString() }));
        expect(inZoneOrder(stored)).toEqual(
          inZoneOrder(readings.map((entry) => ({ zone: entry.zone, value: entry.value, period: openWindow.period, readAt: new Date(fixture.windowOpen).toISOString(), source: 'PORTAL' }))),
        );
      });

      it('replaces the earlier reading when submitted again in the same window', async () => {
        const nextDay = new Date(new Date(fixture.windowOpen).getTime() + 24 * 3600_000);
        kit.at(nextDay);
        const { readings, consumption } = advance(holder.meters, fixture.holder, monthsUse);
        const data = expectNoGraphQLErrors(await submit(holder.id, readings))[names.submit];
        expectCharge(data.preliminaryCharge, openWindow.period, fixture.charge(fixture.holder, consumption));
        const { meters } = await metersOf(demo, holder.id);
        for (const meter of meters) {
          const own = readings.filter((entry) => entry.meterId === meter.id);
          expect(month(meter, openWindow.period)).toEqual(Object.fromEntries(own.map((entry) => [entry.zone, `${entry.value} (PORTAL)`])));
          expect(meter.readings.filter((reading) => reading.period === openWindow.period).map((reading) => new Date(reading.readAt).toISOString())).toEqual(own.map(() => nextDay.toISOString()));
          // The demo months, the month before them and this one: one reading a zone each.
          expect(meter.readings).toHaveLength((fixture.demoMonths.length + 2) * meter.zones.length);
        }
      });

      it('stores a submission sent again as it was (a retry after no answer, twice at once) as one reading, read when first sent', async () => {
        const { readings, consumption } = advance(holder.meters, fixture.holder, (meter, index) => monthsUse(meter, index).plus('0.125'));
        const firstSent = new Date(new Date(fixture.windowOpen).getTime() + 2 * 3600_000);
        kit.at(firstSent);
        const first = expectNoGraphQLErrors(await submit(holder.id, readings))[names.submit];
        // The gateway gave up waiting; the app sends it again a minute later, from two tabs at once.
        kit.at(new Date(firstSent.getTime() + 60_000));
        const again = await Promise.all([submit(holder.id, readings), submit(holder.id, readings)]);
        for (const response of again) {
          const data = expectNoGraphQLErrors(response)[names.submit];
          expect(data.readings).toEqual(first.readings);
          expectCharge(data.preliminaryCharge, openWindow.period, fixture.charge(fixture.holder, consumption));
        }
        const { meters } = await metersOf(demo, holder.id);
        for (const meter of meters) {
          const own = readings.filter((entry) => entry.meterId === meter.id);
          expect(month(meter, openWindow.period)).toEqual(Object.fromEntries(own.map((entry) => [entry.zone, `${entry.value} (PORTAL)`])));
          expect(meter.readings.filter((reading) => reading.period === openWindow.period).map((reading) => new Date(reading.readAt).toISOString())).toEqual(own.map(() => firstSent.toISOString()));
          expect(meter.readings).toHaveLength((fixture.demoMonths.length + 2) * meter.zones.length);
        }
        // Straight from the table: one row per meter zone for the month.
        const rows = await kit
          .db()
          .select({ meterId: tables.readings.meterId, zone: tables.readings.zone })
          .from(tables.readings)
          .where(eq(tables.readings.period, `${openWindow.period}-01`));
        const submitted = rows.filter((row) => readings.some((entry) => entry.meterId === row.meterId && entry.zone === row.zone));
        expect(submitted).toHaveLength(readings.length);
        // Restores the reading the next tests expect.
        expectNoGraphQLErrors(await submit(holder.id, advance(holder.meters, fixture.holder, monthsUse).readings));
      });

      it('takes a reading typed with a decimal comma, as people type it', async () => {
        const { readings, consumption } = advance(holder.meters, fixture.holder, (meter, index) => monthsUse(meter, index).plus('0.25'));
        const typed = readings.map((entry) => ({ ...entry, value: entry.value.replace('.', ',') }));
        expect(typed.every((entry) => entry.value.includes(','))).toBe(true);
        const data = expectNoGraphQLErrors(await submit(holder.id, typed))[names.submit];
        expect(data.readings.map((reading: Reading) => `${reading.zone} ${reading.value}`).sort()).toEqual(readings.map((entry) => `${entry.zone} ${entry.value}`).sort());
        expectCharge(data.preliminaryCharge, openWindow.period, fixture.charge(fixture.holder, consumption));
        // Restores the reading the next tests expect.
        expectNoGraphQLErrors(await submit(holder.id, advance(holder.meters, fixture.holder, monthsUse).readings));
      });

      it(`wants confirmUnusual for a month's consumption above ${unusualFloor} and three times the usual, and stores nothing without it`, async () => {
        const usual = advance(holder.meters, fixture.holder, monthsUse);
        const [first] = holder.meters;
        const withFirst = (quantity: string) =>
          advance(holder.meters, fixture.holder, (meter, index) => (meter.serialNumber === first!.serialNumber && index === 0 ? new Big(quantity) : monthsUse(meter, index)));
        const stored = () => holderMonth();
        const before = await stored();
        expect(before).toEqual(
          holder.meters.map((meter) => Object.fromEntries(usual.readings.filter((entry) => entry.meterId === meter.id).map((entry) => [entry.zone, `${entry.value} (PORTAL)`]))),
        );

        const unusual = expectErrorCode(await submit(holder.id, withFirst(`${unusualFloor}.001`).readings), 'UNUSUAL_CONSUMPTION');
        expect(unusual.extensions?.readings).toEqual([{ meterId: first!.id, serialNumber: first!.serialNumber, zone: first!.zones[0], monthlyConsumption: `${unusualFloor}.001` }]);
        expectErrorCode(await submit(holder.id, withFirst(`${unusualFloor * 1.5}`).readings, { confirmUnusual: false }), 'UNUSUAL_CONSUMPTION');
        expect(await stored()).toEqual(before);

        const atFloor = withFirst(`${unusualFloor}`);
        const accepted = expectNoGraphQLErrors(await submit(holder.id, atFloor.readings))[names.submit];
        expectCharge(accepted.preliminaryCharge, openWindow.period, fixture.charge(fixture.holder, atFloor.consumption));
        const confirmedInput = withFirst(`${unusualFloor * 1.5}`);
        const confirmed = expectNoGraphQLErrors(await submit(holder.id, confirmedInput.readings, { confirmUnusual: true }))[names.submit];
        expectCharge(confirmed.preliminaryCharge, openWindow.period, fixture.charge(fixture.holder, confirmedInput.consumption));
        expect((await stored())[0]![first!.zones[0]!]).toBe(`${confirmedInput.readings[0]!.value} (PORTAL)`);
      });
    });

    describe('without a login', () => {
      const anonymously = (ip: string, input: Record<string, unknown>) =>
        kit.t.gql(SUBMIT_ANONYMOUSLY(names), { variables: { input }, headers: { 'x-forwarded-for': ip } });
      const unheld = fixture.unheldWithMeter;
      const [unheldMeter] = kit.demo(unheld).account.meters;
      const unheldLast = () => lastValue(unheldMeter!, 0);
      /** One reading of the unheld account's meter, with a check of who is submitting. */
      const unheldInput = (value: string, check: { check: string; checkValue: string } = { check: 'HOLDER_SURNAME', checkValue: kit.demo(unheld).account.holderSurname }) => ({
        supplierId: kit.supplierId(unheld.supplier),
        accountNumber: unheld.number,
        ...check,
        readings: [{ meterSerialNumber: unheldMeter!.serialNumber, zone: unheldMeter!.zones[0], value }],
      });
      const byOperator = async (ref: AccountRef) => {
        const data = expectNoGraphQLErrors(await kit.t.gql(byNumberQuery, { token: await kit.operator(ref.supplier), variables: { number: ref.number } }));
        return { readings: data[names.accountByNumber].meters[0].readings.edges.map((edge: any) => edge.node) as Reading[] };
      };
      const unheldCharge = (quantity: Big) => fixture.charge(unheld, { [unheldMeter!.zones[0]!]: meterValue(quantity) });

      beforeAll(() => {
        expect(unheldMeter!.zones).toHaveLength(1);
      });

      it('accepts the account number with the holder\'s surname, answers with a preliminary charge, and stores the reading as ANONYMOUS', async () => {
        const quantity = new Big(unheldMeter!.monthlyUse[0]!).plus('0.5');
        const value = meterValue(new Big(unheldLast()).plus(quantity));
        const typedSurname = ` ${kit.demo(unheld).account.holderSurname.toLocaleLowerCase('uk')} `;
        const data = expectNoGraphQLErrors(await anonymously('203.0.113.1', unheldInput(value, { check: 'HOLDER_SURNAME', checkValue: typedSurname })))[names.submitAnonymously];
        expect(data).toMatchObject({ period: openWindow.period, acceptedReadings: 1 });
        expectCharge(data.preliminaryCharge, openWindow.period, unheldCharge(quantity));
        expect(month(await byOperator(unheld), openWindow.period)).toEqual({ [unheldMeter!.zones[0]!]: `${value} (ANONYMOUS)` });
      });

      it('accepts the address as printed (punctuation aside) instead, replacing the earlier reading of the window', async () => {
        const quantity = new Big(unheldMeter!.monthlyUse[0]!).minus('0.25');
        const value = meterValue(new Big(unheldLast()).plus(quantity));
        const address = kit.demo(unheld).account.address.replace(/,/g, '');
        const data = expectNoGraphQLErrors(await anonymously('203.0.113.1', unheldInput(value, { check: 'ADDRESS', checkValue: address })))[names.submitAnonymously];
        expectCharge(data.preliminaryCharge, openWindow.period, unheldCharge(quantity));
        expect(month(await byOperator(unheld), openWindow.period)).toEqual({ [unheldMeter!.zones[0]!]: `${value} (ANONYMOUS)` });
      });

      it('gives one answer, ACCOUNT_CHECK_FAILED, for a wrong check and for an unknown account, and stores nothing', async () => {
        const before = month(await byOperator(unheld), openWindow.period);
        const value = meterValue(new Big(unheldLast()).plus(1));
        const address = kit.demo(unheld).account.address;
        const otherFlat = address.replace(/(\d+)(\D*)$/, (_, number: string, rest: string) => `${Number(number) + 1}${rest}`);
        expect(otherFlat).not.toBe(address);
        const answers = [
          await anonymously('203.0.113.2', unheldInput(value, { check: 'HOLDER_SURNAME', checkValue: kit.demo(fixture.holder).account.holderSurname })),
          await anonymously('203.0.113.2', unheldInput(value, { check: 'ADDRESS', checkValue: otherFlat })),
          await anonymously('203.0.113.2', { ...unheldInput(value), accountNumber: fixture.unknownNumber(unheld.supplier) }),
        ].map((response: GraphQLResponse) => {
          const { message, extensions } = expectErrorCode(response, 'ACCOUNT_CHECK_FAILED');
          return { message, extensions };
        });
        expect(answers[1]).toEqual(answers[0]);
        expect(answers[2]).toEqual(answers[0]);
        expect(month(await byOperator(unheld), openWindow.period)).toEqual(before);
      });

      it('shows the holder a reading submitted without a login as ANONYMOUS, priced like one from the portal', async () => {
        const { readings, consumption } = advance(holder.meters, fixture.holder, monthsUse);
        const typedNumber = `${fixture.holder.number.slice(0, 4)} ${fixture.holder.number.slice(4)}`;
        const bySerial = readings.map((entry) => ({ meterSerialNumber: holder.meters.find((meter) => meter.id === entry.meterId)!.serialNumber, zone: entry.zone, value: entry.value }));
        const data = expectNoGraphQLErrors(
          await anonymously('203.0.113.3', {
            supplierId: kit.supplierId(fixture.holder.supplier),
            accountNumber: typedNumber,
            check: 'HOLDER_SURNAME',
            checkValue: kit.demo(fixture.holder).account.holderSurname,
            readings: bySerial.reverse(),
          }),
        )[names.submitAnonymously];
        expect(data.acceptedReadings).toBe(readings.length);
        expectCharge(data.preliminaryCharge, openWindow.period, fixture.charge(fixture.holder, consumption));
        expect(await holderMonth()).toEqual(
          holder.meters.map((meter) => Object.fromEntries(readings.filter((entry) => entry.meterId === meter.id).map((entry) => [entry.zone, `${entry.value} (ANONYMOUS)`]))),
        );
      });

      it('applies the same rules as the portal: unknown serial, lower value, unusual consumption, malformed value', async () => {
        const ip = '203.0.113.4';
        const before = month(await byOperator(unheld), openWindow.period);
        const last = new Big(unheldLast());
        expectErrorCode(await anonymously(ip, { ...unheldInput(meterValue(last.plus(1))), readings: [{ meterSerialNumber: 'NO-SUCH-METER', zone: unheldMeter!.zones[0], value: '1' }] }), 'INVALID_READING');
        expectErrorCode(await anonymously(ip, unheldInput(meterValue(last.minus('0.001')))), 'READING_BELOW_PREVIOUS');
        expectErrorCode(await anonymously(ip, unheldInput(meterValue(last.plus(unusualFloor + 0.5)))), 'UNUSUAL_CONSUMPTION');
        expectErrorCode(await anonymously(ip, unheldInput(`${last.plus(1).round(0, Big.roundDown).toString()},1234`)), 'INVALID_READING');
        expect(month(await byOperator(unheld), openWindow.period)).toEqual(before);
      });

      it('allows 10 submissions a day per account, from any address (RATE_LIMITED after), counting failed checks', async () => {
        const elsewhere = fixture.unheldElsewhere;
        const [meter] = kit.demo(elsewhere).account.meters;
        const input = (checkValue = kit.demo(elsewhere).account.holderSurname) => ({
          supplierId: kit.supplierId(elsewhere.supplier),
          accountNumber: elsewhere.number,
          check: 'HOLDER_SURNAME',
          checkValue,
          readings: meter!.zones.map((zone, index) => ({ meterSerialNumber: meter!.serialNumber, zone, value: meterValue(new Big(lastValue(meter!, index)).plus(meter!.monthlyUse[index]!)) })),
        });
        expectNoGraphQLErrors(await anonymously('203.0.113.6', input()));
        for (let attempt = 2; attempt <= 10; attempt++) expectErrorCode(await anonymously(`203.0.113.${attempt + 5}`, input('Іваненко')), 'ACCOUNT_CHECK_FAILED');
        for (const ip of ['203.0.113.6', '198.51.100.77']) {
          const limited = expectErrorCode(await anonymously(ip, input()), 'RATE_LIMITED');
          expect(limited.extensions?.retryAfterSeconds).toBeGreaterThan(0);
          expect(limited.extensions?.retryAfterSeconds).toBeLessThanOrEqual(24 * 3600);
        }
        // Straight from the table: the one reading accepted, as sent.
        const stored = await kit
          .db()
          .select({ zone: tables.readings.zone, value: tables.readings.value, source: tables.readings.source })
          .from(tables.readings)
          .innerJoin(tables.meters, eq(tables.meters.id, tables.readings.meterId))
          .where(and(eq(tables.meters.serialNumber, meter!.serialNumber), eq(tables.readings.period, `${openWindow.period}-01`)));
        expect(stored.map((row) => ({ ...row, value: meterValue(row.value) }))).toEqual(
          input().readings.map((reading) => ({ zone: reading.zone, value: reading.value, source: 'ANONYMOUS' })),
        );
      });

      it('allows 30 submissions an hour per client address (RATE_LIMITED after), whatever the accounts', async () => {
        const ip = '192.0.2.30';
        const before = month(await byOperator(unheld), openWindow.period);
        const value = meterValue(new Big(unheldLast()).plus(unheldMeter!.monthlyUse[0]!).plus(1));
        for (let attempt = 1; attempt <= 30; attempt++) {
          expectErrorCode(await anonymously(ip, { ...unheldInput(value), accountNumber: fixture.unknownNumber(unheld.supplier, attempt) }), 'ACCOUNT_CHECK_FAILED');
        }
        expectErrorCode(await anonymously(ip, unheldInput(value)), 'RATE_LIMITED');
        expect(month(await byOperator(unheld), openWindow.period)).toEqual(before);
        // Another address is not held back.
        expectNoGraphQLErrors(await anonymously('192.0.2.31', unheldInput(value)));
        expect(month(await byOperator(unheld), openWindow.period)).toEqual({ [unheldMeter!.zones[0]!]: `${value} (ANONYMOUS)` });
      });
    });

    describe('reading windows, on the supplier\'s calendar', () => {
      /** Submits each zone of the account's meters at its October value plus `increment`, at `instant`. */
      async function submitAt(ref: AccountRef, instant: string, increment: number) {
        kit.at(instant);
        const token = tokens[holderLogin(ref)];
        const id = await kit.accountId(ref);
        const { meters } = await metersOf(token, id);
        return { meters, response: await submit(id, entries(meters, ref, (meter, index) => meterValue(new Big(lastValue(meter, index)).plus(increment))), { token }) };
      }

      it.each(fixture.windows.map((window) => ({ ...window, name: `${window.account.supplier} (${window.open.opensOn} to ${window.open.closesOn})` })))(
        '$name: accepted until 23:59 local time on the last day, refused from 00:00 with the next window',
        async ({ account, open, next }) => {
          const timeZone = timeZoneOf(account);
          const token = tokens[holderLogin(account)];
          const id = await kit.accountId(account);
          // 23:30 and 23:59 on the last day, in the supplier's time zone: still open.
          for (const [time, increment] of [['23:30', 10], ['23:59', 20]] as const) {
            const { response, meters } = await submitAt(account, localInstant(open.closesOn, time, timeZone), increment);
            const data = expectNoGraphQLErrors(response)[names.submit];
            expect(data.preliminaryCharge.period).toBe(open.period);
            expect(data.readings.map((reading: Reading) => reading.period)).toEqual(meters.flatMap((meter) => meter.zones.map(() => open.period)));
          }
          expect((await metersOf(token, id)).window).toEqual({ ...open, isOpen: true });

          // 00:01 and 00:10 the next day there: closed, naming the next window.
          for (const time of ['00:01', '00:10']) {
            const { response } = await submitAt(account, localInstant(addDays(open.closesOn, 1), time, timeZone), 30);
            expect(expectErrorCode(response, 'READING_WINDOW_CLOSED').extensions).toMatchObject(next);
          }
          const closed = await metersOf(token, id);
          expect(closed.window).toEqual({ ...next, isOpen: false });
          // The refused submission stored nothing: the month keeps the 23:59 values.
          for (const meter of closed.meters) {
            const seeded = demoMeter(account, meter.serialNumber);
            expect(month(meter, open.period)).toEqual(Object.fromEntries(meter.zones.map((zone, index) => [zone, `${meterValue(new Big(lastValue(seeded, index)).plus(20))} (PORTAL)`])));
          }
        },
      );

      it('opens at 00:00 local time on its first day', async () => {
        const { account, open } = fixture.windows[0]!;
        const timeZone = timeZoneOf(account);
        const refused = await submitAt(account, localInstant(addDays(open.opensOn, -1), '23:59', timeZone), 5);
        expect(expectErrorCode(refused.response, 'READING_WINDOW_CLOSED').extensions).toMatchObject(open);
        expectNoGraphQLErrors((await submitAt(account, localInstant(open.opensOn, '00:01', timeZone), 5)).response);
      });

      it('refuses a submission without a login outside the window too, naming the next window', async () => {
        kit.at(fixture.windowClosed.at);
        const [meter] = kit.demo(fixture.unheldWithMeter).account.meters;
        const response = await kit.t.gql(SUBMIT_ANONYMOUSLY(names), {
          headers: { 'x-forwarded-for': '203.0.113.99' },
          variables: {
            input: {
              supplierId: kit.supplierId(fixture.unheldWithMeter.supplier),
              accountNumber: fixture.unheldWithMeter.number,
              check: 'HOLDER_SURNAME',
              checkValue: kit.demo(fixture.unheldWithMeter).account.holderSurname,
              readings: [{ meterSerialNumber: meter!.serialNumber, zone: meter!.zones[0], value: meterValue(new Big(lastValue(meter!, 0)).plus(1)) }],
            },
          },
        });
        expect(expectErrorCode(response, 'READING_WINDOW_CLOSED').extensions).toMatchObject(fixture.windowClosed.next);
      });
    });
  });
}
