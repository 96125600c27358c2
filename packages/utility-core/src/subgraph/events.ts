import type { Logger } from '@kabinet/config';
import type { Database } from '@kabinet/db';
import { eventConsumer, PermanentEventError, type EventHandler } from '@kabinet/events';
import { z } from 'zod';
import { PaymentNotPostable, postPayment } from '../ledger';
import { releaseAccountsOf } from '../linking/service';
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

/** The endpoint other subgraphs' relays deliver to (mounted at /internal/events). */
export function utilityEventConsumer(options: { db: Database; tables: UtilityTables; secret: string; logger: Logger; now: () => Date }) {
  const { tables: t } = options;
  return eventConsumer({
    db: options.db,
    inbox: t.inbox,
    secret: options.secret,
    logger: options.logger,
    handlers: {
      'identity.user.deactivated': (payload, tx) => releaseAccountsOf(tx, t, parse(loginDeactivated, payload).userId, options.now()),
      'payments.payment.captured': permanently(async (payload, tx) => {
        const payment = parse(paymentCaptured, payload);
        await postPayment(tx, t, { ...payment, capturedAt: new Date(payment.capturedAt) }, options.now());
      }),
    },
  });
}
