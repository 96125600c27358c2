import type { Database } from '@kabinet/db';
import { DomainError, type Translations } from '@kabinet/errors';
import { Big, formatQuantity, parseQuantity } from '@kabinet/money';
import type { RateLimits } from '@kabinet/rate-limits';
import { and, eq } from 'drizzle-orm';
import { addMonths, firstDayOf, periodOf, periodsBetween, type Period } from '../calendar';
import { isUnusualConsumption, meterCapacity, readingAdvance } from '../consumption';
import { normalizeAddress, normalizeSurname } from '../linking/proofs';
import type { AccountRow, ReadingRow } from '../tables';
import { latestBefore, metersInService, type BasisMeter, type BasisReading } from '../billing/basis';
import { accountCharges, type ComputedCharges } from '../billing/charges';
import type { SupplierPricing, UtilityRules } from '../billing/run';
import { openReadingWindow } from '../reading-windows';
import { assertAccountNumberFormat, findSupplier, normalizeAccountNumber, readingWindowStatus, supplierToday, windowRuleOf, type SupplierRow } from '../suppliers';
import type { UtilityTables } from '../tables';
import { messages } from '../messages';
import { submissionHistoryReader, type SubmissionHistory } from './history';
import { readingsWriter } from './store';

export interface ReadingEntry {
  meterId: string;
  zone: string;
  value: string;
}

export interface SubmittedReadings {
  period: Period;
  currency: string;
  /** The account's balance when it was submitted (readings leave the ledger as it is), in minor units. */
  balanceMinor: number;
  readings: ReadingRow[];
  preliminary: ComputedCharges;
}

export type ReadingSource = 'PORTAL' | 'PARTNER_APP' | 'ANONYMOUS';

const invalidReading = (message: Translations, details: Record<string, unknown>) => new DomainError('INVALID_READING', message, details);

/**
 * Meters that take a reading for `period`: in service during it, and not removed with final
 * values that already close it. A meter replaced after the month still takes its reading for
 * the month (up to its final values); one replaced within it does not.
 */
export function metersTakingReadings<TMeter extends BasisMeter>(meters: TMeter[], period: Period): TMeter[] {
  return metersInService(meters, period).filter((meter) => meter.removedOn === null || periodOf(meter.removedOn) > period);
}

/** Rate limits of submission without a login (see the anonymous mutation). */
export const anonymousReadingPolicies = {
  anonymousReadingsByIp: { points: 30, duration: 60 * 60 },
  anonymousReadingsByAccount: { points: 10, duration: 24 * 60 * 60 },
} as const;

