import { Big } from '@kabinet/money';
import {
  addMonths,
  chargeOf,
  lineMinor,
  meteredLine,
  minorOf,
  printedAmount,
  type AccountRef,
  type CabinetFixture,
  type DemoBill,
  type ExpectedBillLine,
  type ExpectedCharge,
} from '@kabinet/utility-core/testing';
import * as tables from '../db/schema';
import { demoSuppliers } from '../demo';

/**
 * What heat's end-to-end tests share. The domain clock starts on 28 November 2026 at 12:00 in
 * Kyiv: November's reading windows are open at every demo supplier (Kyiv, Kharkiv and Kamchatka
 * from the 24th through 1 December, Poltava from the 5th to the 30th), and the demo holds
 * readings and bills for February to October, a whole heating season (16 October to 10 April).
 */
export const november28 = '2026-11-28T10:00:00Z';

/** The supplier's tariff in force (the demo has one per supplier). */
const tariffOf = (supplierCode: string) => {
  const supplier = demoSuppliers.find((candidate) => candidate.code === supplierCode)!;
  return { ...supplier.tariffs.at(-1)!, currency: supplier.currency };
};

/**
 * What was measured, priced: Gcal of heat at the supplier's price per Gcal, m³ of hot water at its
 * price per m³. A preliminary charge prices only that; the norms and the monthly fee come with the bill.
 */
function heatCharge(account: AccountRef, consumption: Record<string, string>): ExpectedCharge {
  const tariff = tariffOf(account.supplier);
  const price: Record<string, string> = { HEAT: tariff.heatPerGcal, HOT_WATER: tariff.hotWaterPerM3 };
  return chargeOf(
    Object.entries(consumption).map(([zone, quantity]) => meteredLine(zone, quantity, price[zone]!, tariff.currency)),
    tariff.currency,
  );
}

/** A quantity of a zone priced at Kyiv's tariff, as a bill line prints it. */
function kyivTeplo(zone: 'HEAT' | 'HOT_WATER', quantity: string): string {
  const tariff = tariffOf('kyiv-teplo');
  return printedAmount(lineMinor(quantity, zone === 'HEAT' ? tariff.heatPerGcal : tariff.hotWaterPerM3));
}

/**
 * 260114400203000 heats by the norm, 48.30 m² × 0.0185 Gcal/m² a month of heating at Kyiv's price per
 * Gcal: a whole month in season is 0.894 Gcal (0.89355), a line of each of its bills from November on.
 */
const normHeating: ExpectedBillLine = {
  kind: 'CHARGE',
  description: 'Опалення за нормою, 48,30 м² × 0,0185 Гкал/м²',
  zone: 'HEAT',
  quantity: '0.894',
  unitPrice: '1654.18',
  amount: { amount: kyivTeplo('HEAT', '0.894'), currency: 'UAH' },
  correctedPeriod: null,
};

/**
 * What 260114400203000's demo bills charged, February to October: hot water 2.9 m³ a month at 99.11,
 * and heating by the norm in the season's days only: all of February and March, 10 of April's 30
 * days (0.29785 Gcal), 16 of October's 31 (0.46119 Gcal).
 */
const bondarDemoCharges = (() => {
  const hotWater = lineMinor('2.9', '99.11');
  const heating = (gcal: string) => lineMinor(gcal, '1654.18');
  return [heating('0.894'), heating('0.894'), heating('0.298'), 0, 0, 0, 0, 0, heating('0.461')].map((month) => month + hotWater);
})();

/**
 * What 260114400203000's December bill asks: its demo bills, November and December estimated at a
 * month's use and heated by the norm all month, less the 456.78 the suite posts to prove the last
 * payment when it links the account.
 */
const neighbourDecemberDue =
  bondarDemoCharges.reduce((sum, month) => sum + month, 0) + 2 * (lineMinor('2.9', '99.11') + minorOf(normHeating.amount)) - 45_678;

const holder = { supplier: 'kyiv-teplo', number: '260114400118700' };
/** A month touching the heating season (16 October to 10 April): its metered heat is charged. */
const touchesSeason = (period: string) => !['05', '06', '07', '08', '09'].includes(period.slice(5, 7));
const demoMonths = ['2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'];

/**
 * The demo holder's Kyiv account heats and takes hot water by its meters: 1.62 Gcal and 3.8 m³ a
 * month (demo.ts). Each month is billed on the 3rd of the next, after its window, and appears on the 4th.
 */
const holderBills: DemoBill[] = demoMonths.map((period) => {
  const measured = { HEAT: '1.62', HOT_WATER: '3.8' };
  const charged = touchesSeason(period) ? measured : { HOT_WATER: measured.HOT_WATER };
  return { period, issuedOn: `${addMonths(period, 1)}-04`, chargedMinor: minorOf(heatCharge(holder, charged).total), consumption: measured };
});

