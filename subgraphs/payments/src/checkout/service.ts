import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@kabinet/config';
import type { Database, Transaction } from '@kabinet/db';
import { DomainError, type Locale, type Translations } from '@kabinet/errors';
import { publishEvent } from '@kabinet/events';
import { minorUnitExponent, newTransferReference } from '@kabinet/money';
import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, lte, ne, notInArray, or, sql } from 'drizzle-orm';
import { bankAccounts, merchants, outbox, paymentItems, payments, providerCallbacks, transfersReceived, unmatchedNotices } from '../db/schema';
import { messages } from '../messages';
import type { PaymentProvider, PaymentProviders, ProviderNotice } from '../providers/provider';
import { transferProblem } from '../providers/bank-transfer/transfers';
import { checkoutMinorExponent, checkoutRequest, requestHash, type RawCheckoutInput } from './request';
import { afterProviderSaid, isWithProvider } from './status';
import type { AccountsReleased, PostingRefused, TransferReceived, UtilityAnswer } from '../events';

export type CheckoutRow = typeof payments.$inferSelect;
export type CheckoutItemRow = typeof paymentItems.$inferSelect;

/** Why a checkout was refused, as told to the client. */
const refusals: Record<string, () => Translations> = {
  ACCOUNT_NOT_HELD: messages.accountNotHeld,
  CURRENCIES_MIXED: messages.currenciesMixed,
  SUPPLIER_NOT_PAYABLE: messages.supplierNotPayable,
  NOT_CONFIRMED: messages.notConfirmed,
};

/** The typed error a refused checkout answers with, every time it is asked for again. */
export function refusalError(checkout: CheckoutRow, items: CheckoutItemRow[]): DomainError {
  const code = checkout.refusal ?? 'ACCOUNT_NOT_HELD';
  const refused = items.filter((item) => item.state === 'REFUSED').map((item) => item.accountId);
  return new DomainError(code, (refusals[code] ?? messages.accountNotHeld)(), { checkoutId: checkout.id, ...(refused.length ? { accountIds: refused } : {}) });
}

export interface CheckoutsOptions {
  db: Database;
  providers: PaymentProviders;
  /** Origins a `returnUrl` may lead to. */
  allowedReturnOrigins: readonly string[];
  /** Delivers the outbox after a commit. */
  relay: { nudge(): void };
  now: () => Date;
  /** How long `create` waits for the utilities' answers before it returns the checkout as it is. */
  confirmWaitMs: number;
  logger: Logger;
}

/** Confirmations not answered in this time refuse the checkout: the payer starts again. */
const confirmationDeadlineMs = 15 * 60_000;
/** A checkout with the provider this long without news is asked about. */
const reconcileAfterMs = 2 * 60_000;
/** An order the provider has never seen, this old: the payer left without paying. */
const abandonedAfterMs = 60 * 60_000;
/**
 * After the page expired, the provider may still finish what was under way at that moment (a
 * 3-D Secure check started a minute before): only then is an order it still calls unfinished FAILED.
 */
const expiryGraceMs = 60 * 60_000;
/**
 * A callback is news only this long after the time the provider signed into it (LiqPay's
 * `end_date`, else `create_date`). Its retries of one callback carry the same signed time, so
 * this covers a day of them (LiqPay publishes no schedule; a day is where retrying providers
 * commonly give up). An older one, or one without a time, is a replay or too late to trust:
 * it changes nothing and reconciliation asks the provider's status API instead.
 */
export const callbackToleranceMs = 24 * 60 * 60_000;
/**
 * How far the provider's clock may differ from ours: a callback signed this much before its
 * checkout was made, or this much ahead of our clock, is still taken. Further ahead it is a
 * message dated for later (made up, or from a clock too wrong to trust): refused as stale.
 */
const clockSkewMs = 5 * 60_000;
/** Checkouts asked about in one pass; the least recently asked first, so none is left out for long. */
const reconcileBatch = 50;

const pollMs = 20;

/**
 * `recorded`: kept and acknowledged, but it changes nothing (a partial refund). `stale`: a callback
 * signed too long ago (or before its checkout, or ahead of our clock), refused without changing anything.
 * `unknown-order` and `mismatch`: news of no checkout of ours, or of another amount or currency
 * than its checkout's: it changes nothing and is kept in `unmatched_notices` for an operator.
 */
export type NoticeResult = 'applied' | 'recorded' | 'duplicate' | 'stale' | 'unknown-order' | 'mismatch';

/** Where news comes from: a callback the provider posted, or its answer to our own request (status, refund), which is news now. */
export type NoticeSource = 'callback' | 'answer';

type Applied = { result: NoticeResult; publishes?: boolean; refund?: CheckoutRow };

