import type { Scoped } from '../access';
import type { chargeLines } from './resolvers/operations';
import type { BillConsumptionRow, BillLineRow, BillRow, LedgerEntryRow, MeterRow, ReadingRow, UtilityTables } from '../tables';

/*
 * What the cabinet's resolvers receive as parent, per GraphQL type: rows as stored, with the
 * account's scope where the type guards itself by it (`permissions.ts`). codegen.ts maps the
 * types to these; the rest are the GraphQL shapes themselves.
 */

export type { AccountRow, AppealMessageRow, AppealRow, EReceiptSubscriptionRow, SupplierRow } from '../tables';
export type ScopedMeter = Scoped<MeterRow>;
export type ScopedReading = Scoped<ReadingRow>;
export type ScopedBill = Scoped<BillRow>;
/** Lines and entries carry their account's currency, which their rows leave to the account. */
export type BillLineParent = BillLineRow & { currency: string };
export type LedgerEntryParent = LedgerEntryRow & { currency: string };
/** The consumption a bill charged, with the meter's serial number and the estimates it corrected. */
export type BillMeterReadingParent = BillConsumptionRow & { serialNumber: string; estimatesCorrected: string };
export type BillingRunRow = UtilityTables['billingRuns']['$inferSelect'];
/** A zone as stored (text): GraphQL checks that it is a `MeterZone` when it serializes the answer. */
export type ZoneConsumptionParent = { zone: string; value: string };
/** A priced line as the API shows it, its zone the utility's (text, checked as for `ZoneConsumption`). */
export type ChargeLineParent = ReturnType<typeof chargeLines>[number];
