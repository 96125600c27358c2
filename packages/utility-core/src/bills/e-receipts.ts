import { createHash, randomBytes } from 'node:crypto';
import type { Viewer } from '@kabinet/auth';
import type { Logger } from '@kabinet/config';
import type { Database, Transaction } from '@kabinet/db';
import { badInput, commonMessages, DomainError } from '@kabinet/errors';
import type { Mailer } from '@kabinet/mail';
import { and, eq, gt, gte, inArray, lt, lte, notExists, sql } from 'drizzle-orm';
import { ensureHolder } from '../access';
import { periodLabel } from '../labels';
import type { AccountRow } from '../tables';
import type { UtilityTables } from '../tables';
import { loadBillDocument, type BillWording } from './bill-document';
import { renderBillPdf } from './pdf';
import { messages } from '../messages';

const confirmationTtlMs = 48 * 3600 * 1000;
/** Sending attempts per bill and address before it is left for someone to look at. */
const maxSendAttempts = 3;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Stops an account's e-receipts (unsubscribed, unlinked, or its login deactivated). The
 * subscription is kept as CANCELLED, so its deliveries stay on record and a bill already mailed
 * is not mailed again if the account subscribes anew.
 */
export function cancelEReceipts(executor: Database | Transaction, t: UtilityTables, accountIds: string[]) {
  return executor
    .update(t.eReceiptSubscriptions)
    .set({ status: 'CANCELLED', confirmationTokenHash: null, confirmationExpiresAt: null })
    .where(inArray(t.eReceiptSubscriptions.accountId, accountIds));
}

export interface EReceiptOptions {
  db: Database;
  tables: UtilityTables;
  mailer: Mailer;
  logger: Logger;
  /** The subgraph's name, in the confirmation link (the page confirms through its mutation). */
  utility: string;
  wording: BillWording;
  /** Base of the confirmation link (the web app). */
  appUrl: string;
}

/**
 * Bills by email. An address is used only once confirmed: the login's own email is (a login
 * cannot sign in before confirming it), any other gets a link first. Each issued bill is
 * mailed once per subscription: its delivery row is claimed before sending, so two workers or
 * a retry never send it twice (a crash mid-send leaves it unsent, rather than sent twice).
 */
