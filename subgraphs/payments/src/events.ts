import type { Logger } from '@kabinet/config';
import type { Database } from '@kabinet/db';
import { eventConsumer, PermanentEventError } from '@kabinet/events';
import { z } from 'zod';
import type { CheckoutRow, Checkouts } from './checkout/service';
import { inbox } from './db/schema';

/** A utility's answer about the items of a checkout that are its accounts (its side: utility-core's `payable.ts`). */
const answered = z.object({
  checkoutId: z.uuid(),
  utility: z.enum(['electricity', 'heat']),
  items: z.array(
    z.discriminatedUnion('payable', [
      z.object({
        itemId: z.uuid(),
        accountId: z.uuid(),
        payable: z.literal(true),
        supplierCode: z.string().min(1),
        supplierName: z.string().min(1),
        // Optional: answers published before utilities told it may still be in an outbox.
        supplierTimeZone: z.string().min(1).max(64).optional(),
        accountNumber: z.string().min(1),
        currency: z.string().regex(/^[A-Z]{3}$/),
        amountDueMinor: z.number().int().min(0),
        currentBillIssuedAt: z.iso.datetime({ offset: true }).nullable(),
        paidSinceBill: z.boolean(),
      }),
      z.object({ itemId: z.uuid(), accountId: z.uuid(), payable: z.literal(false), reason: z.string().min(1) }),
    ]),
  ),
});

export type UtilityAnswer = z.infer<typeof answered>;

/** A utility released accounts from a login: unlinked, or the login deactivated (its side: utility-core's `linking/service.ts`). */
const released = z.object({
  utility: z.enum(['electricity', 'heat']),
  holderUserId: z.uuid(),
  accountIds: z.array(z.uuid()).min(1),
  releasedAt: z.iso.datetime({ offset: true }),
});

export type AccountsReleased = z.infer<typeof released>;

/**
 * A utility refused to post a captured checkout's item: its payer had let go of the account before
 * the capture (its side: utility-core's `subgraph/events.ts`).
 */
const postingRefused = z.object({
  utility: z.enum(['electricity', 'heat']),
  paymentId: z.uuid(),
  accountId: z.uuid(),
  reason: z.literal('ACCOUNT_RELEASED'),
  releasedAt: z.iso.datetime({ offset: true }),
});

export type PostingRefused = z.infer<typeof postingRefused>;

/**
 * A supplier's bank registry brought a transfer whose purpose carries a checkout item's reference;
 * the utility posted it (its side: utility-core's `registry/import.ts`).
 */
const transferReceived = z.object({
  utility: z.enum(['electricity', 'heat']),
  reference: z.string().regex(/^KB[0-9A-Z]{10}$/),
  accountId: z.uuid(),
  amountMinor: z.number().int().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  paidOn: z.iso.date(),
  ledgerPaymentId: z.uuid(),
});

export type TransferReceived = z.infer<typeof transferReceived>;

/** The endpoint the utilities' relays deliver to (mounted at /internal/events). */
export function paymentsEventConsumer(options: { db: Database; checkouts: Checkouts; secret: string; logger: Logger }) {
  // Checkouts a refusal cancelled, by event id: refunded once its transaction has committed.
  const toRefund = new Map<string, CheckoutRow>();
  return eventConsumer({
    db: options.db,
    inbox,
    secret: options.secret,
    logger: options.logger,
    afterCommit: (event) => {
      const checkout = toRefund.get(event.id);
      toRefund.delete(event.id);
      // Not awaited by the relay's request: a refund that fails is retried by reconciliation.
      if (checkout) void options.checkouts.refundCancelled(checkout);
    },
    handlers: {
      'utility.checkout.answered': async (payload, tx) => {
        const parsed = answered.safeParse(payload);
        if (!parsed.success) throw new PermanentEventError(`malformed payload: ${parsed.error.message}`);
        await options.checkouts.applyAnswer(tx, parsed.data);
      },
      'utility.accounts.released': async (payload, tx) => {
        const parsed = released.safeParse(payload);
        if (!parsed.success) throw new PermanentEventError(`malformed payload: ${parsed.error.message}`);
        await options.checkouts.applyRelease(tx, parsed.data);
      },
      'utility.transfer.received': async (payload, tx) => {
        const parsed = transferReceived.safeParse(payload);
        if (!parsed.success) throw new PermanentEventError(`malformed payload: ${parsed.error.message}`);
        await options.checkouts.applyTransfer(tx, parsed.data);
      },
      'utility.payment.refused': async (payload, tx, event) => {
        const parsed = postingRefused.safeParse(payload);
        if (!parsed.success) throw new PermanentEventError(`malformed payload: ${parsed.error.message}`);
        const cancelled = await options.checkouts.applyPostingRefused(tx, parsed.data);
        if (cancelled) toRefund.set(event.id, cancelled);
        else toRefund.delete(event.id);
      },
    },
  });
}
