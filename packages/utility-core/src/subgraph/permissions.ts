import { allow, ownedBy, rule } from '@kabinet/subgraph';
import type { BaseContext } from '@kabinet/subgraph';
import { accountAccessVerdict, scopeOf, type Scoped } from '../access';
import { appealScope } from '../appeals';
import type { AccountRow, AppealRow } from '../tables';

/**
 * A rule reading `parent`, so cached per object (`strict`), never per request: one object's
 * "yes" must not be reused for another's.
 */
const scopedBy = <TParent>(scopeOfParent: (parent: TParent) => Parameters<typeof accountAccessVerdict>[1]) =>
  rule({ cache: 'strict' })((parent: TParent, _args, context: BaseContext) => accountAccessVerdict(context.viewer, scopeOfParent(parent)));

/**
 * Type rules of a utility subgraph. Account data is for its holder and the supplier's staff
 * only, on every path: the account type guards itself, so fields reached through `_entities`
 * are checked too, and meters, readings, bills and appeals carry their scope and are checked
 * against it. The value types below are reachable only through those guarded parents or
 * through root fields that check their own input.
 */
export function utilityTypePermissions(accountType: string) {
  return {
    User: ownedBy((user: { id: string }) => user.id),
    [accountType]: scopedBy((account: AccountRow) => scopeOf(account)),
    Meter: scopedBy((meter: Scoped<unknown>) => meter.scope),
    MeterReading: scopedBy((reading: Scoped<unknown>) => reading.scope),
    Bill: scopedBy((bill: Scoped<unknown>) => bill.scope),
    Appeal: scopedBy((appeal: AppealRow) => appealScope(appeal)),
    // Public: supplier rules and tariffs are what a customer sees before linking anything.
    Supplier: allow,
    ReadingWindow: allow,
    TariffQuote: allow,
    ...Object.fromEntries(
      [
        'Money',
        'PageInfo',
        'MeterReadingEdge',
        'MeterReadingConnection',
        'BillEdge',
        'BillConnection',
        'BillLine',
        'BillMeterReading',
        'LedgerEntry',
        'LedgerEntryEdge',
        'LedgerEntryConnection',
        'ZoneConsumption',
        'MonthlyConsumption',
        'MonthlyPayments',
        'EReceiptSubscription',
        'AppealMessage',
        'AppealEdge',
        'AppealConnection',
        'BillingRun',
        'LinkCode',
        'ChargeLine',
        'PreliminaryCharge',
        'UnlinkAccountPayload',
        'AnonymousReadingsPayload',
        'BillingRunPayload',
        'LinkCodePayload',
        'EReceiptsPayload',
        'AppealPayload',
      ].map((type) => [type, allow]),
    ),
  };
}
