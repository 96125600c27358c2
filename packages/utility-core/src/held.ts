/**
 * A row reached through an account, carrying the account's holder so that its own type can
 * be guarded (meters, readings and bills have no holder column of their own).
 */
export type Held<TRow> = TRow & { holderUserId: string | null };

export function heldBy<TRow extends object>(rows: TRow[], holderUserId: string | null): Held<TRow>[] {
  return rows.map((row) => ({ ...row, holderUserId }));
}
