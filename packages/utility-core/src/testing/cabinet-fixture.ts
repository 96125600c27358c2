import { Big } from '@kabinet/money';
import type { DemoAccount, DemoSupplier } from '../seed';
import type { UtilityTables } from '../tables';

/*
 * What a utility hands the cabinet suites (cabinet-*.ts): the names its root fields derive from,
 * its demo data, the demo accounts each suite plays with, and the expectations that differ per
 * utility, written in the fixture from the demo data (never read back from the product).
 */

export type UtilityName = 'electricity' | 'heat';

/** A demo account by its supplier's code and its number; everything else is read from the demo data. */
export interface AccountRef {
  supplier: string;
  number: string;
}

export type LinkProofKind = 'LAST_PAYMENT_AMOUNT' | 'RECEIPT_CODE' | 'OFFICE_CODE' | 'HOLDER_SURNAME';

/** A reading window as the API states it: the month it closes and its first and last local days. */
export interface WindowDates {
  period: string;
  opensOn: string;
  closesOn: string;
}

export interface ExpectedMoney {
  amount: string;
  currency: string;
}

export interface ExpectedLine {
  zone: string | null;
  quantity: string | null;
  unitPrice: string | null;
  amount: ExpectedMoney;
}

/** A charge as the API prints it: its lines, VAT (null when none) and total. */
export interface ExpectedCharge {
  lines: ExpectedLine[];
  vat: ExpectedMoney | null;
  total: ExpectedMoney;
}

/** One issued demo bill of the ledger's account, as its personal card shows it. */
export interface DemoBill {
  period: string;
  /** The supplier's local date the bill appeared (its ledger entries carry that day's first instant). */
  issuedOn: string;
  /** What the month was charged (VAT included), in minor units. */
  chargedMinor: number;
  /** Corrections of earlier estimated months this bill carries. */
  corrections?: { period: string; minor: number }[];
  /** Billed consumption by zone, as `consumptionHistory` shows it once later readings corrected estimates. */
  consumption: Record<string, string>;
  /** Billed on an estimate that no later reading corrected. */
  estimated?: boolean;
}

/** An operator's billing run of a month of the holder's supplier, after its window. */
export interface BillingRun {
  period: string;
  /** When the operator runs it. */
  runAt: string;
  /** The local date its bills appear. */
  issuedOn: string;
}

/** A bill line as the billing suite compares it: its kind, quantity and amount (`[kind, quantity, amount]`). */
export type BilledLine = [kind: 'CHARGE' | 'CORRECTION', quantity: string | null, amount: string];

/**
 * The billing suite's story (cabinet-billing.ts) on `unheldWithMeter`, whose one meter reads one
 * zone, and the holder, both at the holder's supplier: its inputs, and what the utility's rules
 * make of them, worked out in the fixture from the demo tariffs.
 */
export interface BillingFixture {
  /** When the operator runs `period`: its window has closed. Its bills appear a day later. */
  runAt(period: string): string;
  /** An instant inside `period`'s reading window at the holder's supplier. */
  readAt(period: string): string;
  /** How a bill and its PDF name each zone of `unheldWithMeter`'s meter. */
  zoneLabels: Record<string, string>;
  /** What each month of `unheldWithMeter` (November to February, all in the suite) charges besides its meter, as `[kind, quantity, amount]`. */
  unmetered: BilledLine[];
  /**
   * Months in order: `november` used in November (its `novemberLine` charged); nothing sent for
   * December (estimated at the average of September to November, `decemberEstimate`); January's
   * reading `january` after November's, split by days over December and January (`januaryShare`
   * each), printed as `januaryPrinted` from the estimate and correcting December by `decemberCorrection`.
   */
  inOrder: { november: string; novemberLine: BilledLine; decemberEstimate: string; january: string; januaryShare: string; januaryPrinted: string; decemberCorrection: string };
  /**
   * A replacement closing December at two months' use past October (November billed on an
   * estimate of a month's use): split by days, November's share corrects its estimate
   * (`novemberCorrection`) and December charges the rest (`decemberCharge`).
   */
  replacedInDecember: {
    novemberCorrection: BilledLine;
    decemberCharge: BilledLine;
    /**
     * What the new meter (installed on 28 December, no reading since) is estimated at for December: a
     * rule only some utilities have (heat estimates a meter without history by the norm for the days
     * of the month it served, `estimateWithoutHistory`); `0` where a meter without history is estimated at nothing. `decemberCharge` includes it.
     */
    newMeterEstimate: string;
  };
  /** The holder's first meter's final values when it is replaced in February, above its estimates of November to January. */
  holderFinalValues: Record<string, string>;
  /** The runs suite: an admin's run of `holderElsewhere`'s supplier, and three months of `unheldWithMeter` corrected at once. */
  runs: {
    /** After November's window at `holderElsewhere`'s supplier and after `runAt(November)`. */
    elsewhereRunAt: string;
    /** `holderElsewhere`'s November bill, nothing sent: `[description, quantity, unitPrice, amount]`, and its charges. */
    elsewhereLines: [string, string | null, string | null, string][];
    elsewhereChargesMinor: number;
    /**
     * November and December estimated at a month's use, then `use` past October read in January's
     * window: split by days into `shares` (November 30, December 31, January 31 days), correcting
     * the two estimates by `correctionsMinor`; `decemberDueMinor` is what the December bill asked.
     */
    threeMonths: { use: string; shares: [string, string, string]; correctionsMinor: [number, number]; januaryChargeMinor: number; decemberDueMinor: number };
  };
}

