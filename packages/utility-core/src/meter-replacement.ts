import type { Viewer } from '@kabinet/auth';
import { newRowId, validIds, type Database } from '@kabinet/db';
import { badInput, DomainError, forbidden } from '@kabinet/errors';
import { Big, parseQuantity } from '@kabinet/money';
import { and, desc, eq, lt, ne } from 'drizzle-orm';
import { ensureStaff } from './access';
import { installationPeriodFor } from './billing/basis';
import { inZoneOrder, isMeterZoneSet, type UtilityRules } from './billing/run';
import { firstDayOf, periodOf } from './calendar';
import { meterCapacity, readingAdvance } from './consumption';
import { messages } from './messages';
import { supplierToday, type SupplierRow } from './suppliers';
import type { AccountRow, MeterRow, UtilityTables } from './tables';

export interface ZoneValue {
  zone: string;
  value: string;
}

export interface NewMeter {
  serialNumber: string;
  zones: string[];
  digits: number;
  installedOn: string;
  lastVerifiedOn: string;
  verificationIntervalYears: number;
  initialValues: ZoneValue[];
}

const meterNotFound = () => new DomainError('METER_NOT_FOUND', messages.meterNotFound(), { field: 'meterId' });

/** One value for every zone of a meter, each one the meter can show. */
function valuesForZones(zones: string[], digits: number, values: ZoneValue[], field: string): Map<string, Big> {
  const byZone = new Map<string, Big>();
  for (const { zone, value } of values) {
    const parsed = parseQuantity(value, 3);
    if (!zones.includes(zone) || byZone.has(zone) || !parsed || parsed.gt(meterCapacity(digits))) {
      throw new DomainError('INVALID_READING', messages.oneValuePerZone(field, zones, digits), { field, zone });
    }
    byZone.set(zone, parsed);
  }
  if (byZone.size !== zones.length) throw new DomainError('INVALID_READING', messages.everyZoneNeedsValue(field, zones), { field });
  return byZone;
}

/**
 * Staff replace a meter on the day `newMeter.installedOn`: the old meter's final values close
 * that month for it, the new meter's installation values are its starting point (stored as
 * closing the month before, see `installationPeriodFor`). Both meters keep their history.
 */
