import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@kabinet/auth';
import { demoSupplierId, demoUsers } from '@kabinet/demo';
import { Big } from '@kabinet/money';
import { expectErrorCode, expectNoGraphQLErrors, loginAs, pdfText, startTestStack, type TestStack } from '@kabinet/testing';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tables from './db/schema';
import { loadHeatPricingData } from './pricing/load';

/*
 * Heat & hot water as a household and a supplier's operator use it, through the gateway: linking
 * with each proof, readings in the supplier's window with a preliminary charge, the heating season,
 * a building meter, and bills for metered, apportioned and norm-based premises worked out here by
 * hand from the demo's data (subgraphs/heat/src/demo.ts), not read back from the pricing code.
 */

const kyiv = demoSupplierId('heat', 'kyiv-teplo');
const poltava = demoSupplierId('heat', 'poltava-teplo');
const kharkiv = demoSupplierId('heat', 'kharkiv-teplo');

const link = `mutation ($input: LinkAccountInput!) { linkHeatAccount(input: $input) { account { id accountNumber premises { heatedArea heating hotWater } } } }`;
const unlink = `mutation ($input: AccountIdInput!) { unlinkHeatAccount(input: $input) { accountId } }`;
const submit = `mutation ($input: SubmitReadingsInput!) { submitHeatReadings(input: $input) {
  readings { zone value period } preliminaryCharge { lines { description zone quantity amount { amount } } total { amount currency } } } }`;
const anonymous = `mutation ($input: SubmitReadingsAnonymouslyInput!) { submitHeatReadingsAnonymously(input: $input) {
  period acceptedReadings preliminaryCharge { lines { description amount { amount } } total { amount } } } }`;
const accountQuery = `query ($id: ID!) { heatAccount(id: $id) { accountNumber meters { id serialNumber zones latestReading { value } } } }`;
const byNumber = `query ($n: String!) { heatAccountByNumber(accountNumber: $n) { id accountNumber
  premises { heatedArea occupants heating hotWater building { id address commonAreaShare latestReading { period value } } }
  bill(period: "2026-11") { period charges { amount } pdfUrl lines { description zone quantity unitPrice amount { amount } } } } }`;

/** Kopiyky of a quantity (3 decimals) at a price, rounded half up: how a bill line is priced. */
const kop = (quantity: Big, price: string) => Number(quantity.times(price).times(100).round(0, Big.roundHalfUp).toFixed(0));
const g3 = (value: Big) => value.round(3, Big.roundHalfUp);
const uah = (minor: number) => (minor / 100).toFixed(2);

