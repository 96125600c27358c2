import type { Logger } from '@kabinet/config';
import type { Database, Transaction } from '@kabinet/db';
import { eventConsumer, PermanentEventError, publishEvent, type EventHandler } from '@kabinet/events';
import { z } from 'zod';
import { PaymentNotPostable, postPayment, postPaymentReversal } from '../ledger';
import { releaseAccountsOf, releasedFromPayer } from '../linking/service';
import { answerPayable } from '../payable';
import type { UtilityTables } from '../tables';

/** Identity deactivated a login. */
const loginDeactivated = z.object({ userId: z.uuid() });

/**
 * A payment captured for one account: posted to its ledger once, whatever the channel
 * (Kabinet's checkout through the payments subgraph, or a bank's import).
 */
export const paymentCaptured = z.object({
  paymentId: z.uuid(),
  accountId: z.uuid(),
  amountMinor: z.number().int().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  capturedAt: z.iso.datetime({ offset: true }),
  description: z.string().min(1).max(200).default('Оплата через Kabinet'),
  /**
   * Who paid, and when the checkout was made (Kabinet's checkouts): a payment captured after
   * that login let go of the account is not posted. Absent from other channels and from events
   * published before payments told it.
   */
  payerUserId: z.uuid().optional(),
  checkoutCreatedAt: z.iso.datetime({ offset: true }).optional(),
});

/** A captured payment returned to the payer's card: its reversing entry on each ledger. */
export const paymentReversed = paymentCaptured.extend({ reversedAt: z.iso.datetime({ offset: true }) });

function parse<T>(schema: z.ZodType<T>, payload: unknown): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new PermanentEventError(`malformed payload: ${parsed.error.message}`);
  return parsed.data;
}

/** A refusal no redelivery can change, told to the relay so that it parks the event. */
const permanently = (handler: EventHandler): EventHandler => async (payload, tx, event) => {
  try {
    await handler(payload, tx, event);
  } catch (error) {
    if (error instanceof PaymentNotPostable) throw new PermanentEventError(error.message);
    throw error;
  }
};

/** Payments asks whether a checkout's items can be paid (see `payable.ts`). */
const checkoutRequested = z.object({
  checkoutId: z.uuid(),
  payerUserId: z.uuid(),
  items: z.array(z.object({ itemId: z.uuid(), accountId: z.uuid() })).min(1).max(50),
});

export interface UtilityEventConsumerOptions {
  db: Database;
  tables: UtilityTables;
  /** The utility's name, in what it answers payments. */
  utility: string;
  secret: string;
  logger: Logger;
  now: () => Date;
  /** Delivers what a handler published, once its transaction has committed. */
  relay: { nudge(): void };
}

/** The endpoint other subgraphs' relays deliver to (mounted at /internal/events). */
export function utilityEventConsumer(options: UtilityEventConsumerOptions) {
  const { tables: t } = options;
  /** When the payer let go of the account between making the checkout and the capture; null when it held it throughout (or the channel says no payer). */
  const releasedBeforeCapture = (tx: Transaction, payment: z.infer<typeof paymentCaptured>) =>
    payment.payerUserId && payment.checkoutCreatedAt
      ? releasedFromPayer(tx, t, {
          accountId: payment.accountId,
          payerUserId: payment.payerUserId,
          checkoutCreatedAt: new Date(payment.checkoutCreatedAt),
          capturedAt: new Date(payment.capturedAt),
        })
      : Promise.resolve(null);
  return eventConsumer({
    db: options.db,
    inbox: t.inbox,
    secret: options.secret,
    logger: options.logger,
    afterCommit: () => options.relay.nudge(),
    handlers: {
      'payments.checkout.requested': async (payload, tx) => {
        const answer = await answerPayable(tx, t, parse(checkoutRequested, payload), options.now());
        await publishEvent(tx, t.outbox, { topic: 'utility.checkout.answered', payload: { ...answer, utility: options.utility }, destinations: ['payments'] });
      },
      'identity.user.deactivated': (payload, tx) => releaseAccountsOf(tx, t, parse(loginDeactivated, payload).userId, options.now(), { utility: options.utility }),
      'payments.payment.captured': permanently(async (payload, tx) => {
        const payment = parse(paymentCaptured, payload);
        const releasedAt = await releasedBeforeCapture(tx, payment);
        if (releasedAt) {
          // Taken after the payer let go of the account, before payments heard of it: not the
          // payer's account to pay any more. Payments is told, and refunds the checkout.
          options.logger.warn(
            { paymentId: payment.paymentId, accountId: payment.accountId, releasedAt: releasedAt.toISOString(), capturedAt: payment.capturedAt },
            'payment captured after its account was released refused; payments refunds it',
          );
          await publishEvent(tx, t.outbox, {
            topic: 'utility.payment.refused',
            payload: {
              utility: options.utility,
              paymentId: payment.paymentId,
              accountId: payment.accountId,
              reason: 'ACCOUNT_RELEASED',
              releasedAt: releasedAt.toISOString(),
            },
            destinations: ['payments'],
          });
          return;
        }
        await postPayment(tx, t, { ...payment, capturedAt: new Date(payment.capturedAt) }, options.now());
      }),
      'payments.payment.reversed': permanently(async (payload, tx) => {
        const payment = parse(paymentReversed, payload);
        // Refused when it came (or when it comes, if this overtook it): nothing was posted, nothing to reverse.
        if (await releasedBeforeCapture(tx, payment)) return;
        await postPaymentReversal(tx, t, { ...payment, capturedAt: new Date(payment.capturedAt) }, new Date(payment.reversedAt), options.now());
      }),
    },
  });
}