export function createEReceipts(options: EReceiptOptions) {
  const { db, tables: t, mailer, logger } = options;

  async function deliver(delivery: typeof t.eReceiptDeliveries.$inferSelect, now: Date): Promise<void> {
    try {
      const document = await loadBillDocument(db, t, { billId: delivery.billId, wording: options.wording });
      if (!document) throw new Error(`bill ${delivery.billId} is gone`);
      const due = `${document.totals.amountDue} ${document.currency}`;
      await mailer.send({
        to: delivery.email,
        subject: `${document.title}, ${periodLabel(document.period)} — особовий рахунок ${document.account.number}`,
        text: [
          `${document.supplier.name}`,
          `Особовий рахунок ${document.account.number}, ${document.account.address}`,
          `До сплати: ${due}, сплатити до ${document.dueDate}.`,
          `Код квитанції: ${document.receiptCode}.`,
          'Рахунок у вкладенні (PDF).',
        ].join('\n'),
        attachments: [{ filename: `bill-${document.period}.pdf`, content: await renderBillPdf(document), contentType: 'application/pdf' }],
      });
      await db.update(t.eReceiptDeliveries).set({ status: 'SENT', sentAt: now, lastError: null }).where(eq(t.eReceiptDeliveries.id, delivery.id));
    } catch (error) {
      logger.error({ err: error, billId: delivery.billId }, 'e-receipt not sent');
      await db.update(t.eReceiptDeliveries).set({ status: 'FAILED', lastError: String(error) }).where(eq(t.eReceiptDeliveries.id, delivery.id));
    }
  }

  return {
    async subscribe(viewer: Viewer | null, account: AccountRow, rawEmail: string | null | undefined, now: Date) {
      const holder = ensureHolder(viewer, account);
      const email = (rawEmail ?? holder.email ?? '').trim().toLowerCase();
      if (!emailPattern.test(email)) throw badInput(commonMessages.invalidEmail, { field: 'email' });
      const confirmed = email === holder.email?.toLowerCase();
      const token = confirmed ? null : randomBytes(32).toString('base64url');
      const values = {
        userId: holder.userId,
        email,
        status: confirmed ? 'ACTIVE' : 'PENDING',
        confirmationTokenHash: token ? hashToken(token) : null,
        confirmationExpiresAt: token ? new Date(now.getTime() + confirmationTtlMs) : null,
        createdAt: now,
        activatedAt: confirmed ? now : null,
      };
      const [subscription] = await db
        .insert(t.eReceiptSubscriptions)
        .values({ accountId: account.id, ...values })
        .onConflictDoUpdate({ target: t.eReceiptSubscriptions.accountId, set: values })
        .returning();
      if (token) {
        const link = new URL(`/e-receipts/confirm?utility=${options.utility}&token=${token}`, options.appUrl).toString();
        await mailer.send({
          to: email,
          subject: 'Підтвердіть адресу для електронних рахунків',
          text: `Щоб отримувати рахунки за особовим рахунком ${account.accountNumber} на цю адресу, відкрийте посилання:\n${link}\n\nПосилання дійсне 48 годин. Якщо ви не просили цього, просто проігноруйте лист.`,
        });
      }
      return subscription!;
    },

    /** One conditional update: a subscription cancelled meanwhile has no token left to confirm. */
    async confirm(token: string, now: Date) {
      const tokenHash = hashToken(token);
      const [activated] = await db
        .update(t.eReceiptSubscriptions)
        .set({ status: 'ACTIVE', activatedAt: now, confirmationTokenHash: null, confirmationExpiresAt: null })
        .where(and(eq(t.eReceiptSubscriptions.confirmationTokenHash, tokenHash), gt(t.eReceiptSubscriptions.confirmationExpiresAt, now)))
        .returning();
      if (activated) return activated;
      const [expired] = await db.select({ id: t.eReceiptSubscriptions.id }).from(t.eReceiptSubscriptions).where(eq(t.eReceiptSubscriptions.confirmationTokenHash, tokenHash));
      if (expired) throw new DomainError('TOKEN_EXPIRED', messages.eReceiptLinkExpired());
      throw new DomainError('INVALID_TOKEN', messages.eReceiptLinkInvalid());
    },

    async unsubscribe(viewer: Viewer | null, account: AccountRow) {
      ensureHolder(viewer, account);
      await cancelEReceipts(db, t, [account.id]);
    },

    /** Mails every bill issued (by `now`) since each subscription became active, once. Returns how many were claimed. */
    async deliverDue(now: Date): Promise<number> {
      const due = await db
        .select({ subscription: t.eReceiptSubscriptions, billId: t.bills.id })
        .from(t.eReceiptSubscriptions)
        .innerJoin(t.bills, eq(t.bills.accountId, t.eReceiptSubscriptions.accountId))
        .where(
          and(
            eq(t.eReceiptSubscriptions.status, 'ACTIVE'),
            lte(t.bills.issuedAt, now),
            gte(t.bills.issuedAt, t.eReceiptSubscriptions.activatedAt),
            // Only bills not claimed yet: the work stays what is new, however long the history.
            notExists(
              db
                .select({ one: sql`1` })
                .from(t.eReceiptDeliveries)
                .where(and(eq(t.eReceiptDeliveries.subscriptionId, t.eReceiptSubscriptions.id), eq(t.eReceiptDeliveries.billId, t.bills.id))),
            ),
          ),
        );
      const claimed = due.length
        ? await db
            .insert(t.eReceiptDeliveries)
            .values(due.map(({ subscription, billId }) => ({ subscriptionId: subscription.id, billId, email: subscription.email, status: 'SENDING', attempts: 1, createdAt: now })))
            .onConflictDoNothing()
            .returning()
        : [];
      // Earlier failures (the mail server was down) get another try, claimed the same way.
      const retries = await db
        .update(t.eReceiptDeliveries)
        .set({ status: 'SENDING', attempts: sql`${t.eReceiptDeliveries.attempts} + 1` })
        .where(and(eq(t.eReceiptDeliveries.status, 'FAILED'), lt(t.eReceiptDeliveries.attempts, maxSendAttempts)))
        .returning();
      for (const delivery of [...claimed, ...retries]) await deliver(delivery, now);
      return claimed.length + retries.length;
    },
  };
}

export type EReceipts = ReturnType<typeof createEReceipts>;
