import type { Viewer } from '@kabinet/auth';
import { validIds, type Database, type Transaction } from '@kabinet/db';
import { DomainError, forbidden, unauthenticated } from '@kabinet/errors';
import { publishEvent } from '@kabinet/events';
import { and, asc, desc, eq, gt, gte, isNull, lte, sql } from 'drizzle-orm';
import { ensureHolder, ensureStaff } from '../access';
import { cancelEReceipts } from '../bills/e-receipts';
import {
  assertAccountNumberFormat,
  normalizeAccountNumber,
  findSupplier,
  type LinkProofKind,
} from '../suppliers';
import { messages } from '../messages';
import type { AccountRow, UtilityTables } from '../tables';
import {
  attemptsLeft,
  hashOfficeCode,
  linkCodeTtlMs,
  lockedUntil,
  lockoutLookbackMs,
  matchesReceiptCode,
  maxLoginLinkFailures,
  matchesRecentPayment,
  newOfficeCode,
  normalizeSurname,
} from './proofs';

export interface LinkInput {
  supplierId: string;
  accountNumber: string;
  proof: { kind: LinkProofKind; value: string };
}

type Outcome =
  | { kind: 'linked'; account: AccountRow }
  | { kind: 'locked'; until: Date; of: 'ACCOUNT_NUMBER' | 'LOGIN' }
  | { kind: 'rejected'; attemptsLeft: number; lockedUntil: Date | null }
  | { kind: 'heldByAnother' }
  | { kind: 'deactivated' };


/** Where a release is told: payments cancels the login's unpaid checkouts of these accounts. */
export interface ReleaseEvents {
  /** The utility's name, as payments knows its items' utility (`electricity`, `heat`). */
  utility: string;
}

/**
 * Records, and tells payments in the transaction that released them, that `holderUserId` no
 * longer holds these accounts: a checkout it made for them before and has not paid yet must not
 * be paid now. The record is what a posting of such a payment is checked against when it comes
 * before payments has heard of the release (`releasedFromPayer`).
 */
async function publishReleased(tx: Transaction, t: UtilityTables, events: ReleaseEvents, holderUserId: string, accountIds: string[], now: Date) {
  if (!accountIds.length) return;
  await tx.insert(t.accountReleases).values(accountIds.map((accountId) => ({ accountId, holderUserId, releasedAt: now })));
  await publishEvent(tx, t.outbox, {
    topic: 'utility.accounts.released',
    payload: { utility: events.utility, holderUserId, accountIds, releasedAt: now.toISOString() },
    destinations: ['payments'],
  });
}

/**
 * Whether `payerUserId` let go of the account between making the checkout and its capture: then
 * the payment was taken for an account the payer no longer held, and is not posted (its checkout
 * should have been cancelled, and payments refunds it). A release after the capture leaves a
 * payment made while the account was held; one at the same instant counts as before it, so an
 * order the clocks cannot tell sends the money back to the card rather than to the account. Read
 * under the row lock releasing takes, so a release committing meanwhile is seen.
 */
export async function releasedFromPayer(
  tx: Transaction,
  t: UtilityTables,
  payment: { accountId: string; payerUserId: string; checkoutCreatedAt: Date; capturedAt: Date },
): Promise<Date | null> {
  await tx.select({ id: t.accounts.id }).from(t.accounts).where(eq(t.accounts.id, payment.accountId)).for('share');
  const [release] = await tx
    .select({ releasedAt: t.accountReleases.releasedAt })
    .from(t.accountReleases)
    .where(
      and(
        eq(t.accountReleases.accountId, payment.accountId),
        eq(t.accountReleases.holderUserId, payment.payerUserId),
        gte(t.accountReleases.releasedAt, payment.checkoutCreatedAt),
        lte(t.accountReleases.releasedAt, payment.capturedAt),
      ),
    )
    .orderBy(asc(t.accountReleases.releasedAt))
    .limit(1);
  return release?.releasedAt ?? null;
}

/** A login was deactivated: its accounts are free to be linked again, and their e-receipts stop. */
export async function releaseAccountsOf(tx: Transaction, t: UtilityTables, userId: string, now: Date, events: ReleaseEvents): Promise<void> {
  await tx.insert(t.deactivatedLogins).values({ userId, deactivatedAt: now }).onConflictDoNothing();
  const released = await tx
    .update(t.accounts)
    .set({ holderUserId: null, linkedAt: null })
    .where(eq(t.accounts.holderUserId, userId))
    .returning({ id: t.accounts.id });
  if (released.length) {
    await cancelEReceipts(tx, t, released.map((account) => account.id));
    await publishReleased(tx, t, events, userId, released.map((account) => account.id), now);
  }
}

