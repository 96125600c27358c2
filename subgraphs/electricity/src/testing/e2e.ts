import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@kabinet/auth';
import { demoOperators, demoSupplierId, demoUsers } from '@kabinet/demo';
import { loginAs, startTestStack, type TestStack, type TestStackOptions } from '@kabinet/testing';
import { Big } from '@kabinet/money';
import { addMonths, chargeOf, lineMinor, meteredLine, minorOf, type AccountRef, type CabinetFixture, type ExpectedCharge } from '@kabinet/utility-core/testing';
import { and, eq } from 'drizzle-orm';
import * as tables from '../db/schema';
import { kwh } from '../tariffs/rules';
import { demoSuppliers } from '../demo';

/**
 * What electricity's end-to-end tests share. The domain clock starts on 2 December 2026 at
 * 10:00 in Kyiv: November's reading windows are open at every demo supplier (Kyiv 1–5, Lviv
 * 1–7, Odesa 1–3 December), and the demo data holds readings and bills for July to October.
 */
export const december2 = '2026-12-02T08:00:00Z';

export const supplierIds = {
  kyiv: demoSupplierId('electricity', 'kyiv-energo'),
  lviv: demoSupplierId('electricity', 'lviv-energo'),
  odesa: demoSupplierId('electricity', 'odesa-energo'),
};

export { tables };

export function startElectricityStack(options: TestStackOptions = {}): Promise<TestStack> {
  return startTestStack({ now: december2, ...options });
}

export { loginAs };

export const demoLogins = { demo: demoUsers.demo, neighbour: demoUsers.second, kyivOperator: demoOperators.kyivEnergo, odesaOperator: demoOperators.odesaEnergo };

/**
 * A fresh customer login nobody else shares (signed with the stack's keys, as identity would
 * sign it), for tests that must not disturb the demo logins.
 */
export async function newCustomer(t: TestStack): Promise<{ userId: string; email: string; token: string }> {
  const userId = randomUUID();
  const email = `customer-${userId.slice(0, 8)}@kabinet.test`;
  const token = await signAccessToken(t.stack.tokenKeys, { userId, role: 'CUSTOMER', sessionId: randomUUID(), email });
  return { userId, email, token };
}

/** The id of a demo account by its supplier and number. */
export async function accountIdOf(t: TestStack, supplierId: string, accountNumber: string): Promise<string> {
  const [row] = await t.stack.database.db
    .select({ id: tables.accounts.id })
    .from(tables.accounts)
    .where(and(eq(tables.accounts.supplierId, supplierId), eq(tables.accounts.accountNumber, accountNumber)));
  if (!row) throw new Error(`no demo account ${accountNumber}`);
  return row.id;
}

// --- the shared cabinet's suites (packages/utility-core/src/testing/cabinet-*.ts) run for electricity ---

const residential = (supplierCode: string, accountKind: 'RESIDENTIAL' | 'BUSINESS') => {
  const supplier = demoSuppliers.find((candidate) => candidate.code === supplierCode)!;
  // The tariff in force in December 2026: the newest of the supplier's demo tariffs, one price for every kWh.
  const { tiers } = supplier.tariffs[accountKind].at(-1)!;
  if (tiers.length !== 1) throw new Error(`${supplierCode} prices in tiers: price it by hand`);
  return { price: tiers[0]!.price, currency: supplier.currency, vatBasisPoints: accountKind === 'BUSINESS' ? (supplier.vatRateBasisPoints ?? 0) : 0 };
};

/** The regulator's zone coefficients on the kWh price (the demo tariffs keep the defaults). */
const zoneCoefficients: Record<string, string> = { SINGLE: '1', DAY: '1', NIGHT: '0.5' };
const threeZoneCoefficients: Record<string, string> = { NIGHT: '0.4', HALF_PEAK: '1', PEAK: '1.5' };

/** kWh of each zone at the kWh price times the zone's coefficient; VAT on business accounts. */
function electricityCharge(account: AccountRef, consumption: Record<string, string>): ExpectedCharge {
  const demo = demoSuppliers.find((supplier) => supplier.code === account.supplier)!.accounts.find((candidate) => candidate.accountNumber === account.number)!;
  const { price, currency, vatBasisPoints } = residential(account.supplier, demo.kind ?? 'RESIDENTIAL');
  const coefficients = 'PEAK' in consumption ? threeZoneCoefficients : zoneCoefficients;
  const lines = Object.entries(consumption).map(([zone, kwh]) => meteredLine(zone, kwh, new Big(price).times(coefficients[zone]!).toString(), currency));
  return chargeOf(lines, currency, vatBasisPoints);
}

const kyivTwoZones = (day: string, night: string) => minorOf(electricityCharge({ supplier: 'kyiv-energo', number: '10234567' }, { DAY: day, NIGHT: night }).total);

/**
 * Electricity's cabinet at 2 December 2026, 10:00 in Kyiv: November's windows are open, the demo
 * has readings and bills for July to October (Kyiv's 10234567 missed September: billed on an
 * estimate, corrected by October's reading).
 */