/** A bill line in full, as `Bill.lines` prints it. */
export interface ExpectedBillLine {
  kind: 'CHARGE' | 'CORRECTION' | 'VAT';
  description: string;
  zone: string | null;
  quantity: string | null;
  unitPrice: string | null;
  amount: ExpectedMoney;
  correctedPeriod: string | null;
}

/**
 * The billing chain suite's story (cabinet-billing-chain.ts) at the holder's supplier, month after
 * month: the holder reads every zone in the open window and is billed from it, `unheldWithMeter`
 * (linked by a fresh customer) sends nothing and is billed on an estimate, then reads the next
 * month, which corrects the estimate; the holder, silent then, is estimated from its last three
 * months as they turned out. Its inputs; the amounts come from `charge`.
 */
export interface BillingChainFixture {
  /** What each zone of the holder's meters measured in the open window's month. */
  holderUse: Record<string, string>;
  /** What `unheldWithMeter`'s meter measured from the demo's last reading to the end of the month after the open window's. */
  otherTwoMonthsUse: string;
  /** What each of `unheldWithMeter`'s demo bills charged, oldest first. */
  otherDemoCharges: number[];
  /** What each month of the story charges `unheldWithMeter` besides its meter, in full (`billing.unmetered`). */
  otherUnmetered: ExpectedBillLine[];
}

/** What the meter rules suite (cabinet-meter-rules.ts) expects, worked out from the demo data and tariffs. */
export interface MeterRulesFixture {
  /**
   * A single-zone six-digit meter arranged in the database on an account of `supplier`, not the holder's (no API sets
   * a value near capacity): read `previous` in October, refused `lower`, then taken at `next` as a
   * rollover through 999999.999 to 0, `consumption` priced at `unitPrice` to `total`.
   */
  rollover: { supplier: string; number: string; zone: string; previous: string; lower: string; next: string; consumption: string; unitPrice: string; total: string };
  /** A meter of each account as `meters` shows it at `windowOpen`: one due later, one overdue. */
  verification: { account: AccountRef; meter: { serialNumber: string } & Record<string, unknown> }[];
  /** The local date the holder's first meter is due: overdue from the next day on the supplier's calendar. */
  holderMeterDueOn: string;
  /**
   * November billed on an estimate (a month's use) for `unheldWithMeter`; December's reading, two
   * months' use past October, split by days: December's share priced, November's re-priced as `corrections`.
   */
  correctedInPreliminary: { line: ExpectedLine; corrections: string; total: string };
}

export interface CabinetFixture {
  utility: UtilityName;
  /** `Electricity` for `linkElectricityAccount`, `ElectricityAccount`. */
  Utility: string;
  /** The other utility: its suppliers, bills and secrets must open nothing here. */
  otherUtility: UtilityName;
  tables: UtilityTables;
  demoSuppliers: DemoSupplier[];
  /** The months the demo seeds readings and bills for when the clock starts at `windowOpen`, oldest first. */
  demoMonths: string[];
  /** Where every suite's clock starts: inside the reading windows of the accounts below (they close the month after `demoMonths`). */
  windowOpen: string;
  /** The bill's title, as printed and mailed. */
  billTitle: string;

