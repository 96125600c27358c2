import type { Logger } from '@kabinet/config';
import type { Database } from '@kabinet/db';
import { eventConsumer, PermanentEventError } from '@kabinet/events';
import { z } from 'zod';
import type { Checkouts } from './checkout/service';
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

/** The endpoint the utilities' relays deliver to (mounted at /internal/events). */
export function paymentsEventConsumer(options: { db: Database; checkouts: Checkouts; secret: string; logger: Logger }) {
  return eventConsumer({
    db: options.db,
    inbox,
    secret: options.secret,
    logger: options.logger,
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
    },
  });
}
