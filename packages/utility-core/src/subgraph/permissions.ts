import { allow, chain, guardedBy, isFirstParty, ownedBy, type AnswerGrant } from '@kabinet/subgraph';
import { accountAccessVerdict, scopeOf, type AccountScope, type Scoped } from '../access';
import { appealScope } from '../appeals';
import type { AccountRow, AppealRow } from '../tables';
import { renamedFor, type UtilityNames } from './cabinet-sdl';

/**
 * A rule for a type scoped to an account: its holder, the supplier's staff or an admin, and a
 * delegated token with `accounts:read` (or one of `answers`).
 */
const scopedBy = <TParent>(scopeOfParent: (parent: TParent) => AccountScope, answers: readonly AnswerGrant[] = []) =>
  guardedBy((parent: TParent, context) => accountAccessVerdict(context.viewer, scopeOfParent(parent)), answers);

/**
 * Type rules of a utility subgraph. Account data is for its holder and the supplier's staff
 * only, on every path: the account type guards itself, so fields reached through `_entities`
 * are checked too, and meters, readings, bills and appeals carry their scope and are checked
 * against it. The value types below are reachable only through those guarded parents or
 * through root fields that check their own input.
 */
export function utilityTypePermissions(names: UtilityNames) {
  const rename = renamedFor(names);
  // A partner app allowed to submit readings gets back the readings it submitted, nothing else of the account.
  const submittedReadings: AnswerGrant[] = [{ mutation: rename('submitCabinetReadings'), scope: 'readings:write' }];
  return {
    User: ownedBy((user: { id: string }) => user.id),
    [rename('CabinetAccount')]: scopedBy((account: AccountRow) => scopeOf(account)),
    Meter: scopedBy((meter: Scoped<unknown>) => meter.scope),
    MeterReading: scopedBy((reading: Scoped<unknown>) => reading.scope, submittedReadings),
    Bill: scopedBy((bill: Scoped<unknown>) => bill.scope),
    // A conversation with the supplier is for Kabinet's own apps, like filing one.
    Appeal: chain(isFirstParty, scopedBy((appeal: AppealRow) => appealScope(appeal))),
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
        'BillingRunProgress',
        'BillingRunFailure',
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