  /** The demo login's account the suites read and write: meters, bills, payments, a supplier whose operator serves it. */
  holder: AccountRef;
  /** The demo login's account at another supplier. */
  holderElsewhere: AccountRef;
  /** The second demo login's account, at a third supplier. */
  neighbour: AccountRef;
  /** Accounts nobody holds, each at a supplier that takes the named proof; `OFFICE_CODE`'s supplier has another (held) account too. */
  unheld: Record<LinkProofKind, AccountRef> & { officeCodeNeighbour: AccountRef };
  /** Nobody holds it; it has a single-zone meter (readings without a login, e-receipts of a new holder); the holder's supplier. */
  unheldWithMeter: AccountRef;
  /** Nobody holds it and it has a meter, at another supplier than `unheldWithMeter` (its daily limit of readings without a login is used up). */
  unheldElsewhere: AccountRef;
  /** A number in `supplier`'s format that no account has; `index` makes another. */
  unknownNumber(supplier: string, index?: number): string;

  /** Each listed account's reading window open at `windowOpen`, and the one after it (first: the holder's). */
  windows: { account: AccountRef; open: WindowDates; next: WindowDates }[];
  /** Outside the holder's window, after it: when the next window opens. */
  windowClosed: { at: string; next: WindowDates };
  /** The charge for a month's consumption (by zone) of `account`, priced now: a preliminary charge, or a month billed. */
  charge(account: AccountRef, consumption: Record<string, string>): ExpectedCharge;
  /** The printed unit of each zone the holder's bills have (`consumptionHistory` adds zones of one unit only). */
  units: Record<string, string>;
  /** How a bill and the tariff calculator describe the charge of each metered zone (one tariff all month). */
  lineDescriptions: Record<string, string>;
  /**
   * The public tariff calculator at the holder's supplier (which charges no monthly fee): a
   * consumption and its total, the first day of the tariff in force at `windowOpen`, and zone sets
   * no household of the utility has (besides none and a zone twice, which every utility refuses).
   */
  quote: { consumption: { zone: string; value: string }[]; total: ExpectedMoney; validFrom: string; invalidZoneSets: string[][] };

  /** The holder's demo bills, oldest first, and the months its supplier bills next (on estimates when nobody submits). */
  ledger: {
    bills: DemoBill[];
    runs: [BillingRun, BillingRun];
    /** A month billed on an estimate: the average of the last three months billed. */
    estimate: Record<string, string>;
  };

  billing: BillingFixture;
  chain: BillingChainFixture;
  meterRules: MeterRulesFixture;
}

/** The names every root field of a utility's cabinet derives from. */
export function cabinetNames(fixture: Pick<CabinetFixture, 'utility' | 'Utility'>) {
  const { utility, Utility } = fixture;
  return {
    utility,
    Utility,
    accountType: `${Utility}Account`,
    account: `${utility}Account`,
    accountByNumber: `${utility}AccountByNumber`,
    accounts: `${utility}Accounts`,
    suppliers: `${utility}Suppliers`,
    tariffQuote: `${utility}TariffQuote`,
    appeals: `${utility}Appeals`,
    billingRuns: `${utility}BillingRuns`,
    link: `link${Utility}Account`,
    unlink: `unlink${Utility}Account`,
    issueLinkCode: `issue${Utility}LinkCode`,
    submit: `submit${Utility}Readings`,
    submitAnonymously: `submit${Utility}ReadingsAnonymously`,
    replaceMeter: `replace${Utility}Meter`,
    runBilling: `run${Utility}Billing`,
    subscribe: `subscribe${Utility}EReceipts`,
    confirm: `confirm${Utility}EReceipts`,
    unsubscribe: `unsubscribe${Utility}EReceipts`,
    createAppeal: `create${Utility}Appeal`,
    reply: `replyTo${Utility}Appeal`,
    close: `close${Utility}Appeal`,
  };
}

export type CabinetNames = ReturnType<typeof cabinetNames>;

/** A demo supplier and account by reference, from the fixture's demo data. */
export function demoAccountOf(fixture: Pick<CabinetFixture, 'demoSuppliers'>, ref: AccountRef): { supplier: DemoSupplier; account: DemoAccount } {
  const supplier = fixture.demoSuppliers.find((candidate) => candidate.code === ref.supplier);
  const account = supplier?.accounts.find((candidate) => candidate.accountNumber === ref.number);
  if (!supplier || !account) throw new Error(`no demo account ${ref.supplier}/${ref.number}`);
  return { supplier, account };
}