export function createCheckouts(options: CheckoutsOptions) {
  const { db, logger } = options;
  /** Providers whose payers pay the suppliers' banks: nothing to ask them, nothing they refund. */
  const byTransfer = [...options.providers.values()].filter((provider) => provider.collects === 'supplier-banks').map((provider) => provider.name);

  /** News that matches no checkout: kept once per exact message, for an operator; logged as an error the first time. */
  async function keepUnmatched(executor: Database | Transaction, providerName: string, notice: ProviderNotice, source: NoticeSource, reason: 'unknown-order' | 'mismatch', detail: Record<string, unknown>) {
    const [kept] = await executor
      .insert(unmatchedNotices)
      .values({
        provider: providerName,
        orderId: notice.orderId.slice(0, 255),
        reason,
        source,
        providerStatus: notice.status.slice(0, 64),
        amountMinor: notice.amountMinor,
        currency: notice.currency.slice(0, 16),
        transactionId: notice.transactionId?.slice(0, 64) ?? null,
        eventId: notice.eventId.slice(0, 255),
        signedAt: notice.signedAt,
        dataHash: notice.evidence,
        receivedAt: options.now(),
      })
      .onConflictDoNothing()
      .returning({ id: unmatchedNotices.id });
    const fields = { provider: providerName, orderId: notice.orderId.slice(0, 64), status: notice.status, source, reason, kept: kept?.id ?? 'before', ...detail };
    if (kept) logger.error(fields, 'provider news matching no checkout kept for an operator; nothing changed');
    else logger.warn(fields, 'provider news matching no checkout repeated; nothing changed');
  }

  async function checkoutOf(executor: Database | Transaction, id: string) {
    const [row] = await executor.select().from(payments).where(eq(payments.id, id));
    return row;
  }

  /** The rows of a table kept per supplier (merchants, bank accounts) for these items' suppliers. */
  const ofSuppliersOf = (table: typeof merchants | typeof bankAccounts, items: CheckoutItemRow[]) =>
    or(...items.map((item) => and(eq(table.utility, item.utility), eq(table.supplierCode, item.supplierCode!))));

  /** Whom each supplier of these items is paid to: its LiqPay merchant (public key), or its bank account (IBAN). */
  async function payeesOf(tx: Transaction, collects: PaymentProvider['collects'], items: CheckoutItemRow[]) {
    if (collects === 'provider') {
      const rows = await tx.select().from(merchants).where(ofSuppliersOf(merchants, items));
      return rows.map((row) => ({ utility: row.utility, supplierCode: row.supplierCode, payee: row.publicKey, account: null }));
    }
    const rows = await tx.select().from(bankAccounts).where(ofSuppliersOf(bankAccounts, items));
    return rows.map((row) => ({ utility: row.utility, supplierCode: row.supplierCode, payee: row.iban, account: row }));
  }

  /**
   * Every item answered: the checkout goes to its provider (PENDING with a payment page) or is
   * refused. Runs in the transaction that recorded the last answer, under the checkout's lock.
   */
  async function decide(tx: Transaction, checkout: CheckoutRow): Promise<void> {
    const items = await tx.select().from(paymentItems).where(eq(paymentItems.paymentId, checkout.id)).orderBy(asc(paymentItems.position));
    if (items.some((item) => item.state === 'ASKED')) return;
    const refuse = (refusal: string) =>
      tx.update(payments).set({ status: 'REFUSED', refusal, updatedAt: options.now() }).where(eq(payments.id, checkout.id));

    if (items.some((item) => item.state === 'REFUSED')) return void (await refuse('ACCOUNT_NOT_HELD'));
    const currencies = new Set(items.map((item) => item.currency!));
    if (currencies.size > 1) return void (await refuse('CURRENCIES_MIXED'));
    const [currency] = currencies as Set<string>;
    // Amounts were read with two decimals; an account in another kind of currency cannot take them.
    if (minorUnitExponent(currency!) !== checkoutMinorExponent) return void (await refuse('CURRENCIES_MIXED'));

    const provider = options.providers.get(checkout.provider);
    if (!provider) throw new Error(`checkout ${checkout.id}: provider ${checkout.provider} is not configured`);
    const payees = await payeesOf(tx, provider.collects, items);
    const payeeRowOf = (item: CheckoutItemRow) => payees.find((row) => row.utility === item.utility && row.supplierCode === item.supplierCode);
    const payeeOf = (item: CheckoutItemRow) => payeeRowOf(item)?.payee;
    if (items.some((item) => !payeeOf(item)) || (provider.currencies && !provider.currencies.includes(currency!))) return void (await refuse('SUPPLIER_NOT_PAYABLE'));

    const splits = new Map<string, number>();
    for (const item of items) splits.set(payeeOf(item)!, (splits.get(payeeOf(item)!) ?? 0) + item.amountMinor);
    if (provider.collects === 'supplier-banks') {
      for (const item of items) {
        const problem = transferProblem(item, payeeRowOf(item)!.account!);
        if (problem) {
          logger.error({ checkoutId: checkout.id, utility: item.utility, supplierCode: item.supplierCode, problem }, "a supplier's bank account cannot take transfers; fix its row in bank_accounts");
          return void (await refuse('SUPPLIER_NOT_PAYABLE'));
        }
      }
      // One transfer per item, each known again on its supplier's bank registry by its reference;
      // the details given are kept as given, whatever the supplier's row says later.
      for (const item of items) {
        const account = payeeRowOf(item)!.account!;
        await tx
          .update(paymentItems)
          .set({ transferReference: newTransferReference(), transferRecipient: account.recipient, transferRecipientCode: account.recipientCode, transferIban: account.iban })
          .where(eq(paymentItems.id, item.id));
      }
    }
    const now = options.now();
    const pageExpiresAt = new Date(now.getTime() + provider.pageTtlMs);
    const paymentUrl = provider.paymentPage({
      orderId: checkout.id,
      expiresAt: pageExpiresAt,
      amountMinor: checkout.totalMinor,
      currency: currency!,
      description: describe(items, checkout.locale as Locale),
      returnUrl: checkout.returnUrl!,
      splits: [...splits].map(([merchantId, amountMinor]) => ({ merchantId, amountMinor })),
      language: checkout.locale as Locale,
    });
    await tx.update(payments).set({ status: 'PENDING', currency, paymentUrl, pageExpiresAt, updatedAt: now }).where(eq(payments.id, checkout.id));
  }

  /** Events that post a capture (or its reversal) to each item's ledger, in the transaction that decided it. */
  async function publishPostings(tx: Transaction, checkout: CheckoutRow, topic: 'payments.payment.captured' | 'payments.payment.reversed', at: Date) {
    const items = await tx.select().from(paymentItems).where(eq(paymentItems.paymentId, checkout.id));
    for (const item of items) {
      await publishEvent(tx, outbox, {
        topic,
        payload: {
          paymentId: checkout.id,
          accountId: item.accountId,
          amountMinor: item.amountMinor,
          currency: checkout.currency,
          capturedAt: (checkout.capturedAt ?? at).toISOString(),
          ...(topic === 'payments.payment.reversed' ? { reversedAt: at.toISOString() } : {}),
          // The utility posts nothing for an account this payer let go of between these two times.
          payerUserId: checkout.payerUserId,
          checkoutCreatedAt: checkout.createdAt.toISOString(),
          // As the personal card prints it: the channel and the checkout's number, which the receipt shows too.
          description: `Оплата через Kabinet (${checkout.provider === 'LIQPAY' ? 'LiqPay' : checkout.provider}), платіж ${checkout.id.slice(0, 8)}`,
        },
        destinations: [item.utility],
      });
    }
  }

  /**
   * What a provider said about an order (a callback, or its status answer to reconciliation),
   * applied once: the same news (the provider's event id) twice is recorded once, and the status
   * only moves forward. A stale callback changes nothing (see `callbackToleranceMs`).
   */
  async function applyNotice(providerName: string, notice: ProviderNotice, source: NoticeSource = 'answer'): Promise<NoticeResult> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(notice.orderId)) {
      await keepUnmatched(db, providerName, notice, source, 'unknown-order', { why: 'not an order id of ours' });
      return 'unknown-order';
    }
    const result = await db.transaction(async (tx): Promise<Applied> => {
      const [checkout] = await tx.select().from(payments).where(eq(payments.id, notice.orderId)).for('update');
      if (!checkout || checkout.provider !== providerName || !(isWithProvider(checkout.status) || checkout.status === 'CANCELLED')) {
        await keepUnmatched(tx, providerName, notice, source, 'unknown-order', { checkoutStatus: checkout?.status ?? null, checkoutProvider: checkout?.provider ?? null });
        return { result: 'unknown-order' };
      }
      const now = options.now();
      if (source === 'callback') {
        const signedAt = notice.signedAt?.getTime();
        const why =
          signedAt === undefined
            ? 'no signed time'
            : signedAt < now.getTime() - callbackToleranceMs
              ? 'signed too long ago'
              : signedAt > now.getTime() + clockSkewMs
                ? 'signed in the future'
                : signedAt < checkout.createdAt.getTime() - clockSkewMs
                  ? 'signed before the checkout was made'
                  : null;
        if (why) {
          // Nothing recorded: the provider's status API, asked by reconciliation, still settles the checkout.
          logger.warn(
            { provider: providerName, orderId: checkout.id, status: notice.status, checkoutStatus: checkout.status, signedAt: notice.signedAt?.toISOString() ?? null, why },
            'stale provider callback refused; reconciliation settles the checkout',
          );
          return { result: 'stale' };
        }
      }
      if (notice.outcome === 'REVERSED' && notice.currency === checkout.currency && notice.amountMinor > 0 && notice.amountMinor < checkout.totalMinor) {
        // A partial refund (made in the provider's cabinet): the checkout was not returned whole, so
        // it stays as it is and nothing is reversed on the ledgers; which item it returns is for an
        // operator to say. Recorded, and acknowledged, or the provider would repeat it forever.
        // Its exact message seen before is a retry whatever its key: rows recorded before refunds
        // were told apart by their time keep a key without it.
        const [retried] = await tx
          .select({ id: providerCallbacks.id })
          .from(providerCallbacks)
          .where(and(eq(providerCallbacks.paymentId, checkout.id), eq(providerCallbacks.dataHash, notice.evidence)))
          .limit(1);
        if (retried) return { result: 'duplicate' };
        const [partial] = await tx
          .insert(providerCallbacks)
          .values({ paymentId: checkout.id, providerStatus: notice.status, eventId: notice.eventId, dataHash: notice.evidence, receivedAt: now })
          .onConflictDoNothing()
          .returning({ id: providerCallbacks.id });
        if (partial) {
          logger.error(
            { provider: providerName, orderId: checkout.id, status: checkout.status, refundedMinor: notice.amountMinor, totalMinor: checkout.totalMinor, currency: checkout.currency },
            'provider reports a partial refund; the checkout and its ledgers are left as they are for an operator',
          );
        }
        return { result: partial ? 'recorded' : 'duplicate' };
      }
      if (notice.amountMinor !== checkout.totalMinor || notice.currency !== checkout.currency) {
        await keepUnmatched(tx, providerName, notice, source, 'mismatch', {
          said: { amountMinor: notice.amountMinor, currency: notice.currency },
          expected: { amountMinor: checkout.totalMinor, currency: checkout.currency },
        });
        return { result: 'mismatch' };
      }
      const [recorded] = await tx
        .insert(providerCallbacks)
        .values({ paymentId: checkout.id, providerStatus: notice.status, eventId: notice.eventId, dataHash: notice.evidence, receivedAt: now })
        .onConflictDoNothing()
        .returning({ id: providerCallbacks.id });
      if (checkout.status === 'CANCELLED') return cancelledHeard(tx, checkout, notice, Boolean(recorded), now);
      if (!recorded) return { result: 'duplicate' };

      const next = afterProviderSaid(checkout.status, notice.outcome);
      if (next === checkout.status) {
        // News of the same standing (3ds_verify while pending) is the provider's latest word; older news is not.
        const latest = notice.outcome === checkout.status ? { providerStatus: notice.status } : {};
        await tx.update(payments).set({ checkedAt: now, ...latest }).where(eq(payments.id, checkout.id));
        return { result: 'applied' };
      }
      const capturedAt = next === 'CAPTURED' ? now : checkout.capturedAt;
      await tx
        .update(payments)
        .set({
          status: next,
          providerStatus: notice.status,
          capturedAt,
          ...(next === 'CAPTURED' ? { providerPaymentId: notice.transactionId } : {}),
          ...(next === 'REVERSED' ? { reversedAt: now } : {}),
          updatedAt: now,
          checkedAt: now,
        })
        .where(eq(payments.id, checkout.id));
      if (next === 'CAPTURED') await publishPostings(tx, { ...checkout, capturedAt }, 'payments.payment.captured', now);
      // Returned after it was posted: each ledger gets the reversing entry. Never captured: nothing was posted.
      if (next === 'REVERSED' && checkout.capturedAt) await publishPostings(tx, checkout, 'payments.payment.reversed', now);
      return { result: 'applied', publishes: next === 'CAPTURED' || (next === 'REVERSED' && Boolean(checkout.capturedAt)) };
    });
    if (result.publishes) options.relay.nudge();
    if (result.refund) await refundCancelled(providerName, result.refund);
    return result.result;
  }

  /**
   * The provider's word on a cancelled checkout. It is never posted: money taken for it is
   * refunded (whenever the provider says captured, a repeat included, until it says reversed),
   * and `reversed` ends it REVERSED with nothing to reverse on any ledger.
   */
  async function cancelledHeard(tx: Transaction, checkout: CheckoutRow, notice: ProviderNotice, recorded: boolean, now: Date): Promise<Applied> {
    if (notice.outcome === 'REVERSED') {
      if (!recorded) return { result: 'duplicate' };
      await tx
        .update(payments)
        .set({ status: 'REVERSED', providerStatus: notice.status, reversedAt: now, updatedAt: now, checkedAt: now })
        .where(eq(payments.id, checkout.id));
      // Cancelled after its capture was announced (a utility refused it): the items other ledgers
      // posted are reversed there; the refusing utility posted nothing and reverses nothing.
      if (checkout.capturedAt) await publishPostings(tx, checkout, 'payments.payment.reversed', now);
      return { result: 'applied', publishes: Boolean(checkout.capturedAt) };
    }
    if (notice.outcome !== 'CAPTURED') return { result: recorded ? 'applied' : 'duplicate' };
    // Marks money taken (`providerPaymentId`): reconciliation keeps asking until the refund is confirmed.
    await tx
      .update(payments)
      .set({ providerStatus: notice.status, providerPaymentId: notice.transactionId ?? checkout.id, updatedAt: now })
      .where(eq(payments.id, checkout.id));
    logger.warn({ orderId: checkout.id, refusal: checkout.refusal }, 'a cancelled checkout was paid at the provider; refunding it');
    return { result: recorded ? 'applied' : 'duplicate', refund: checkout };
  }

  /** Asks the provider to return a cancelled checkout's money; its answer is applied like any news. */
  async function refundCancelled(providerName: string, checkout: CheckoutRow): Promise<void> {
    const provider = options.providers.get(providerName);
    if (!provider || !checkout.currency) return;
    try {
      const notice = await provider.refund(checkout.id, checkout.totalMinor, checkout.currency);
      await applyNotice(providerName, notice);
    } catch (error) {
      // Not refunded now: reconciliation asks again, and refunds while the provider still says captured.
      logger.error({ err: error, orderId: checkout.id, provider: providerName }, 'refund of a cancelled checkout failed; retried by reconciliation');
    }
  }

  return {
    /**
     * Makes a checkout, or returns the one this key already made. The utilities are asked through
     * the outbox; their answers usually arrive within the wait, else the checkout is returned as
     * AWAITING_CONFIRMATION and the client reads it again.
     */
    async create(payer: { userId: string; email?: string | undefined }, input: RawCheckoutInput, locale: Locale): Promise<{ checkout: CheckoutRow; items: CheckoutItemRow[] }> {
      const request = checkoutRequest(input, { providers: [...options.providers.keys()], allowedReturnOrigins: options.allowedReturnOrigins });
      const hash = requestHash(request);
      const now = options.now();
      const id = crypto.randomUUID();
      const created = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(payments)
          .values({
            id,
            payerUserId: payer.userId,
            payerEmail: payer.email ?? null,
            status: 'AWAITING_CONFIRMATION',
            totalMinor: request.items.reduce((sum, item) => sum + item.amountMinor, 0),
            currency: null,
            provider: request.provider,
            idempotencyKey: request.idempotencyKey,
            requestHash: hash,
            returnUrl: request.returnUrl,
            locale,
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing({ target: [payments.payerUserId, payments.idempotencyKey] })
          .returning();
        if (!row) return false;
        const items = request.items.map((item, position) => ({ id: crypto.randomUUID(), paymentId: id, position, state: 'ASKED' as const, ...item }));
        await tx.insert(paymentItems).values(items);
        for (const utility of new Set(items.map((item) => item.utility))) {
          await publishEvent(tx, outbox, {
            topic: 'payments.checkout.requested',
            payload: {
              checkoutId: id,
              payerUserId: payer.userId,
              items: items.filter((item) => item.utility === utility).map((item) => ({ itemId: item.id, accountId: item.accountId })),
            },
            destinations: [utility],
          });
        }
        return true;
      });

      let checkoutId: string = id;
      if (created) {
        options.relay.nudge();
      } else {
        // This key made a checkout before: the same one for the same request (a retry), else an error.
        const [existing] = await db
          .select()
          .from(payments)
          .where(and(eq(payments.payerUserId, payer.userId), eq(payments.idempotencyKey, request.idempotencyKey)));
        if (!existing || existing.requestHash !== hash) {
          throw new DomainError('IDEMPOTENCY_KEY_REUSED', messages.idempotencyKeyReused(), { field: 'idempotencyKey' });
        }
        checkoutId = existing.id;
      }

      const deadline = Date.now() + options.confirmWaitMs;
      let checkout = (await checkoutOf(db, checkoutId))!;
      while (checkout.status === 'AWAITING_CONFIRMATION' && Date.now() < deadline) {
        await sleep(pollMs);
        checkout = (await checkoutOf(db, checkoutId))!;
      }
      const items = await db.select().from(paymentItems).where(eq(paymentItems.paymentId, checkoutId)).orderBy(asc(paymentItems.position));
      if (checkout.status === 'REFUSED') throw refusalError(checkout, items);
      return { checkout, items };
    },

    /** A utility answered for its items (consumer of `utility.checkout.answered`). */
    async applyAnswer(tx: Transaction, answer: UtilityAnswer): Promise<void> {
      const [checkout] = await tx.select().from(payments).where(eq(payments.id, answer.checkoutId)).for('update');
      // Late (the checkout expired) or for a checkout already decided: nothing to do.
      if (!checkout || checkout.status !== 'AWAITING_CONFIRMATION') return;
      // Paid twice from two devices: this account's other pending or captured checkouts, read at once for all items.
      const accountIds = answer.items.filter((item) => item.payable).map((item) => item.accountId);
      const others = accountIds.length
        ? await tx
            .select({ accountId: paymentItems.accountId, createdAt: payments.createdAt })
            .from(paymentItems)
            .innerJoin(payments, eq(payments.id, paymentItems.paymentId))
            .where(
              and(
                inArray(paymentItems.accountId, accountIds),
                eq(paymentItems.utility, answer.utility),
                ne(payments.id, checkout.id),
                inArray(payments.status, ['PENDING', 'CAPTURED']),
              ),
            )
        : [];
      for (const item of answer.items) {
        const own = and(eq(paymentItems.id, item.itemId), eq(paymentItems.paymentId, checkout.id), eq(paymentItems.utility, answer.utility), eq(paymentItems.accountId, item.accountId));
        if (!item.payable) {
          await tx.update(paymentItems).set({ state: 'REFUSED', refusal: item.reason }).where(own);
          continue;
        }
        // Since the account's latest bill: a payment before it paid an earlier bill.
        const since = item.currentBillIssuedAt ? new Date(item.currentBillIssuedAt).getTime() : 0;
        const paidHereToo = others.some((other) => other.accountId === item.accountId && other.createdAt.getTime() > since);
        await tx
          .update(paymentItems)
          .set({
            state: 'PAYABLE',
            supplierCode: item.supplierCode,
            supplierName: item.supplierName,
            supplierTimeZone: item.supplierTimeZone ?? null,
            accountNumber: item.accountNumber,
            currency: item.currency,
            alreadyPaid: item.paidSinceBill || paidHereToo,
          })
          .where(own);
      }
      await decide(tx, checkout);
    },

    applyNotice,

    /**
     * A utility refused to post an item of a captured checkout (consumer of
     * `utility.payment.refused`): the payer had let go of the account before the capture, and the
     * capture landed before payments heard of the release. The whole checkout is cancelled, as one
     * debit paid every item, and answered for refunding once this commits (`refundCancelled`);
     * the provider's `reversed` then reverses what the other items' ledgers posted. Null when
     * there is nothing to refund (already cancelled by another item's refusal, or returned).
     */
    async applyPostingRefused(tx: Transaction, refusal: PostingRefused): Promise<CheckoutRow | null> {
      const [checkout] = await tx.select().from(payments).where(eq(payments.id, refusal.paymentId)).for('update');
      const [item] = checkout
        ? await tx
            .select({ id: paymentItems.id })
            .from(paymentItems)
            .where(and(eq(paymentItems.paymentId, checkout.id), eq(paymentItems.utility, refusal.utility), eq(paymentItems.accountId, refusal.accountId)))
        : [];
      if (!checkout || !item) {
        logger.error({ ...refusal }, 'a utility refused a posting of no checkout item of ours');
        return null;
      }
      if (checkout.status !== 'CAPTURED') {
        logger.info({ ...refusal, status: checkout.status }, 'a utility refused a posting of a checkout no longer captured; nothing more to do');
        return null;
      }
      const now = options.now();
      await tx.update(payments).set({ status: 'CANCELLED', refusal: refusal.reason, updatedAt: now }).where(eq(payments.id, checkout.id));
      logger.warn({ ...refusal, capturedAt: checkout.capturedAt }, 'a captured checkout paid an account released before its capture; refunding it');
      return { ...checkout, status: 'CANCELLED', refusal: refusal.reason, updatedAt: now };
    },

    /** Asks the provider to return a cancelled checkout's money (after the transaction that cancelled it committed). */
    refundCancelled: (checkout: CheckoutRow) => refundCancelled(checkout.provider, checkout),

    /**
     * A supplier's bank registry brought a transfer that carries an item's reference (consumer of
     * `utility.transfer.received`): the utility has posted it to the ledger already, as the money
     * is the supplier's, so payments posts nothing. It counts what the item received, each ledger
     * payment once (`transfers_received`: a file uploaded again tells of its rows again); once every
     * item has its amount the checkout is CAPTURED (its receipt goes out). A transfer that comes
     * after its details expired (FAILED) captures it all the same; one for a checkout cancelled or
     * refused is counted and logged, for the money stays posted to the supplier's account.
     */
    async applyTransfer(tx: Transaction, transfer: TransferReceived): Promise<void> {
      const [named] = await tx.select({ paymentId: paymentItems.paymentId }).from(paymentItems).where(eq(paymentItems.transferReference, transfer.reference));
      const fields = { reference: transfer.reference, utility: transfer.utility, accountId: transfer.accountId, amountMinor: transfer.amountMinor, ledgerPaymentId: transfer.ledgerPaymentId };
      if (!named) return void logger.warn(fields, 'a bank transfer names a reference of no checkout item; it stays posted to its account');
      // Under the checkout's lock, as every change of its status is: its items are read after it.
      const checkout = (await tx.select().from(payments).where(eq(payments.id, named.paymentId)).for('update'))[0]!;
      const items = await tx.select().from(paymentItems).where(eq(paymentItems.paymentId, named.paymentId));
      const item = items.find((each) => each.transferReference === transfer.reference)!;
      if (item.utility !== transfer.utility || item.accountId !== transfer.accountId || transfer.currency !== checkout.currency) {
        // Another account paid with this item's reference (a typo at the bank counter): the money is
        // that account's, and this item is not paid by it.
        return void logger.error({ ...fields, checkoutId: checkout.id, itemAccountId: item.accountId }, 'a bank transfer carries the reference of another account\'s checkout item; the item is not settled by it');
      }
      const [counted] = await tx
        .insert(transfersReceived)
        .values({ utility: transfer.utility, ledgerPaymentId: transfer.ledgerPaymentId, itemId: item.id, amountMinor: transfer.amountMinor, paidOn: transfer.paidOn, receivedAt: options.now() })
        .onConflictDoNothing()
        .returning({ itemId: transfersReceived.itemId });
      // Told again (its file uploaded again): counted the first time.
      if (!counted) return;
      const receivedMinor = item.receivedMinor + transfer.amountMinor;
      await tx.update(paymentItems).set({ receivedMinor }).where(eq(paymentItems.id, item.id));
      if (!(checkout.status === 'PENDING' || checkout.status === 'FAILED')) {
        return void logger.warn({ ...fields, checkoutId: checkout.id, status: checkout.status }, 'a bank transfer for a checkout no longer payable; it stays posted to its account');
      }
      const paid = items.every((other) => (other.id === item.id ? receivedMinor : other.receivedMinor) >= other.amountMinor);
      if (!paid) return;
      const now = options.now();
      await tx
        .update(payments)
        .set({ status: 'CAPTURED', providerStatus: 'received', capturedAt: now, updatedAt: now })
        .where(eq(payments.id, checkout.id));
    },

    /**
     * A utility released accounts from a login (consumer of `utility.accounts.released`): that
     * login's checkouts for them made by then and not captured yet are CANCELLED
     * (`ACCOUNT_RELEASED`) and never posted. A checkout captured before the release was paid while the account was held: it stays.
     */
    async applyRelease(tx: Transaction, release: AccountsReleased): Promise<void> {
      const now = options.now();
      // Only checkouts made by then: the event may come late, after the payer linked the account
      // again and made a new one. A confirmed checkout made at the release's very instant was
      // confirmed before it (the utility answers under the lock releasing takes) and is cancelled;
      // an unconfirmed one is left to the utility's answer, which is the truth either way.
      const releasedAt = new Date(release.releasedAt);
      const holding = tx
        .select({ id: paymentItems.paymentId })
        .from(paymentItems)
        .where(and(eq(paymentItems.utility, release.utility), inArray(paymentItems.accountId, release.accountIds)));
      const cancelled = await tx
        .update(payments)
        .set({ status: 'CANCELLED', refusal: 'ACCOUNT_RELEASED', updatedAt: now })
        .where(
          and(
            eq(payments.payerUserId, release.holderUserId),
            inArray(payments.id, holding),
            or(
              and(eq(payments.status, 'AWAITING_CONFIRMATION'), lt(payments.createdAt, releasedAt)),
              and(eq(payments.status, 'PENDING'), lte(payments.createdAt, releasedAt)),
              // A declined checkout's page still takes a second try until it expires; expired transfer
              // details may still be paid from a banking app, and would capture it.
              and(
                eq(payments.status, 'FAILED'),
                lte(payments.createdAt, releasedAt),
                or(isNull(payments.pageExpiresAt), gt(payments.pageExpiresAt, now), byTransfer.length ? inArray(payments.provider, byTransfer) : undefined),
              ),
            ),
          ),
        )
        .returning({ id: payments.id });
      if (cancelled.length) logger.info({ checkoutIds: cancelled.map((row) => row.id), utility: release.utility }, 'checkouts of released accounts cancelled');
    },

    /**
     * Settles what is left hanging: checkouts with the provider without news for a while are asked
     * about (a lost callback, a timeout), and confirmations never answered expire.
     */
    async reconcile(): Promise<{ asked: number; settled: number; expired: number }> {
      const now = options.now();
      const expired = await db
        .update(payments)
        .set({ status: 'REFUSED', refusal: 'NOT_CONFIRMED', updatedAt: now })
        .where(and(eq(payments.status, 'AWAITING_CONFIRMATION'), lt(payments.createdAt, new Date(now.getTime() - confirmationDeadlineMs))))
        .returning({ id: payments.id });
      // Transfers have no provider to ask: unpaid when their details stop being valid, they end.
      const lapsed = byTransfer.length
        ? await db
            .update(payments)
            .set({ status: 'FAILED', providerStatus: 'expired', updatedAt: now })
            .where(and(eq(payments.status, 'PENDING'), inArray(payments.provider, byTransfer), lt(payments.pageExpiresAt, now)))
            .returning({ id: payments.id })
        : [];
      const stale = new Date(now.getTime() - reconcileAfterMs);
      const pending = await db
        .select()
        .from(payments)
        .where(
          and(
            byTransfer.length ? notInArray(payments.provider, byTransfer) : undefined,
            or(
              eq(payments.status, 'PENDING'),
              // Cancelled: asked while its page may still take money, and while money it took is not yet refunded.
              and(eq(payments.status, 'CANCELLED'), or(isNotNull(payments.providerPaymentId), gt(payments.pageExpiresAt, new Date(now.getTime() - expiryGraceMs)))),
            ),
            lt(payments.updatedAt, stale),
            or(isNull(payments.checkedAt), lt(payments.checkedAt, stale)),
          ),
        )
        // Never asked first, then the longest unasked: a batch of orders that never settle cannot hold the rest back.
        .orderBy(sql`${payments.checkedAt} asc nulls first`, asc(payments.updatedAt))
        .limit(reconcileBatch);
      let settled = 0;
      for (const checkout of pending) {
        const provider = options.providers.get(checkout.provider);
        if (!provider) continue;
        try {
          const notice = await provider.queryStatus(checkout.id);
          // Asked, whatever the answer (the same in-progress word again is a 'duplicate' that changes
          // nothing else): it goes to the back of the queue.
          if (notice) await applyNotice(provider.name, notice);
          await db.update(payments).set({ checkedAt: now }).where(eq(payments.id, checkout.id));
          const unfinished = !notice || notice.outcome === 'PENDING';
          const expiresAt = checkout.pageExpiresAt ?? new Date(checkout.createdAt.getTime() + provider.pageTtlMs);
          if (unfinished && (notice ? expiresAt.getTime() + expiryGraceMs : checkout.createdAt.getTime() + abandonedAfterMs) < now.getTime()) {
            // Never seen by the provider for an hour (the payer left before paying), or still
            // unfinished well after its page stopped taking payments: it ends here. A capture the
            // provider reports later still moves it forward (FAILED → CAPTURED) and is posted.
            await db
              .update(payments)
              .set({ status: 'FAILED', providerStatus: notice ? 'expired' : 'not_found', updatedAt: now })
              .where(and(eq(payments.id, checkout.id), eq(payments.status, 'PENDING')));
          }
          const after = await checkoutOf(db, checkout.id);
          if (after?.status !== checkout.status) settled += 1;
        } catch (error) {
          // Nothing concluded: asked again on a later pass, after the others.
          await db.update(payments).set({ checkedAt: now }).where(eq(payments.id, checkout.id));
          logger.warn({ err: error, orderId: checkout.id, provider: checkout.provider }, 'provider status query failed; the checkout stays pending');
        }
      }
      return { asked: pending.length, settled: settled + lapsed.length, expired: expired.length };
    },
  };
}

export type Checkouts = ReturnType<typeof createCheckouts>;

/** What the payer's card statement and the provider's page say: the accounts paid. */
function describe(items: CheckoutItemRow[], locale: Locale): string {
  const head = { en: 'Utilities via Kabinet', uk: 'Комунальні послуги через Kabinet', ru: 'Коммунальные услуги через Kabinet' }[locale];
  const accounts = items.map((item) => `${item.supplierName} ${item.accountNumber}`).join('; ');
  const text = `${head}: ${accounts}`;
  return text.length > 250 ? `${text.slice(0, 249)}…` : text;
}