/** Linking, unlinking and office codes: who holds which account. */
export function createLinkingService(db: Database, t: UtilityTables, events: ReleaseEvents & { relay: { nudge(): void } }) {
  async function proofHolds(tx: Transaction, account: AccountRow, proof: LinkInput['proof'], now: Date): Promise<boolean> {
    switch (proof.kind) {
      case 'HOLDER_SURNAME':
        return normalizeSurname(proof.value) === normalizeSurname(account.holderSurname);
      case 'LAST_PAYMENT_AMOUNT': {
        const payments = await tx
          .select({ amountMinor: t.ledgerEntries.amountMinor })
          .from(t.ledgerEntries)
          .where(and(eq(t.ledgerEntries.accountId, account.id), eq(t.ledgerEntries.kind, 'PAYMENT'), lte(t.ledgerEntries.occurredAt, now)))
          .orderBy(desc(t.ledgerEntries.occurredAt))
          .limit(2);
        return matchesRecentPayment(proof.value, account.currency, payments.map((payment) => -payment.amountMinor));
      }
      case 'RECEIPT_CODE': {
        const bills = await tx
          .select({ receiptCode: t.bills.receiptCode })
          .from(t.bills)
          .where(and(eq(t.bills.accountId, account.id), lte(t.bills.issuedAt, now)))
          .orderBy(desc(t.bills.period))
          .limit(3);
        return matchesReceiptCode(proof.value, bills.map((bill) => bill.receiptCode));
      }
      case 'OFFICE_CODE': {
        const [code] = await tx
          .update(t.linkCodes)
          .set({ usedAt: now })
          .where(
            and(
              eq(t.linkCodes.accountId, account.id),
              eq(t.linkCodes.codeHash, hashOfficeCode(proof.value)),
              isNull(t.linkCodes.usedAt),
              gt(t.linkCodes.expiresAt, now),
            ),
          )
          .returning({ id: t.linkCodes.id });
        // A matching code is spent at once, even if the account then turns out to be held by
        // another login: an office code proves holding once.
        return Boolean(code);
      }
    }
  }

  return {
    /**
     * Links an account to the viewer once a proof holds. Wrong proofs (and unknown numbers,
     * indistinguishable on purpose) from any login count towards a lockout of that number for
     * every login, so that rotating logins gains no guesses; attempts on a number are serialized
     * across logins, so aliased or parallel requests count one by one. A successful link clears
     * nothing: it proves one proof right, not that the earlier wrong ones were harmless, and
     * clearing them would hand the next guesser fresh attempts. A login's wrong proofs over all
     * numbers lock linking for that login too (`maxLoginLinkFailures`), so guessing a few times at
     * each of many numbers gains nothing either.
     */
    async link(viewer: Viewer | null, input: LinkInput, now: Date): Promise<AccountRow> {
      if (!viewer) throw unauthenticated();
      // A holder is a household: staff reach their supplier's accounts through their own fields,
      // and one who linked an account would take readings and payments in a household's name.
      if (viewer.role !== 'CUSTOMER') throw forbidden(messages.householdsLinkOnly());
      const supplier = await findSupplier(db, t, input.supplierId);
      const accountNumber = normalizeAccountNumber(input.accountNumber);
      assertAccountNumberFormat(supplier, accountNumber);
      if (!supplier.linkProofs.includes(input.proof.kind)) {
        throw new DomainError('PROOF_NOT_ACCEPTED', messages.proofNotAccepted(supplier.name, supplier.linkProofs), {
          field: 'proof',
          acceptedProofs: supplier.linkProofs,
        });
      }

      const outcome = await db.transaction(async (tx): Promise<Outcome> => {
        // The login's lock first, then the number's: every attempt takes them in this order.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`link-login:${viewer.userId}`}))`);
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`link:${supplier.id}:${accountNumber}`}))`);
        const [deactivated] = await tx.select().from(t.deactivatedLogins).where(eq(t.deactivatedLogins.userId, viewer.userId));
        if (deactivated) return { kind: 'deactivated' };
        const loginFailures = await tx
          .select({ failedAt: t.linkFailures.failedAt })
          .from(t.linkFailures)
          .where(and(eq(t.linkFailures.userId, viewer.userId), gt(t.linkFailures.failedAt, new Date(now.getTime() - lockoutLookbackMs))));
        const loginLocked = lockedUntil(loginFailures.map((failure) => failure.failedAt), now, maxLoginLinkFailures);
        if (loginLocked) return { kind: 'locked', until: loginLocked, of: 'LOGIN' };
        const failures = await tx
          .select({ failedAt: t.linkFailures.failedAt })
          .from(t.linkFailures)
          .where(
            and(
              eq(t.linkFailures.supplierId, supplier.id),
              eq(t.linkFailures.accountNumber, accountNumber),
              gt(t.linkFailures.failedAt, new Date(now.getTime() - lockoutLookbackMs)),
            ),
          );
        const locked = lockedUntil(failures.map((failure) => failure.failedAt), now);
        if (locked) return { kind: 'locked', until: locked, of: 'ACCOUNT_NUMBER' };

        const [account] = await tx
          .select()
          .from(t.accounts)
          .where(and(eq(t.accounts.supplierId, supplier.id), eq(t.accounts.accountNumber, accountNumber)));
        if (!account || !(await proofHolds(tx, account, input.proof, now))) {
          await tx.insert(t.linkFailures).values({ userId: viewer.userId, supplierId: supplier.id, accountNumber, failedAt: now });
          const failed = [...failures.map((failure) => failure.failedAt), now];
          return { kind: 'rejected', attemptsLeft: attemptsLeft(failed, now), lockedUntil: lockedUntil(failed, now) };
        }
        if (account.holderUserId === viewer.userId) return { kind: 'linked', account };
        if (account.holderUserId) return { kind: 'heldByAnother' };
        const [linked] = await tx
          .update(t.accounts)
          .set({ holderUserId: viewer.userId, linkedAt: now })
          .where(and(eq(t.accounts.id, account.id), isNull(t.accounts.holderUserId)))
          .returning();
        return linked ? { kind: 'linked', account: linked } : { kind: 'heldByAnother' };
      });

      switch (outcome.kind) {
        case 'linked':
          return outcome.account;
        case 'locked':
          throw new DomainError('LINK_LOCKED', (outcome.of === 'LOGIN' ? messages.linkLockedForLogin : messages.linkLocked)(outcome.until, supplier.timeZone), {
            locked: outcome.of,
            lockedUntil: outcome.until.toISOString(),
            retryAfterSeconds: Math.ceil((outcome.until.getTime() - now.getTime()) / 1000),
          });
        case 'rejected':
          throw new DomainError('LINK_PROOF_REJECTED', messages.linkProofRejected(), {
            attemptsLeft: outcome.attemptsLeft,
            ...(outcome.lockedUntil ? { lockedUntil: outcome.lockedUntil.toISOString() } : {}),
          });
        case 'deactivated':
          throw unauthenticated(messages.loginDeactivated());
        case 'heldByAnother':
          throw new DomainError('ACCOUNT_HELD_BY_ANOTHER_LOGIN', messages.heldByAnotherLogin());
      }
    },

    /** Releases an account the viewer holds; its e-receipts stop with it, and payments hears of it. */
    async unlink(viewer: Viewer | null, accountId: string, now: Date): Promise<string> {
      const [account] = validIds([accountId]).length ? await db.select().from(t.accounts).where(eq(t.accounts.id, accountId)) : [];
      if (!account) throw new DomainError('ACCOUNT_NOT_FOUND', messages.accountNotFound(), { field: 'accountId' });
      const holder = ensureHolder(viewer, account);
      const releasedNow = await db.transaction(async (tx) => {
        const released = await tx
          .update(t.accounts)
          .set({ holderUserId: null, linkedAt: null })
          .where(and(eq(t.accounts.id, account.id), eq(t.accounts.holderUserId, holder.userId)))
          .returning({ id: t.accounts.id });
        // Released by someone else meanwhile (and maybe linked anew): the new holder's e-receipts stay.
        if (!released.length) return false;
        await cancelEReceipts(tx, t, [account.id]);
        await publishReleased(tx, t, events, holder.userId, [account.id], now);
        return true;
      });
      if (releasedNow) events.relay.nudge();
      return account.id;
    },

    /** A one-time code an operator hands to the holder (shown once; only its hash is kept). */
    async issueOfficeCode(viewer: Viewer | null, rawAccountNumber: string, now: Date) {
      const { viewer: staff, supplierId } = ensureStaff(viewer);
      const supplier = await findSupplier(db, t, supplierId);
      if (!supplier.linkProofs.includes('OFFICE_CODE')) {
        throw new DomainError('PROOF_NOT_ACCEPTED', messages.officeCodesNotAccepted(supplier.name), {
          acceptedProofs: supplier.linkProofs,
        });
      }
      const accountNumber = normalizeAccountNumber(rawAccountNumber);
      const [account] = await db
        .select()
        .from(t.accounts)
        .where(and(eq(t.accounts.supplierId, supplierId), eq(t.accounts.accountNumber, accountNumber)));
      if (!account) throw new DomainError('ACCOUNT_NOT_FOUND', messages.accountNumberNotFound(), { field: 'accountNumber' });
      const code = newOfficeCode();
      const expiresAt = new Date(now.getTime() + linkCodeTtlMs);
      await db.insert(t.linkCodes).values({ accountId: account.id, codeHash: hashOfficeCode(code), issuedByUserId: staff.userId, expiresAt, createdAt: now });
      return { code, accountNumber, expiresAt };
    },
  };
}

export type LinkingService = ReturnType<typeof createLinkingService>;
