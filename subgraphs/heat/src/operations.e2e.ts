import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@kabinet/auth';
import { demoSupplierId } from '@kabinet/demo';
import { Big } from '@kabinet/money';
import { expectErrorCode, expectNoGraphQLErrors, startTestStack, type TestStack } from '@kabinet/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tables from './db/schema';

/*
 * Heat as operators and the public use it in a January: the demo is billed through December
 * (the stack starts on 10 January 2027, inside the heating season that opened on 16 October).
 */

const kharkiv = demoSupplierId('heat', 'kharkiv-teplo');
const poltava = demoSupplierId('heat', 'poltava-teplo');
const kyiv = demoSupplierId('heat', 'kyiv-teplo');

const runBilling = `mutation ($period: String!) { runHeatBilling(input: { period: $period }) { run { period billsIssued accountsFailed } } }`;
const recordReading = `mutation ($input: RecordBuildingReadingInput!) { recordBuildingReading(input: $input) { reading { period value } consumption } }`;
const buildingsQuery = `query { heatBuildings { id address latestReading { period value } } }`;
const runsQuery = `query { heatBillingRuns { period } }`;

describe('heat operations in January', () => {
  let t: TestStack;
  const operatorOf = (supplierId: string) =>
    signAccessToken(t.stack.tokenKeys, { userId: randomUUID(), role: 'OPERATOR', supplierIds: [supplierId], sessionId: randomUUID() });

  beforeAll(async () => {
    t = await startTestStack({ now: '2027-01-10T10:00:00Z' });
  });
  afterAll(() => t?.stop());

  describe('ids as typed', () => {
    it('answers an id that names nothing with a typed error, never an internal one', async () => {
      const admin = await signAccessToken(t.stack.tokenKeys, { userId: randomUUID(), role: 'ADMIN', sessionId: randomUUID() });
      const seasons = `query ($s: ID!) { heatingSeasons(supplierId: $s) { startsOn } }`;
      expectErrorCode(await t.gql(seasons, { variables: { s: 'not-a-uuid' } }), 'SUPPLIER_NOT_FOUND');
      expectErrorCode(await t.gql(seasons, { variables: { s: randomUUID() } }), 'SUPPLIER_NOT_FOUND');
      expect(expectNoGraphQLErrors(await t.gql(seasons, { variables: { s: kharkiv } })).heatingSeasons[0]).toEqual({ startsOn: '2026-10-16' });
      expectErrorCode(await t.gql(`mutation { closeHeatingSeason(input: { endsOn: "2027-01-20", supplierId: "not-a-uuid" }) { season { endsOn } } }`, { token: admin }), 'SUPPLIER_NOT_FOUND');
      expectErrorCode(await t.gql(`mutation { openHeatingSeason(input: { startsOn: "2027-01-20", supplierId: "not-a-uuid" }) { season { endsOn } } }`, { token: admin }), 'SUPPLIER_NOT_FOUND');
      // Shaped like a uuid to a loose pattern, not to Postgres.
      const notABuilding = { buildingId: '-'.repeat(36), period: '2026-12', value: '1' };
      expectErrorCode(await t.gql(recordReading, { token: await operatorOf(kharkiv), variables: { input: notABuilding } }), 'BUILDING_NOT_FOUND');
    });
  });

  describe('the tariff calculator', () => {
    const quote = `query ($input: TariffQuoteInput!) { heatTariffQuote(input: $input) { lines { description zone quantity amount { amount } } vat { amount } total { amount currency } } }`;
    const household = [{ zone: 'HEAT', value: '1.5' }, { zone: 'HOT_WATER', value: '3' }];

    it('prices a household\'s heat and hot water together, with the monthly fee once', async () => {
      // Poltava: 1.5 Gcal × 1760.42 = 2640.63; 3 m³ × 95.20 = 285.60; the fee 12.50.
      const residential = expectNoGraphQLErrors(await t.gql(quote, { variables: { input: { supplierId: poltava, consumption: household } } })).heatTariffQuote;
      expect(residential).toEqual({
        lines: [
          { description: 'Опалення за лічильником', zone: 'HEAT', quantity: '1.5', amount: { amount: '2640.63' } },
          { description: 'Гаряча вода за лічильником', zone: 'HOT_WATER', quantity: '3', amount: { amount: '285.60' } },
          { description: 'Абонентська плата', zone: null, quantity: null, amount: { amount: '12.50' } },
        ],
        vat: null,
        total: { amount: '2938.73', currency: 'UAH' },
      });
      // A business pays VAT once, on the whole net 2938.73.
      const [supplier] = await t.stack.database.db.select().from(tables.suppliers).where(eq(tables.suppliers.id, poltava));
      const vatMinor = Number(new Big(293873).times(supplier!.vatRateBasisPoints).div(10_000).round(0, Big.roundHalfUp).toFixed(0));
      const business = expectNoGraphQLErrors(await t.gql(quote, { variables: { input: { supplierId: poltava, accountKind: 'BUSINESS', consumption: household } } })).heatTariffQuote;
      expect(business.vat).toEqual({ amount: (vatMinor / 100).toFixed(2) });
      expect(business.total.amount).toBe(((293873 + vatMinor) / 100).toFixed(2));
    });
  });

  describe('consumption history', () => {
    const history = `query ($n: String!) { heatAccountByNumber(accountNumber: $n) { consumptionHistory(months: 1) { period zones { zone value unit } total } } }`;
    const december = async (supplierId: string, number: string) => {
      const months = expectNoGraphQLErrors(await t.gql(history, { token: await operatorOf(supplierId), variables: { n: number } })).heatAccountByNumber.consumptionHistory;
      expect(months[0].period).toBe('2026-12');
      return months[0];
    };

    it('shows metered zones by their meters, in their units, and never adds Gcal to m³', async () => {
      expect(await december(kyiv, '260114400118700')).toEqual({
        period: '2026-12',
        zones: [{ zone: 'HEAT', value: '1.62', unit: 'Гкал' }, { zone: 'HOT_WATER', value: '3.8', unit: 'м³' }],
        total: null,
      });
    });

    it('shows what norm-based and apportioned premises were billed', async () => {
      // 48.3 m² × 0.0185 Gcal/m² = 0.894 Gcal by the norm, hot water 2.9 m³ by its meter.
      expect((await december(kyiv, '260114400203000')).zones).toEqual([
        { zone: 'HOT_WATER', value: '2.9', unit: 'м³' },
        { zone: 'HEAT', value: '0.894', unit: 'Гкал' },
      ]);
      // 44 m² × 0.019 = 0.836 Gcal and 1 occupant × 3.1 m³, both by the norm.
      expect((await december(kharkiv, 'ХТМ-000731')).zones).toEqual([
        { zone: 'HEAT', value: '0.836', unit: 'Гкал' },
        { zone: 'HOT_WATER', value: '3.1', unit: 'м³' },
      ]);
      // Flat 77 (55.2 m²): its share of what the building's meter measured in December, less 12% for
      // the common areas and what the metered flat 78 used, among the 93.9 m² without a meter, plus
      // its share of the common areas among all 154.9 m²; hot water 2 × 3.1 m³ by the norm.
      const [building] = await t.stack.database.db.select().from(tables.buildings).where(eq(tables.buildings.supplierId, kharkiv));
      const values = await t.stack.database.db.select().from(tables.buildingReadings).where(eq(tables.buildingReadings.buildingId, building!.id));
      const valueOf = (period: string) => new Big(values.find((reading) => reading.period === period)!.value);
      const measured = valueOf('2026-12-01').minus(valueOf('2026-11-01'));
      const metered = new Big((await december(kharkiv, 'ХТМ-004519')).zones.find((zone: any) => zone.zone === 'HEAT').value);
      const common = measured.times('0.12');
      const g3 = (value: Big) => value.round(3, Big.roundHalfUp);
      const heat = g3(measured.minus(common).minus(metered).times('55.2').div('93.9')).plus(g3(common.times('55.2').div('154.9')));
      expect(await december(kharkiv, 'ХТМ-004518')).toEqual({
        period: '2026-12',
        zones: [{ zone: 'HEAT', value: heat.toString(), unit: 'Гкал' }, { zone: 'HOT_WATER', value: '6.2', unit: 'м³' }],
        total: null,
      });
    });
  });

  describe('a building meter\'s month billed before its reading is entered', () => {
    it('refuses the whole run, naming the building, and bills every flat once the reading is in', async () => {
      const operator = await operatorOf(kharkiv);
      const [building] = expectNoGraphQLErrors(await t.gql(buildingsQuery, { token: operator })).heatBuildings;
      expect(building.latestReading.period).toBe('2026-12');
      // January's window closed on 1 February; the operator runs billing on the 3rd, before entering the building meter.
      t.clock.set('2027-02-03T10:00:00Z');
      const refused = expectErrorCode(await t.gql(runBilling, { token: operator, headers: { 'accept-language': 'uk' }, variables: { period: '2027-01' } }), 'BUILDING_READING_MISSING');
      expect(refused.extensions).toMatchObject({ period: '2027-01', buildings: [{ id: building.id, address: 'м. Харків, просп. Науки, 40' }] });
      expect(refused.message).toBe('Будинковий лічильник (м. Харків, просп. Науки, 40) не має показання за 2027-01: внесіть його до розрахунку місяця');
      // Nothing of January was billed or started: the month is still open to the building's reading.
      expect(expectNoGraphQLErrors(await t.gql(runsQuery, { token: operator })).heatBillingRuns[0].period).toBe('2026-12');

      const value = (Number(building.latestReading.value) + 3.9).toFixed(3);
      const recorded = expectNoGraphQLErrors(await t.gql(recordReading, { token: operator, variables: { input: { buildingId: building.id, period: '2027-01', value } } }));
      expect(recorded.recordBuildingReading).toEqual({ reading: { period: '2027-01', value }, consumption: '3.900' });

      const run = expectNoGraphQLErrors(await t.gql(runBilling, { token: operator, variables: { period: '2027-01' } })).runHeatBilling.run;
      expect(run).toEqual({ period: '2027-01', billsIssued: 4, accountsFailed: 0 });
      // Now its flats are billed for January, and the value stays as billed.
      expectErrorCode(await t.gql(recordReading, { token: operator, variables: { input: { buildingId: building.id, period: '2027-01', value } } }), 'PERIOD_ALREADY_BILLED');
    });
  });
});