describe('heat & hot water through the gateway', () => {
  let t: TestStack;
  let demo: string;
  const operatorOf = (supplierId: string) =>
    signAccessToken(t.stack.tokenKeys, { userId: randomUUID(), role: 'OPERATOR', supplierIds: [supplierId], sessionId: randomUUID() });
  const customer = () => signAccessToken(t.stack.tokenKeys, { userId: randomUUID(), role: 'CUSTOMER', sessionId: randomUUID() });
  const accountId = async (supplierId: string, accountNumber: string) => {
    const [row] = await t.stack.database.db
      .select({ id: tables.accounts.id })
      .from(tables.accounts)
      .where(and(eq(tables.accounts.supplierId, supplierId), eq(tables.accounts.accountNumber, accountNumber)));
    return row!.id;
  };

  beforeAll(async () => {
    // 28 November, 12:00 in Kyiv: November's readings are taken (Kyiv: last week through the 1st;
    // Poltava: from the 5th to the month's end); the demo has bills for February to October.
    t = await startTestStack({ now: '2026-11-28T10:00:00Z' });
    demo = await loginAs(t, demoUsers.demo);
  });
  afterAll(() => t?.stop());

  describe('linking, with each proof a supplier takes', () => {
    it('links by the last payment (Kyiv), once its holder has released it', async () => {
      const kyivAccount = await accountId(kyiv, '260114400118700');
      expectNoGraphQLErrors(await t.gql(unlink, { token: demo, variables: { input: { accountId: kyivAccount } } }));
      const someone = await customer();
      const proof = (value: string) => ({ supplierId: kyiv, accountNumber: '2601 1440 0118 700', proof: { kind: 'LAST_PAYMENT_AMOUNT', value } });
      expectErrorCode(await t.gql(link, { token: someone, variables: { input: proof('1623,41') } }), 'LINK_PROOF_REJECTED');
      // The demo payment of 1623.40, typed with a decimal comma.
      const linked = expectNoGraphQLErrors(await t.gql(link, { token: someone, variables: { input: proof('1623,40') } })).linkHeatAccount.account;
      expect(linked).toMatchObject({ accountNumber: '260114400118700', premises: { heatedArea: '62.50', heating: 'METER', hotWater: 'METER' } });
      // Back to the demo login, the way it came.
      expectNoGraphQLErrors(await t.gql(unlink, { token: someone, variables: { input: { accountId: kyivAccount } } }));
      expectNoGraphQLErrors(await t.gql(link, { token: demo, variables: { input: proof('1623.40') } }));
    });

    it('links by a receipt code, by the holder\'s surname and by an office code (Kharkiv)', async () => {
      const [bill] = await t.stack.database.db
        .select({ receiptCode: tables.bills.receiptCode })
        .from(tables.bills)
        .where(eq(tables.bills.accountId, await accountId(kharkiv, 'ХТМ-004519')))
        .orderBy(desc(tables.bills.period))
        .limit(1);
      const byReceipt = await t.gql(link, { token: await customer(), variables: { input: { supplierId: kharkiv, accountNumber: 'ХТМ-004519', proof: { kind: 'RECEIPT_CODE', value: bill!.receiptCode } } } });
      expect(expectNoGraphQLErrors(byReceipt).linkHeatAccount.account.premises.heating).toBe('METER');

      const bySurname = await t.gql(link, { token: await customer(), variables: { input: { supplierId: kharkiv, accountNumber: 'хтм-004520', proof: { kind: 'HOLDER_SURNAME', value: 'гриценко' } } } });
      expect(expectNoGraphQLErrors(bySurname).linkHeatAccount.account).toMatchObject({ accountNumber: 'ХТМ-004520', premises: { heating: 'BUILDING' } });

      const issued = await t.gql(`mutation { issueHeatLinkCode(input: { accountNumber: "ХТМ-000731" }) { linkCode { code } } }`, { token: await operatorOf(kharkiv) });
      const code = expectNoGraphQLErrors(issued).issueHeatLinkCode.linkCode.code;
      const byCode = await t.gql(link, { token: await customer(), variables: { input: { supplierId: kharkiv, accountNumber: 'ХТМ-000731', proof: { kind: 'OFFICE_CODE', value: code } } } });
      expect(expectNoGraphQLErrors(byCode).linkHeatAccount.account.premises.heating).toBe('NORM');
    });

    it('refuses a proof the supplier does not take', async () => {
      const response = await t.gql(link, { token: await customer(), variables: { input: { supplierId: kyiv, accountNumber: '260114400203000', proof: { kind: 'HOLDER_SURNAME', value: 'Бондар' } } } });
      expectErrorCode(response, 'PROOF_NOT_ACCEPTED');
    });
  });

  describe('readings in the supplier\'s window', () => {
    it('takes heat and hot water and answers with a preliminary charge: metered heat inside the season, hot water by its meter', async () => {
      const id = await accountId(kyiv, '260114400118700');
      const { meters } = expectNoGraphQLErrors(await t.gql(accountQuery, { token: demo, variables: { id } })).heatAccount;
      const heat = meters.find((meter: any) => meter.zones[0] === 'HEAT');
      const water = meters.find((meter: any) => meter.zones[0] === 'HOT_WATER');
      // October closed the meters at start + 9 months of use: heat 41.25 + 9 × 1.62, hot water 312.4 + 9 × 3.8.
      expect(heat.latestReading.value).toBe('55.83');
      expect(water.latestReading.value).toBe('346.6');
      const response = await t.gql(submit, {
        token: demo,
        variables: { input: { accountId: id, readings: [{ meterId: heat.id, zone: 'HEAT', value: '57,45' }, { meterId: water.id, zone: 'HOT_WATER', value: '350.4' }] } },
      });
      const { readings, preliminaryCharge } = expectNoGraphQLErrors(response).submitHeatReadings;
      expect(readings.map((reading: any) => `${reading.zone} ${reading.value} ${reading.period}`).sort()).toEqual(['HEAT 57.45 2026-11', 'HOT_WATER 350.4 2026-11']);
      // 1.62 Gcal × 1654.18 = 2679.7716 → 2679.77; 3.8 m³ × 99.11 = 376.618 → 376.62.
      expect(preliminaryCharge.lines).toEqual([
        { description: 'Опалення за лічильником', zone: 'HEAT', quantity: '1.62', amount: { amount: '2679.77' } },
        { description: 'Гаряча вода за лічильником', zone: 'HOT_WATER', quantity: '3.8', amount: { amount: '376.62' } },
      ]);
      expect(preliminaryCharge.total).toEqual({ amount: '3056.39', currency: 'UAH' });
    });

    it('takes readings without a login by the account number and the address', async () => {
      const response = await t.gql(anonymous, {
        variables: {
          input: {
            supplierId: kyiv,
            accountNumber: '260114400203000',
            check: 'ADDRESS',
            checkValue: 'м. Київ, вул. Саксаганського 70, кв 11',
            readings: [{ meterSerialNumber: 'ZENNER-HW-9902', zone: 'HOT_WATER', value: '73.1' }],
          },
        },
      });
      // October: 44.1 + 9 × 2.9 = 70.2; 2.9 m³ × 99.11 = 287.419 → 287.42.
      expect(expectNoGraphQLErrors(response).submitHeatReadingsAnonymously).toEqual({
        period: '2026-11',
        acceptedReadings: 1,
        preliminaryCharge: { lines: [{ description: 'Гаряча вода за лічильником', amount: { amount: '287.42' } }], total: { amount: '287.42' } },
      });
    });

    it('refuses readings on the 3rd while bills are calculated, saying when the window reopens', async () => {
      const id = await accountId(kyiv, '260114400118700');
      const { meters } = expectNoGraphQLErrors(await t.gql(accountQuery, { token: demo, variables: { id } })).heatAccount;
      t.clock.set('2026-12-03T10:00:00Z');
      try {
        const refused = await t.gql(submit, {
          token: demo,
          headers: { 'accept-language': 'uk' },
          variables: { input: { accountId: id, readings: [{ meterId: meters[0].id, zone: meters[0].zones[0], value: '99' }] } },
        });
        const error = expectErrorCode(refused, 'READING_WINDOW_CLOSED');
        expect(error.extensions).toMatchObject({ period: '2026-12', opensOn: '2026-12-25', closesOn: '2027-01-01' });
        expect(error.message).toContain('з 25 грудня 2026');
      } finally {
        t.clock.set('2026-11-28T10:00:00Z');
      }
    });
  });

  describe('the heating season', () => {
    it('is opened and closed by the supplier\'s operator, and public to read', async () => {
      const operator = await operatorOf(poltava);
      expectErrorCode(await t.gql(`mutation { openHeatingSeason(input: { startsOn: "2026-11-20" }) { season { startsOn } } }`, { token: operator }), 'HEATING_SEASON_ALREADY_OPEN');
      const closed = await t.gql(`mutation { closeHeatingSeason(input: { endsOn: "2026-11-10" }) { season { startsOn endsOn } } }`, { token: operator });
      expect(expectNoGraphQLErrors(closed).closeHeatingSeason.season).toEqual({ startsOn: '2026-10-16', endsOn: '2026-11-10' });
      const reopened = await t.gql(`mutation { openHeatingSeason(input: { startsOn: "2026-11-21" }) { season { startsOn endsOn } } }`, { token: operator });
      expect(expectNoGraphQLErrors(reopened).openHeatingSeason.season).toEqual({ startsOn: '2026-11-21', endsOn: null });
      // October is billed: its days cannot change any more.
      expectErrorCode(await t.gql(`mutation { closeHeatingSeason(input: { endsOn: "2026-10-20" }) { season { endsOn } } }`, { token: operator }), 'PERIOD_ALREADY_BILLED');
      const seasons = expectNoGraphQLErrors(await t.gql(`query ($s: ID!) { heatingSeasons(supplierId: $s) { startsOn endsOn } }`, { variables: { s: poltava } })).heatingSeasons;
      expect(seasons.slice(0, 2)).toEqual([
        { startsOn: '2026-11-21', endsOn: null },
        { startsOn: '2026-10-16', endsOn: '2026-11-10' },
      ]);
      // Another supplier's operator and a customer cannot.
      expectErrorCode(await t.gql(`mutation { closeHeatingSeason(input: { endsOn: "2026-11-29" }) { season { endsOn } } }`, { token: await customer() }), 'FORBIDDEN');
    });
  });

  describe('November\'s bills, to the kopiyka', () => {
    const building = { commonShare: '0.12', areas: { 'ХТМ-004518': '55.2', 'ХТМ-004519': '61', 'ХТМ-004520': '38.7' } };
    let operator: string;

    beforeAll(async () => {
      operator = await operatorOf(kharkiv);
      // The metered flat's heat meter: October's value and 4 Gcal more in November.
      const meteredId = await accountId(kharkiv, 'ХТМ-004519');
      const metered = expectNoGraphQLErrors(await t.gql(byNumber, { token: operator, variables: { n: 'ХТМ-004519' } })).heatAccountByNumber;
      expect(metered.id).toBe(meteredId);
      const { meters } = expectNoGraphQLErrors(await t.gql(accountQuery, { token: operator, variables: { id: meteredId } })).heatAccount;
      const october = new Big(meters[0].latestReading.value);
      // A cold November: more than three times the usual, so the household confirms it.
      const reading = { meterSerialNumber: 'KAMSTRUP-HM-55190', zone: 'HEAT', value: october.plus(4).toFixed(3) };
      expectNoGraphQLErrors(
        await t.gql(anonymous, {
          variables: { input: { supplierId: kharkiv, accountNumber: 'ХТМ-004519', check: 'HOLDER_SURNAME', checkValue: 'Ткаченко', readings: [reading], confirmUnusual: true } },
        }),
      );
    });

    it('prices a submission from its own premises and building only, not every premises of the supplier', async () => {
      const db = t.stack.database.db;
      const [supplier] = await db.select().from(tables.suppliers).where(eq(tables.suppliers.id, kharkiv));
      const inBuilding = await accountId(kharkiv, 'ХТМ-004518');
      const [outside] = await db
        .select({ accountId: tables.premises.accountId })
        .from(tables.premises)
        .innerJoin(tables.accounts, eq(tables.accounts.id, tables.premises.accountId))
        .where(and(eq(tables.accounts.supplierId, kharkiv), isNull(tables.premises.buildingId)));
      const everyone = await loadHeatPricingData(db, supplier!);
      expect(everyone.premises.size).toBe(4);
      // A flat of the building: its neighbours come too (the building's heat is shared by area).
      const flat = await loadHeatPricingData(db, supplier!, [inBuilding]);
      expect([...flat.premises.keys()].sort()).toEqual((await Promise.all(Object.keys(building.areas).map((number) => accountId(kharkiv, number)))).sort());
      expect([...flat.buildings.values()].map((row) => row.premises.length)).toEqual([3]);
      const alone = await loadHeatPricingData(db, supplier!, [outside!.accountId]);
      expect([...alone.premises.keys()]).toEqual([outside!.accountId]);
      expect(alone.buildings.size).toBe(0);
      // A quote prices no account: the tariffs alone.
      const quote = await loadHeatPricingData(db, supplier!, []);
      expect([quote.premises.size, quote.buildings.size, quote.tariffs.size]).toEqual([0, 0, everyone.tariffs.size]);
    });

    it('takes the building meter\'s November value from the operator, and refuses a lower one', async () => {
      const flat = expectNoGraphQLErrors(await t.gql(byNumber, { token: operator, variables: { n: 'ХТМ-004518' } })).heatAccountByNumber;
      expect(flat.premises).toMatchObject({ heatedArea: '55.20', occupants: 2, heating: 'BUILDING', hotWater: 'NORM', building: { commonAreaShare: '12.00' } });
      const { id, latestReading } = flat.premises.building;
      expect(latestReading.period).toBe('2026-10');
      const record = (value: string) =>
        t.gql(`mutation ($input: RecordBuildingReadingInput!) { recordBuildingReading(input: $input) { reading { period value } consumption } }`, {
          token: operator,
          variables: { input: { buildingId: id, period: '2026-11', value } },
        });
      expectErrorCode(await record(new Big(latestReading.value).minus(1).toFixed(3)), 'READING_BELOW_PREVIOUS');
      // A month to come has no value yet; it would stand as the building's latest one.
      expectErrorCode(
        await t.gql(`mutation ($input: RecordBuildingReadingInput!) { recordBuildingReading(input: $input) { consumption } }`, { token: operator, variables: { input: { buildingId: id, period: '2027-05', value: '999999' } } }),
        'PERIOD_NOT_STARTED',
      );
      // October is billed: its value stays as billed.
      expectErrorCode(
        await t.gql(`mutation ($input: RecordBuildingReadingInput!) { recordBuildingReading(input: $input) { consumption } }`, { token: operator, variables: { input: { buildingId: id, period: '2026-10', value: latestReading.value } } }),
        'PERIOD_ALREADY_BILLED',
      );
      const recorded = expectNoGraphQLErrors(await record(new Big(latestReading.value).plus(36).toFixed(3))).recordBuildingReading;
      expect(recorded).toEqual({ reading: { period: '2026-11', value: new Big(latestReading.value).plus(36).toFixed(3) }, consumption: '36.000' });
      expectErrorCode(await t.gql(`mutation ($input: RecordBuildingReadingInput!) { recordBuildingReading(input: $input) { consumption } }`, { token: await operatorOf(kyiv), variables: { input: { buildingId: id, period: '2026-11', value: '1' } } }), 'BUILDING_NOT_FOUND');
    });

    it('bills every premises after the run: the building\'s 36 Gcal apportioned, the metered flat by its meter, the norm-based one by its area', async () => {
      // November's window closed on 1 December; the run on the 3rd, the bills issued on the 4th.
      t.clock.set('2026-12-03T10:00:00Z');
      const run = await t.gql(`mutation { runHeatBilling(input: { period: "2026-11" }) { run { billsIssued accountsFailed } } }`, { token: operator });
      expect(expectNoGraphQLErrors(run).runHeatBilling.run).toEqual({ billsIssued: 4, accountsFailed: 0 });
      t.clock.set('2026-12-04T10:00:00Z');

      // 36 Gcal: 12% (4.32) heats the common areas, split by area among all three flats (154.9 m²);
      // the metered flat used 4; the 27.68 left go to the two flats without meters (93.9 m²).
      const common = new Big(36).times(building.commonShare);
      const rest = new Big(36).minus(common).minus(4);
      const allArea = new Big('154.9');
      const commonOf = (flat: keyof typeof building.areas) => g3(common.times(building.areas[flat]).div(allArea));
      const ownOf = (flat: keyof typeof building.areas) => g3(rest.times(building.areas[flat]).div('93.9'));
      const billOf = async (number: string) => expectNoGraphQLErrors(await t.gql(byNumber, { token: operator, variables: { n: number } })).heatAccountByNumber.bill;
      const amounts = (bill: any) => bill.lines.map((line: any) => [line.description, line.quantity, line.amount.amount]);

      // Flat 77 (55.2 m², two occupants): its share of the rest and of the common areas at 1540.00; hot water by the norm, 2 × 3.1 m³ at 87.40.
      // Each share says how it was worked out from the building's meter, on the bill and in its PDF.
      const meter = 'за показами будинкового лічильника 36,000 Гкал';
      const ownWorking = `${meter} − місця загального користування 12% 4,320 Гкал − приміщення з власними лічильниками 4,000 Гкал = 27,680 Гкал; ` +
        `27,680 Гкал × 55,20 м² / 93,90 м² площі приміщень без лічильників = 16,272 Гкал`;
      const commonWorking = (area: string, gcal: string) => `${meter} × 12% = 4,320 Гкал; 4,320 Гкал × ${area} м² / 154,90 м² площі всіх приміщень = ${gcal} Гкал`;
      const apportioned = await billOf('ХТМ-004518');
      expect(commonOf('ХТМ-004518').toFixed(3)).toBe('1.539');
      expect(amounts(apportioned)).toEqual([
        [`Опалення за будинковим лічильником, частка площі 55,20 м² (${ownWorking})`, ownOf('ХТМ-004518').toString(), uah(kop(ownOf('ХТМ-004518'), '1540'))],
        [`Опалення місць загального користування, частка площі 55,20 м² (${commonWorking('55,20', '1,539')})`, commonOf('ХТМ-004518').toString(), uah(kop(commonOf('ХТМ-004518'), '1540'))],
        ['Гаряча вода за нормою, 2 ос. × 3,1 м³', '6.2', '541.88'],
      ]);
      expect(ownOf('ХТМ-004518').toString()).toBe('16.272');
      expect(apportioned.charges.amount).toBe('27970.82');
      const file = await fetch(apportioned.pdfUrl);
      // Saved under the account's own name: the plain fallback keeps what of it is ASCII, never just the month.
      expect(file.headers.get('content-disposition')).toBe(`inline; filename="bill--004518-2026-11.pdf"; filename*=UTF-8''${encodeURIComponent('bill-ХТМ-004518-2026-11.pdf')}`);
      const printed = pdfText(Buffer.from(await file.arrayBuffer()), { layout: false });
      for (const working of [ownWorking, commonWorking('55,20', '1,539')]) expect(printed).toContain(working);

      // Flat 78 (61 m², three occupants): its own 4 Gcal, its common-area share, hot water 3 × 3.1 m³.
      const metered = await billOf('ХТМ-004519');
      expect(amounts(metered)).toEqual([
        ['Опалення за лічильником', '4', '6160.00'],
        [`Опалення місць загального користування, частка площі 61,00 м² (${commonWorking('61,00', '1,701')})`, '1.701', '2619.54'],
        ['Гаряча вода за нормою, 3 ос. × 3,1 м³', '9.3', '812.82'],
      ]);
      expect(metered.charges.amount).toBe('9592.36');

      // Flat 19 on Sumska street, no meter: 44 m² × 0.019 Gcal/m² = 0.836 Gcal at 1540.00, hot water 1 × 3.1 m³.
      const norm = await billOf('ХТМ-000731');
      expect(amounts(norm)).toEqual([
        ['Опалення за нормою, 44,00 м² × 0,019 Гкал/м²', '0.836', '1287.44'],
        ['Гаряча вода за нормою, 1 ос. × 3,1 м³', '3.1', '270.94'],
      ]);
      expect(norm.charges.amount).toBe('1558.38');
    });
  });
});