export function createReadingsService(db: Database, t: UtilityTables, rules: UtilityRules, limits: RateLimits<keyof typeof anonymousReadingPolicies>) {
  /** The window the supplier takes readings in today, or a typed error saying when it opens. */
  function openWindowOrRefuse(supplier: SupplierRow, now: Date) {
    const window = openReadingWindow(supplierToday(supplier, now), windowRuleOf(supplier));
    if (window) return window;
    const next = readingWindowStatus(supplier, now);
    throw new DomainError('READING_WINDOW_CLOSED', messages.readingWindowClosed(supplier.name, next), {
      opensOn: next.opensOn,
      closesOn: next.closesOn,
      period: next.period,
      timeZone: supplier.timeZone,
    });
  }

  const readHistory = submissionHistoryReader(db, t);
  const writeReadings = readingsWriter(db, t);

  /**
   * What a submission is checked against and priced with, read side by side: the account's
   * history in one statement, the supplier's pricing in its own. A preliminary charge prices only
   * the metered sources, which price the consumption they are given, never stored readings: the
   * pricing is the same before the new readings are written as after.
   */
  async function readForSubmission(supplier: SupplierRow, accountId: string, period: Period, now: Date) {
    const [history, pricing] = await Promise.all([readHistory(accountId, period, now), rules.pricingFor(db, supplier, [accountId])]);
    return { history, pricing };
  }

  /**
   * Checks a submission against the account's history, prices it, then stores it. Everything
   * that can refuse it comes before the write, and the write is one statement (a transaction of
   * its own): every zone of the submission is stored, or none.
   */
  async function store(
    supplier: SupplierRow,
    account: AccountRow,
    entries: ReadingEntry[],
    period: Period,
    { history, pricing }: Awaited<ReturnType<typeof readForSubmission>>,
    options: { confirmUnusual: boolean; source: ReadingSource; userId: string | null; now: Date },
  ): Promise<SubmittedReadings> {
    if (history.billed) throw new DomainError('PERIOD_ALREADY_BILLED', messages.periodBilledForReadings(period), { period });

    const meters = metersTakingReadings(history.meters, period);
    const values = validateEntries(meters, entries, history.meters);

    const unusual = [];
    for (const entry of values) {
      const meter = meters.find((candidate) => candidate.id === entry.meterId)!;
      const lastReal = latestBefore(
        history.readings.filter((reading) => reading.meterId === meter.id && reading.zone === entry.zone),
        period,
        true,
      );
      // A replaced meter's final values close a later month: a reading for this one cannot exceed them.
      const next = history.later.find((reading) => reading.meterId === meter.id && reading.zone === entry.zone);
      if (next && !readingAdvance(entry.value, next.value, meter.digits)) {
        throw new DomainError('READING_ABOVE_FINAL', messages.readingAboveFinal(meter.serialNumber, entry.zone, formatQuantity(next.value), entry.value.toString()), {
          meterId: meter.id,
          zone: entry.zone,
          finalValue: formatQuantity(next.value),
        });
      }
      if (!lastReal) continue;
      const advance = readingAdvance(lastReal.value, entry.value, meter.digits);
      if (!advance) {
        throw new DomainError('READING_BELOW_PREVIOUS', messages.readingBelowPrevious(meter.serialNumber, entry.zone, lastReal.value.toString(), entry.value.toString()), {
          meterId: meter.id,
          zone: entry.zone,
          previousValue: formatQuantity(lastReal.value),
          previousPeriod: lastReal.period,
        });
      }
      const months = periodsBetween(addMonths(lastReal.period, 1), period).length;
      const monthly = advance.consumption.div(months);
      const recent = history.billedConsumption
        .filter((row) => row.meterId === meter.id && row.zone === entry.zone)
        .sort((a, b) => (a.period < b.period ? -1 : 1))
        .slice(-3)
        .map((row) => row.consumption);
      if (isUnusualConsumption(monthly, recent, new Big(supplier.unusualConsumptionFloor))) {
        unusual.push({ meterId: meter.id, serialNumber: meter.serialNumber, zone: entry.zone, monthlyConsumption: formatQuantity(monthly) });
      }
    }
    if (unusual.length && !options.confirmUnusual) {
      throw new DomainError('UNUSUAL_CONSUMPTION', messages.unusualConsumption(), {
        readings: unusual,
      });
    }

    // Priced before anything is stored: a month no tariff covers (TARIFF_MISSING) stores nothing.
    const closing: BasisReading[] = values.map((entry) => ({ meterId: entry.meterId, zone: entry.zone, period, value: entry.value, estimated: false }));
    const preliminary = preliminaryCharges(pricing, supplier, account, period, history, closing);

    const rows = await writeReadings(
      values.map((entry) => ({
        meterId: entry.meterId,
        zone: entry.zone,
        period: firstDayOf(period),
        value: entry.value.toFixed(3),
        readAt: options.now,
        source: options.source,
        submittedByUserId: options.userId,
      })),
    );
    // In the order submitted.
    const order = new Map(values.map((entry, index) => [`${entry.meterId}:${entry.zone}`, index]));
    rows.sort((a, b) => order.get(`${a.meterId}:${a.zone}`)! - order.get(`${b.meterId}:${b.zone}`)!);
    return { period, currency: account.currency, balanceMinor: history.balanceMinor, readings: rows, preliminary };
  }

  return {
    openWindowOrRefuse,

    /**
     * A holder's submission (the caller has checked the holder): in Kabinet, or `viaApp`, by an
     * app the holder allowed to (a bank's), which the reading's source keeps for whoever reads it later.
     */
    async submit(supplier: SupplierRow, account: AccountRow, entries: ReadingEntry[], options: { confirmUnusual: boolean; userId: string; viaApp: boolean; now: Date }) {
      const { period } = openWindowOrRefuse(supplier, options.now);
      const source: ReadingSource = options.viaApp ? 'PARTNER_APP' : 'PORTAL';
      return store(supplier, account, entries, period, await readForSubmission(supplier, account.id, period, options.now), { ...options, source });
    },

    /**
     * Without a login: the account number plus the holder's surname or the address. Counted
     * per client address and per account before anything is looked up, and a failed check
     * says nothing about whether the account exists.
     */
    async submitAnonymously(input: {
      supplierId: string;
      accountNumber: string;
      check: 'HOLDER_SURNAME' | 'ADDRESS';
      checkValue: string;
      readings: { meterSerialNumber: string; zone: string; value: string }[];
      confirmUnusual: boolean;
      clientIp: string;
      now: Date;
    }): Promise<SubmittedReadings> {
      const supplier = await findSupplier(db, t, input.supplierId);
      const accountNumber = normalizeAccountNumber(input.accountNumber);
      assertAccountNumberFormat(supplier, accountNumber);
      await limits.consume('anonymousReadingsByIp', input.clientIp);
      await limits.consume('anonymousReadingsByAccount', `${supplier.id}:${accountNumber}`);
      const { period } = openWindowOrRefuse(supplier, input.now);

      const [account] = await db.select().from(t.accounts).where(and(eq(t.accounts.supplierId, supplier.id), eq(t.accounts.accountNumber, accountNumber)));
      const checkHolds =
        account &&
        (input.check === 'HOLDER_SURNAME'
          ? normalizeSurname(input.checkValue) === normalizeSurname(account.holderSurname)
          : normalizeAddress(input.checkValue) === normalizeAddress(account.address));
      if (!checkHolds) throw new DomainError('ACCOUNT_CHECK_FAILED', messages.accountCheckFailed());

      const read = await readForSubmission(supplier, account.id, period, input.now);
      // Newest first: should a serial number come back on a new meter, the new one is meant.
      const meters = [...read.history.meters].sort((a, b) => b.installedOn.localeCompare(a.installedOn));
      const entries = input.readings.map((reading) => {
        const meter = meters.find((candidate) => candidate.serialNumber === reading.meterSerialNumber.trim());
        if (!meter) throw invalidReading(messages.noSuchMeterSerial(reading.meterSerialNumber), { meterSerialNumber: reading.meterSerialNumber });
        return { meterId: meter.id, zone: reading.zone, value: reading.value };
      });
      return store(supplier, account, entries, period, read, { confirmUnusual: input.confirmUnusual, source: 'ANONYMOUS', userId: null, now: input.now });
    },
  };
}

