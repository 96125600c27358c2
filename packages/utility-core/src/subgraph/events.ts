import type { Logger } from '@kabinet/config';
import type { Database } from '@kabinet/db';
import { eventConsumer, PermanentEventError, publishEvent, type EventHandler } from '@kabinet/events';
import { z } from 'zod';
import { PaymentNotPostable, postPayment, postPaymentReversal } from '../ledger';
import { releaseAccountsOf } from '../linking/service';
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
        await postPayment(tx, t, { ...payment, capturedAt: new Date(payment.capturedAt) }, options.now());
      }),
      'payments.payment.reversed': permanently(async (payload, tx) => {
        const payment = parse(paymentReversed, payload);
        await postPaymentReversal(tx, t, { ...payment, capturedAt: new Date(payment.capturedAt) }, new Date(payment.reversedAt), options.now());
      }),
    },
  });
}