// --- exact money, as a bill prints it ---------------------------------------------------------

const minorDigits = 2;

/** Minor units as the API prints money: `1234.50`, `-12.00`. */
export function printedAmount(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(minorDigits + 1, '0');
  return `${sign}${digits.slice(0, -minorDigits)}.${digits.slice(-minorDigits)}`;
}

export const moneyOf = (minor: number, currency: string): ExpectedMoney => ({ amount: printedAmount(minor), currency });

/** An API amount back in minor units. */
export function minorOf(value: { amount: string }): number {
  return Number(new Big(value.amount).times(100).toFixed(0));
}

/** quantity × unit price, rounded half up to minor units: how every line of a bill is priced. */
export function lineMinor(quantity: string, unitPrice: string): number {
  return Number(new Big(quantity).times(unitPrice).times(100).round(0, Big.roundHalfUp).toFixed(0));
}

/** A decimal as the API prints quantities and prices: no trailing zeros (`2.16`, `1.728`, `1000`). */
export const decimal = (value: Big | string | number) => new Big(value).toString();

/** A priced line of a metered zone. */
export const meteredLine = (zone: string, quantity: string, unitPrice: string, currency: string): ExpectedLine => ({
  zone,
  quantity: decimal(quantity),
  unitPrice: decimal(unitPrice),
  amount: moneyOf(lineMinor(quantity, unitPrice), currency),
});

/** Lines summed, VAT (basis points, half up) on top when the account pays it. */
export function chargeOf(lines: ExpectedLine[], currency: string, vatBasisPoints = 0): ExpectedCharge {
  const net = lines.reduce((sum, line) => sum + minorOf(line.amount), 0);
  const vat = vatBasisPoints ? Number(new Big(net).times(vatBasisPoints).div(10_000).round(0, Big.roundHalfUp).toFixed(0)) : 0;
  return { lines, vat: vatBasisPoints ? moneyOf(vat, currency) : null, total: moneyOf(net + vat, currency) };
}

/** Lines in a stable order (by zone, lines without one last), to compare without caring how a utility orders them. */
export const inZoneOrder = <T extends { zone: string | null }>(lines: T[]) =>
  [...lines].sort((a, b) => (a.zone ?? '~').localeCompare(b.zone ?? '~'));

// --- the supplier's calendar ------------------------------------------------------------------

function offsetMinutes(instant: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((asUtc - instant.getTime()) / 60_000);
}

/** The instant of a wall-clock time (`HH:MM`) on a local date in `timeZone`. */
export function localInstant(date: string, time: string, timeZone: string): string {
  const wall = Date.parse(`${date}T${time}:00Z`);
  let instant = wall - offsetMinutes(new Date(wall), timeZone) * 60_000;
  instant = wall - offsetMinutes(new Date(instant), timeZone) * 60_000;
  return new Date(instant).toISOString();
}

/** The local date (`YYYY-MM-DD`) of an instant in `timeZone`. */
export const localDate = (instant: Date | string, timeZone: string) => new Date(instant).toLocaleDateString('en-CA', { timeZone });

/** `YYYY-MM-DD` plus days. */
export function addDays(date: string, days: number): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + days);
  return next.toISOString().slice(0, 10);
}

/** `YYYY-MM` plus months. */
export function addMonths(period: string, months: number): string {
  const [year, month] = period.split('-').map(Number);
  const index = year! * 12 + (month! - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

const monthNames = ['січень', 'лютий', 'березень', 'квітень', 'травень', 'червень', 'липень', 'серпень', 'вересень', 'жовтень', 'листопад', 'грудень'];

/** A month as bills and ledger entries name it: `жовтень 2026`. */
export const monthLabel = (period: string) => `${monthNames[Number(period.slice(5, 7)) - 1]} ${period.slice(0, 4)}`;

// --- meter values -----------------------------------------------------------------------------

/** A meter value as the API prints it: three decimals at most, no trailing zeros. */
export const meterValue = (value: Big | string | number) => new Big(value).round(3, Big.roundHalfUp).toString();

/**
 * The demo value of a meter zone closing the `index`-th month from the one before the seeded
 * months (0) on: its start value plus a month's use for each month since (seed.ts).
 */
export const demoMeterValue = (startValue: number, monthlyUse: number, index: number) => meterValue(new Big(startValue).plus(new Big(monthlyUse).times(index)));