/**
 * The charges the readings being entered bring: billing's own computation (`accountCharges` with
 * `onlyClosing`), over the history the submission was checked against plus the new readings
 * instead of a second read of the same rows.
 */
function preliminaryCharges(
  pricing: SupplierPricing,
  supplier: SupplierRow,
  account: AccountRow,
  period: Period,
  history: SubmissionHistory,
  closing: BasisReading[],
): ComputedCharges {
  return accountCharges({ meters: history.meters, readings: history.readings, billed: history.billedConsumption }, pricing, supplier, account, period, closing, true);
}

/** Every zone of each submitted meter, once, as a value the meter can show. */
function validateEntries(meters: BasisMeter[], entries: ReadingEntry[], allMeters: BasisMeter[]) {
  if (entries.length === 0) throw invalidReading(messages.noReadings(), {});
  const seen = new Set<string>();
  const values = entries.map((entry) => {
    const meter = meters.find((candidate) => candidate.id === entry.meterId);
    if (!meter) {
      const replaced = allMeters.find((candidate) => candidate.id === entry.meterId && candidate.removedOn !== null);
      if (replaced) {
        throw invalidReading(messages.meterReplaced(replaced.serialNumber, replaced.removedOn!), { meterId: entry.meterId });
      }
      throw invalidReading(messages.noMeterInService(), { meterId: entry.meterId });
    }
    if (!meter.zones.includes(entry.zone)) {
      throw invalidReading(messages.meterZones(meter.serialNumber, meter.zones), { meterId: meter.id, zone: entry.zone });
    }
    const key = `${meter.id}:${entry.zone}`;
    if (seen.has(key)) throw invalidReading(messages.zoneTwice(meter.serialNumber, entry.zone), { meterId: meter.id, zone: entry.zone });
    seen.add(key);
    const value = parseQuantity(entry.value, 3);
    if (!value || value.gt(meterCapacity(meter.digits))) {
      throw invalidReading(messages.meterValueShape(meter.serialNumber, meter.digits), {
        meterId: meter.id,
        zone: entry.zone,
        value: entry.value,
      });
    }
    return { meterId: meter.id, zone: entry.zone, value };
  });
  for (const meterId of new Set(values.map((entry) => entry.meterId))) {
    const meter = meters.find((candidate) => candidate.id === meterId)!;
    const missing = meter.zones.filter((zone) => !seen.has(`${meterId}:${zone}`));
    if (missing.length) {
      throw invalidReading(messages.missingZones(meter.serialNumber, missing), { meterId, missingZones: missing });
    }
  }
  return values;
}

export type ReadingsService = ReturnType<typeof createReadingsService>;