export const electricityCabinet: CabinetFixture = {
  utility: 'electricity',
  Utility: 'Electricity',
  otherUtility: 'heat',
  tables,
  demoSuppliers,
  demoMonths: ['2026-07', '2026-08', '2026-09', '2026-10'],
  windowOpen: december2,
  billTitle: 'Рахунок за електроенергію',
  holder: { supplier: 'kyiv-energo', number: '10234567' },
  holderElsewhere: { supplier: 'lviv-energo', number: '46-208311' },
  neighbour: { supplier: 'odesa-energo', number: 'OD4412907' },
  unheld: {
    HOLDER_SURNAME: { supplier: 'kyiv-energo', number: '10987654' },
    LAST_PAYMENT_AMOUNT: { supplier: 'lviv-energo', number: '46-100200' },
    RECEIPT_CODE: { supplier: 'kyiv-energo', number: '10987654' },
    OFFICE_CODE: { supplier: 'odesa-energo', number: 'OD7700112' },
    officeCodeNeighbour: { supplier: 'odesa-energo', number: 'OD4412907' },
  },
  unheldWithMeter: { supplier: 'kyiv-energo', number: '10987654' },
  unheldElsewhere: { supplier: 'lviv-energo', number: '46-100200' },
  unknownNumber: (supplier, index = 0) =>
    ({
      'kyiv-energo': String(19_999_000 + index),
      'lviv-energo': `99-${900_000 + index}`,
      'odesa-energo': `ZZ${9_000_000 + index}`,
      'kamchatka-energo': String(9_900_000_000 + index),
    })[supplier]!,
  windows: [
    { account: { supplier: 'kyiv-energo', number: '10234567' }, open: { period: '2026-11', opensOn: '2026-12-01', closesOn: '2026-12-05' }, next: { period: '2026-12', opensOn: '2027-01-01', closesOn: '2027-01-05' } },
    { account: { supplier: 'lviv-energo', number: '46-208311' }, open: { period: '2026-11', opensOn: '2026-12-01', closesOn: '2026-12-07' }, next: { period: '2026-12', opensOn: '2027-01-01', closesOn: '2027-01-07' } },
    { account: { supplier: 'odesa-energo', number: 'OD4412907' }, open: { period: '2026-11', opensOn: '2026-12-01', closesOn: '2026-12-03' }, next: { period: '2026-12', opensOn: '2027-01-01', closesOn: '2027-01-03' } },
  ],
  windowClosed: { at: '2026-12-10T10:00:00Z', next: { period: '2026-12', opensOn: '2027-01-01', closesOn: '2027-01-05' } },
  charge: electricityCharge,
  units: { SINGLE: kwh.uk, DAY: kwh.uk, NIGHT: kwh.uk, HALF_PEAK: kwh.uk, PEAK: kwh.uk },
  lineDescriptions: { SINGLE: 'Електроенергія', DAY: 'Електроенергія, зона «День»', NIGHT: 'Електроенергія, зона «Ніч»' },
  quote: {
    consumption: [{ zone: 'SINGLE', value: '100' }],
    total: { amount: '432.00', currency: 'UAH' },
    validFrom: '2024-06-01',
    // A meter reads one zone, day and night, or night, half-peak and peak; heat's zones are not electricity's.
    invalidZoneSets: [
      ['DAY'],
      ['NIGHT'],
      ['SINGLE', 'DAY'],
      ['DAY', 'PEAK'],
      ['NIGHT', 'HALF_PEAK'],
      ['DAY', 'NIGHT', 'PEAK'],
      ['NIGHT', 'HALF_PEAK', 'PEAK', 'DAY'],
      ['HEAT'],
      ['HOT_WATER'],
    ],
  },
  ledger: {
    // 214 kWh by day and 96 by night a month; September had no reading: billed 214 / 96 on an estimate,
    // then October's reading (428 / 192 since August) spread by days: 210.492 / 94.426 in September, 217.508 / 97.574 in October.
    bills: [
      { period: '2026-07', issuedOn: '2026-08-08', chargedMinor: kyivTwoZones('214', '96'), consumption: { DAY: '214', NIGHT: '96' } },
      { period: '2026-08', issuedOn: '2026-09-08', chargedMinor: kyivTwoZones('214', '96'), consumption: { DAY: '214', NIGHT: '96' } },
      { period: '2026-09', issuedOn: '2026-10-08', chargedMinor: kyivTwoZones('214', '96'), consumption: { DAY: '210.492', NIGHT: '94.426' } },
      {
        period: '2026-10',
        issuedOn: '2026-11-08',
        chargedMinor: kyivTwoZones('217.508', '97.574'),
        corrections: [{ period: '2026-09', minor: kyivTwoZones('210.492', '94.426') - kyivTwoZones('214', '96') }],
        consumption: { DAY: '217.508', NIGHT: '97.574' },
      },
    ],
    runs: [
      { period: '2026-11', runAt: '2026-12-06T08:00:00Z', issuedOn: '2026-12-07' },
      { period: '2026-12', runAt: '2027-01-06T08:00:00Z', issuedOn: '2027-01-07' },
    ],
    // The average of the last three months billed: (214 + 210.492 + 217.508) / 3 and (96 + 94.426 + 97.574) / 3.
    estimate: { DAY: '214', NIGHT: '96' },
  },
  // 10987654's one meter: 5840 at October's end, 180 kWh a month; 4.32 UAH a kWh.
  billing: {
    runAt: (period) => `${addMonths(period, 1)}-06T08:00:00Z`,
    readAt: (period) => `${addMonths(period, 1)}-02T08:00:00Z`,
    zoneLabels: { SINGLE: 'Загальна' },
    unmetered: [],
    // 200 kWh in November: 864.00. December estimated at (180 + 180 + 200) / 3; January's 380 since November: 190 each.
    inOrder: { november: '200', novemberLine: ['CHARGE', '200', '864.00'], decemberEstimate: '186.667', january: '380', januaryShare: '190', januaryPrinted: '193.333', decemberCorrection: '3.333' },
    // 360 kWh since October over November (30 days) and December (31): 177.049 and 182.951; November was billed 180.
    replacedInDecember: { novemberCorrection: ['CORRECTION', '-2.951', '-12.75'], decemberCharge: ['CHARGE', '182.951', '790.35'], newMeterEstimate: '0' },
    holderFinalValues: { DAY: '20150', NIGHT: '7980' },
    runs: {
      elsewhereRunAt: '2026-12-08T08:00:00Z', // Lviv takes readings until 7 December
      // 46-208311's three zones estimated at 71 / 120 / 64 kWh, at 0.4, 1 and 1.5 of Lviv's flat 4.32.
      elsewhereLines: [
        ['Електроенергія, зона «Ніч»', '71', '1.728', '122.69'],
        ['Електроенергія, зона «Напівпік»', '120', '4.32', '518.40'],
        ['Електроенергія, зона «Пік»', '64', '6.48', '414.72'],
      ],
      elsewhereChargesMinor: minorOf(electricityCharge({ supplier: 'lviv-energo', number: '46-208311' }, { NIGHT: '71', HALF_PEAK: '120', PEAK: '64' }).total),
      // 600 kWh since October's 5840: 195.652, 202.174, 202.174; November and December were each estimated at 180 (777.60):
      // 195.652 × 4.32 = 845.22 and 202.174 × 4.32 = 873.39 correct them by 67.62 and 95.79. July to October read, nothing paid.
      threeMonths: {
        use: '600',
        shares: ['195.652', '202.174', '202.174'],
        correctionsMinor: [6_762, 9_579],
        januaryChargeMinor: lineMinor('202.174', '4.32'),
        decemberDueMinor: 6 * lineMinor('180', '4.32'),
      },
    },
  },
  // 10234567 reads 230 kWh by day and 100 by night in November; 10987654 sends nothing (estimated at 180), then reads
  // 410 kWh since October in December's window: 201.639 for November (30 of 61 days), 208.361 for December.
  chain: {
    holderUse: { DAY: '230', NIGHT: '100' },
    otherTwoMonthsUse: '410',
    // July to October, 180 kWh each.
    otherDemoCharges: Array.from({ length: 4 }, () => minorOf(electricityCharge({ supplier: 'kyiv-energo', number: '10987654' }, { SINGLE: '180' }).total)),
    otherUnmetered: [],
  },
  meterRules: {
    // A Lviv account (4.32 a kWh): 999950 → 999999.999 → 0 → 120, 170 kWh = 734.40.
    rollover: { supplier: 'lviv-energo', number: '99-999001', zone: 'SINGLE', previous: '999950', lower: '500000', next: '120', consumption: '170', unitPrice: '4.32', total: '734.40' },
    verification: [
      {
        account: { supplier: 'kyiv-energo', number: '10234567' },
        meter: { serialNumber: 'NIK-2303-0041187', zones: ['DAY', 'NIGHT'], digits: 6, installedOn: '2019-04-10', lastVerifiedOn: '2019-04-10', verificationIntervalYears: 16, nextVerificationDue: '2035-04-10', verificationOverdue: false, removedOn: null },
      },
      // Verified 2016-09-20, every 8 years.
      { account: { supplier: 'lviv-energo', number: '46-208311' }, meter: { serialNumber: 'EM-3F-7781204', zones: ['NIGHT', 'HALF_PEAK', 'PEAK'], nextVerificationDue: '2024-09-20', verificationOverdue: true } },
    ],
    holderMeterDueOn: '2035-04-10',
    // 10987654: 360 kWh since October over November (30 days) and December (31): 177.049 and 182.951.
    // December: 182.951 × 4.32 = 790.34832 → 790.35. November re-priced: 177.049 × 4.32 = 764.85 instead of 180 × 4.32 = 777.60.
    correctedInPreliminary: { line: meteredLine('SINGLE', '182.951', '4.32', 'UAH'), corrections: '-12.75', total: '777.60' },
  },
};
