import type { Logger } from '@kabinet/config';
import type { Database, Transaction } from '@kabinet/db';
import { eventConsumer, PermanentEventError } from '@kabinet/events';
import { eq } from 'drizzle-orm';
import { cancelEReceipts } from './bills/e-receipts';
import { z } from 'zod';
import { signedLedgerAmount } from './ledger';
import type { UtilityTables } from './tables';

/** Identity deactivated a login: its accounts are free to be linked again, and their e-receipts stop. */
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

export async function releaseAccountsOf(tx: Transaction, t: UtilityTables, userId: string, now: Date): Promise<void> {
  await tx.insert(t.deactivatedLogins).values({ userId, deactivatedAt: now }).onConflictDoNothing();
  const released = await tx
    .update(t.accounts)
    .set({ holderUserId: null, linkedAt: null })
    .where(eq(t.accounts.holderUserId, userId))
    .returning({ id: t.accounts.id });
  if (released.length) {
    await cancelEReceipts(tx, t, released.map((account) => account.id));
  }
}

/** Idempotent by (payment, account): a redelivered payment posts nothing twice. */
export async function postPayment(tx: Transaction, t: UtilityTables, payment: z.infer<typeof paymentCaptured>, recordedAt: Date) {
  const [account] = await tx.select().from(t.accounts).where(eq(t.accounts.id, payment.accountId));
  if (!account) throw new PermanentEventError(`no account ${payment.accountId}`);
  if (account.currency !== payment.currency) {
    throw new PermanentEventError(`account ${account.accountNumber} is billed in ${account.currency}, not ${payment.currency}`);
  }
  await tx
    .insert(t.ledgerEntries)
    .values({
      id: crypto.randomUUID(),
      accountId: account.id,
      kind: 'PAYMENT',
      amountMinor: signedLedgerAmount('PAYMENT', payment.amountMinor),
      occurredAt: new Date(payment.capturedAt),
      recordedAt,
      description: payment.description,
      paymentId: payment.paymentId,
    })
    .onConflictDoNothing();
}

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
      'payments.payment.captured': (payload, tx) => postPayment(tx, t, parse(paymentCaptured, payload), options.now()),
    },
  });
}