export async function replaceMeter(
  db: Database,
  t: UtilityTables,
  rules: UtilityRules,
  viewer: Viewer | null,
  input: { meterId: string; finalValues: ZoneValue[]; newMeter: NewMeter },
  now: Date,
): Promise<{ account: AccountRow; meter: MeterRow }> {
  const { supplierId } = ensureStaff(viewer);
  if (!validIds([input.meterId]).length) throw meterNotFound();
  const fresh = input.newMeter;
  // Checks and writes in one transaction, the old meter locked: two operators replacing the same
  // meter at once make one replacement, and the other is told the meter is gone. Its account is
  // locked first, as the billing run locks it to bill it (billing/run.ts): a replacement comes
  // wholly before or after that bill, never in the middle of it.
  return db.transaction(async (tx) => {
    const [ofAccount] = await tx.select({ accountId: t.meters.accountId }).from(t.meters).where(eq(t.meters.id, input.meterId));
    if (!ofAccount) throw meterNotFound();
    // (Plain locks of one row each: drizzle would schema-qualify `FOR UPDATE OF`, which Postgres refuses.)
    await tx.select({ id: t.accounts.id }).from(t.accounts).where(eq(t.accounts.id, ofAccount.accountId)).for('no key update');
    await tx.select({ id: t.meters.id }).from(t.meters).where(eq(t.meters.id, input.meterId)).for('update');
    const [found] = await tx
      .select({ meter: t.meters, account: t.accounts, supplier: t.suppliers })
      .from(t.meters)
      .innerJoin(t.accounts, eq(t.accounts.id, t.meters.accountId))
      .innerJoin(t.suppliers, eq(t.suppliers.id, t.accounts.supplierId))
      .where(eq(t.meters.id, input.meterId));
    if (!found || found.meter.removedOn !== null) throw meterNotFound();
    // As for accounts addressed by id: another supplier's is refused, not hidden.
    if (found.account.supplierId !== supplierId) throw forbidden(messages.anotherSuppliersMeter());
    const { meter: old, account, supplier } = found;
    assertNewMeter(rules, supplier, old, fresh, now);

    const period = periodOf(fresh.installedOn);
    const [billed] = await tx.select({ id: t.bills.id }).from(t.bills).where(and(eq(t.bills.accountId, account.id), eq(t.bills.period, firstDayOf(period))));
    if (billed) throw new DomainError('PERIOD_ALREADY_BILLED', messages.replacementMonthBilled(period), { period });

    const finalValues = valuesForZones(old.zones, old.digits, input.finalValues, 'finalValues');
    for (const [zone, value] of finalValues) {
      const [lastReal] = await tx
        .select()
        .from(t.readings)
        .where(and(eq(t.readings.meterId, old.id), eq(t.readings.zone, zone), ne(t.readings.source, 'ESTIMATE'), lt(t.readings.period, firstDayOf(period))))
        .orderBy(desc(t.readings.period))
        .limit(1);
      if (lastReal && !readingAdvance(new Big(lastReal.value), value, old.digits)) {
        throw new DomainError('READING_BELOW_PREVIOUS', messages.finalBelowPrevious(old.serialNumber, zone, lastReal.value), {
          meterId: old.id,
          zone,
          previousValue: lastReal.value,
        });
      }
    }
    const initialValues = valuesForZones(fresh.zones, fresh.digits, fresh.initialValues, 'newMeter.initialValues');

    await tx.update(t.meters).set({ removedOn: fresh.installedOn }).where(eq(t.meters.id, old.id));
    const recordedBy = { readAt: now, source: 'OPERATOR', submittedByUserId: viewer!.userId };
    for (const [zone, value] of finalValues) {
      await tx
        .insert(t.readings)
        .values({ meterId: old.id, zone, period: firstDayOf(period), value: value.toFixed(3), ...recordedBy })
        .onConflictDoUpdate({ target: [t.readings.meterId, t.readings.zone, t.readings.period], set: { value: value.toFixed(3), ...recordedBy } });
    }
    const [created] = await tx
      .insert(t.meters)
      .values({
        id: newRowId(),
        accountId: account.id,
        serialNumber: fresh.serialNumber.trim(),
        zones: inZoneOrder(rules, fresh.zones),
        digits: fresh.digits,
        installedOn: fresh.installedOn,
        lastVerifiedOn: fresh.lastVerifiedOn,
        verificationIntervalYears: fresh.verificationIntervalYears,
      })
      .returning();
    await tx.insert(t.readings).values(
      [...initialValues].map(([zone, value]) => ({
        meterId: created!.id,
        zone,
        period: firstDayOf(installationPeriodFor(fresh.installedOn)),
        value: value.toFixed(3),
        ...recordedBy,
      })),
    );
    return { account, meter: created! };
  });
}

function assertNewMeter(rules: UtilityRules, supplier: SupplierRow, old: MeterRow, fresh: NewMeter, now: Date): void {
  const today = supplierToday(supplier, now);
  if (!fresh.serialNumber.trim() || fresh.serialNumber.trim().length > 64) throw badInput(messages.serialNumberLength(), { field: 'newMeter.serialNumber' });
  if (!isMeterZoneSet(rules, fresh.zones)) {
    throw badInput(messages.meterZoneSets(rules.meterZoneSets.map((set) => set.join('+'))), { field: 'newMeter.zones' });
  }
  if (!Number.isInteger(fresh.digits) || fresh.digits < 4 || fresh.digits > 9) throw badInput(messages.meterDigits(), { field: 'newMeter.digits' });
  if (fresh.installedOn > today || fresh.installedOn <= old.installedOn) {
    throw badInput(messages.replacementDate(old.installedOn, today), { field: 'newMeter.installedOn' });
  }
  if (fresh.lastVerifiedOn > today) throw badInput(messages.verificationInFuture(), { field: 'newMeter.lastVerifiedOn' });
  if (!Number.isInteger(fresh.verificationIntervalYears) || fresh.verificationIntervalYears < 1 || fresh.verificationIntervalYears > 30) {
    throw badInput(messages.verificationInterval(), { field: 'newMeter.verificationIntervalYears' });
  }
}
