import { allow, ownedBy } from '@kabinet/subgraph';
import type { Held } from './held';
import type { AccountRow } from './loaders';

/**
 * Account data is for its holder only, on every path: the account type guards itself, so
 * fields reached through `_entities` are checked too, and meters, readings and bills carry
 * their account's holder (see `Held`) and are checked against it.
 */
export function utilityPermissions(accountType: string) {
  return {
    User: ownedBy((user: { id: string }) => user.id),
    [accountType]: ownedBy((account: AccountRow) => account.holderUserId),
    Meter: ownedBy((meter: Held<unknown>) => meter.holderUserId),
    MeterReading: ownedBy((reading: Held<unknown>) => reading.holderUserId),
    Bill: ownedBy((bill: Held<unknown>) => bill.holderUserId),
    // Supplier names and time zones are public; money is a plain value.
    Supplier: allow,
    Money: allow,
  };
}