/** Heat & hot water's cabinet at 28 November 2026. */
export const heatCabinet: CabinetFixture = {
  utility: 'heat',
  Utility: 'Heat',
  otherUtility: 'electricity',
  tables,
  demoSuppliers,
  demoMonths,
  windowOpen: november28,
  billTitle: 'Рахунок за теплову енергію та гарячу воду',
  holder,
  holderElsewhere: { supplier: 'poltava-teplo', number: '5300712405' },
  neighbour: { supplier: 'kamchatka-energo', number: '4100986512' },
  unheld: {
    HOLDER_SURNAME: { supplier: 'kharkiv-teplo', number: 'ХТМ-004520' },
    LAST_PAYMENT_AMOUNT: { supplier: 'kyiv-teplo', number: '260114400203000' },
    RECEIPT_CODE: { supplier: 'kharkiv-teplo', number: 'ХТМ-004519' },
    OFFICE_CODE: { supplier: 'kharkiv-teplo', number: 'ХТМ-000731' },
    officeCodeNeighbour: { supplier: 'kharkiv-teplo', number: 'ХТМ-004518' },
  },
  unheldWithMeter: { supplier: 'kyiv-teplo', number: '260114400203000' },
  unheldElsewhere: { supplier: 'kharkiv-teplo', number: 'ХТМ-004519' },
  unknownNumber: (supplier, index = 0) =>
    ({
      'kyiv-teplo': String(999_000_000_000_000 + index),
      'poltava-teplo': String(9_900_000_000 + index),
      'kharkiv-teplo': `ХТМ-${900_000 + index}`,
      'kamchatka-energo': String(9_900_000_000 + index),
    })[supplier]!,
  windows: [
    { account: holder, open: { period: '2026-11', opensOn: '2026-11-24', closesOn: '2026-12-01' }, next: { period: '2026-12', opensOn: '2026-12-25', closesOn: '2027-01-01' } },
    { account: { supplier: 'poltava-teplo', number: '5300712405' }, open: { period: '2026-11', opensOn: '2026-11-05', closesOn: '2026-11-30' }, next: { period: '2026-12', opensOn: '2026-12-05', closesOn: '2026-12-31' } },
    { account: { supplier: 'kamchatka-energo', number: '4100986512' }, open: { period: '2026-11', opensOn: '2026-11-24', closesOn: '2026-12-01' }, next: { period: '2026-12', opensOn: '2026-12-25', closesOn: '2027-01-01' } },
  ],
  windowClosed: { at: '2026-12-10T10:00:00Z', next: { period: '2026-12', opensOn: '2026-12-25', closesOn: '2027-01-01' } },
  charge: heatCharge,
  units: { HEAT: 'Гкал', HOT_WATER: 'м³' },
  // 2 Gcal × 1654.18.
  lineDescriptions: { HEAT: 'Опалення за лічильником', HOT_WATER: 'Гаряча вода за лічильником' },
  quote: {
    consumption: [{ zone: 'HEAT', value: '2' }],
    total: { amount: new Big('2').times('1654.18').toFixed(2), currency: 'UAH' },
    validFrom: '2024-01-01',
    // A household heats and takes hot water: electricity's zones are none of its.
    invalidZoneSets: [['SINGLE'], ['DAY', 'NIGHT'], ['HEAT', 'SINGLE'], ['HOT_WATER', 'PEAK']],
  },
  ledger: {
    bills: holderBills,
    runs: [
      { period: '2026-11', runAt: '2026-12-03T08:00:00Z', issuedOn: '2026-12-04' },
      { period: '2026-12', runAt: '2027-01-03T08:00:00Z', issuedOn: '2027-01-04' },
    ],
    // The average of August, September and October as measured (heat is measured in summer too, only not charged).
    estimate: { HEAT: '1.62', HOT_WATER: '3.8' },
  },
  billing: {
    // Billed on the 3rd, after the window that closes on the 1st; submitted on the 1st, the window's last day.
    runAt: (period) => `${addMonths(period, 1)}-03T08:00:00Z`,
    readAt: (period) => `${addMonths(period, 1)}-01T08:00:00Z`,
    zoneLabels: { HOT_WATER: 'Гаряча вода' },
    // 260114400203000 heats by the norm, every month of November to February in season: 48.30 m² × 0.0185 Gcal/m² = 0.894 Gcal at 1654.18.
    unmetered: [['CHARGE', normHeating.quantity, normHeating.amount.amount]],
    // Its hot-water meter: 70.2 m³ at October's end, 2.9 a month. 4 m³ in November at 99.11. December estimated at
    // (2.9 + 2.9 + 4) / 3 = 3.267; January's 7 since November split over December and January (31 days each): 3.5 each.
    inOrder: { november: '4', novemberLine: ['CHARGE', '4', kyivTeplo('HOT_WATER', '4')], decemberEstimate: '3.267', january: '7', januaryShare: '3.5', januaryPrinted: '3.733', decemberCorrection: '0.233' },
    // 5.8 m³ since October over November (30 days) and December (31): 2.852 and 2.948; November was billed 2.9.
    // The new meter has no history: heat estimates it by the norm for the 4 days of December it served (installed on the
    // 28th), 1 occupant × 3.2 m³ × 4/31 = 0.412903… → 0.413, so December charges 2.948 + 0.413.
    replacedInDecember: {
      novemberCorrection: ['CORRECTION', '-0.048', printedAmount(lineMinor('2.852', '99.11') - lineMinor('2.9', '99.11'))],
      decemberCharge: ['CHARGE', '3.361', kyivTeplo('HOT_WATER', '3.361')],
      newMeterEstimate: '0.413',
    },
    // The heat meter: 55.83 Gcal at October's end, estimated 1.62 a month to 60.69 in January.
    holderFinalValues: { HEAT: '61.5' },
    runs: {
      elsewhereRunAt: '2026-12-03T08:00:00Z', // Poltava's window closed on 30 November
      // 5300712405 sent nothing: heated by the norm, 54 m² × 0.0172 = 0.929 Gcal at 1760.42; hot water estimated at
      // its average, 4.2 m³ at 95.20; Poltava's monthly fee of 12.50.
      elsewhereLines: [
        ['Опалення за нормою, 54,00 м² × 0,0172 Гкал/м²', '0.929', '1760.42', '1635.43'],
        ['Гаряча вода за лічильником', '4.2', '95.2', '399.84'],
        ['Абонентська плата', null, null, '12.50'],
      ],
      elsewhereChargesMinor: lineMinor('0.929', '1760.42') + lineMinor('4.2', '95.2') + 1_250,
      // 10 m³ since October's 70.2: 3.261, 3.37, 3.369; November and December were each estimated at 2.9 (287.42):
      // 3.261 × 99.11 = 323.20 and 3.37 × 99.11 = 334.00 correct them by 35.78 and 46.58.
      threeMonths: {
        use: '10',
        shares: ['3.261', '3.37', '3.369'],
        correctionsMinor: [3_578, 4_658],
        januaryChargeMinor: lineMinor('3.369', '99.11'),
        decemberDueMinor: neighbourDecemberDue,
      },
    },
  },
  // The holder reads 1.9 Gcal and 4.1 m³ in November; 260114400203000 sends nothing (hot water estimated at 2.9 m³),
  // then reads 6.4 m³ since October in December's window: 3.148 for November (30 of 61 days), 3.252 for December.
  chain: {
    holderUse: { HEAT: '1.9', HOT_WATER: '4.1' },
    otherTwoMonthsUse: '6.4',
    otherDemoCharges: bondarDemoCharges,
    otherUnmetered: [normHeating],
  },
  meterRules: {
    // A Poltava hot-water meter: 999999.5 → 999999.999 → 0 → 1.2, 1.7 m³ at 95.20 = 161.84.
    rollover: { supplier: 'poltava-teplo', number: '9900000901', zone: 'HOT_WATER', previous: '999999.5', lower: '500000', next: '1.2', consumption: '1.7', unitPrice: '95.2', total: '161.84' },
    verification: [
      // Verified 2021-10-01, every 4 years: overdue since 2 October 2025.
      {
        account: holder,
        meter: { serialNumber: 'SENSUS-PE-118820', zones: ['HEAT'], installedOn: '2017-10-01', lastVerifiedOn: '2021-10-01', verificationIntervalYears: 4, nextVerificationDue: '2025-10-01', verificationOverdue: true, removedOn: null },
      },
      // Verified 2022-03-17, every 6 years.
      { account: { supplier: 'poltava-teplo', number: '5300712405' }, meter: { serialNumber: 'APATOR-HW-220317', zones: ['HOT_WATER'], nextVerificationDue: '2028-03-17', verificationOverdue: false } },
    ],
    holderMeterDueOn: '2025-10-01',
    // 260114400203000's hot water: 5.8 m³ since October over November (30 days) and December (31): 2.852 and 2.948.
    // December: 2.948 × 99.11 = 292.18; November re-priced: 2.852 × 99.11 = 282.66 instead of 2.9 × 99.11 = 287.42.
    correctedInPreliminary: {
      line: meteredLine('HOT_WATER', '2.948', '99.11', 'UAH'),
      corrections: printedAmount(lineMinor('2.852', '99.11') - lineMinor('2.9', '99.11')),
      total: printedAmount(lineMinor('2.948', '99.11') + lineMinor('2.852', '99.11') - lineMinor('2.9', '99.11')),
    },
  },
};
