import type { Viewer } from '@kabinet/auth';
import { badInput, forbidden, unauthenticated, type DomainError } from '@kabinet/errors';
import { messages } from './messages';

/** Who may see an account's data: its holder, and the staff of its supplier. */
export interface AccountScope {
  holderUserId: string | null;
  supplierId: string;
}

/**
 * A row reached through an account (meter, reading, bill, appeal), carrying the account's
 * scope so that its own type can be guarded: `_entities` and nested fields never pass
 * through the account's check.
 */
export type Scoped<TRow> = TRow & { scope: AccountScope };

export function scopeOf(account: { holderUserId: string | null; supplierId: string }): AccountScope {
  return { holderUserId: account.holderUserId, supplierId: account.supplierId };
}

export function withScope<TRow extends object>(rows: TRow[], scope: AccountScope): Scoped<TRow>[] {
  return rows.map((row) => ({ ...row, scope }));
}

export function isOperatorOf(viewer: Viewer | null, supplierId: string): boolean {
  return viewer?.role === 'OPERATOR' && viewer.supplierId === supplierId;
}

export function canSeeAccount(viewer: Viewer | null, scope: AccountScope): boolean {
  if (!viewer) return false;
  if (viewer.role === 'ADMIN') return true;
  return scope.holderUserId === viewer.userId || isOperatorOf(viewer, scope.supplierId);
}

/** The shield verdict for a scoped object: true, or the typed error to answer with. */
export function accountAccessVerdict(viewer: Viewer | null, scope: AccountScope): true | DomainError {
  if (!viewer) return unauthenticated();
  return canSeeAccount(viewer, scope) ? true : forbidden();
}

/** For holder-only actions (readings through the portal, unlinking, e-receipts, appeals). */
export function ensureHolder(viewer: Viewer | null, account: { holderUserId: string | null }): Viewer {
  if (!viewer) throw unauthenticated();
  if (account.holderUserId !== viewer.userId) throw forbidden(messages.holderOnly());
  return viewer;
}

/**
 * For staff actions: the supplier they act for. Operators always act for their own
 * supplier; admins name one.
 */
export function ensureStaff(viewer: Viewer | null, requestedSupplierId?: string | null): { viewer: Viewer; supplierId: string } {
  if (!viewer) throw unauthenticated();
  if (viewer.role === 'OPERATOR' && viewer.supplierId) {
    if (requestedSupplierId && requestedSupplierId !== viewer.supplierId) throw forbidden(messages.ownSupplierOnly());
    return { viewer, supplierId: viewer.supplierId };
  }
  if (viewer.role === 'ADMIN') {
    if (!requestedSupplierId) throw badInput(messages.adminNamesSupplier(), { field: 'supplierId' });
    return { viewer, supplierId: requestedSupplierId };
  }
  throw forbidden(messages.staffOnly());
}
