import type { Logger } from '@kabinet/config';
import type { Database } from '@kabinet/db';
import { formatMinor } from '@kabinet/money';
import type { Mailer } from '@kabinet/mail';
import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm';
import { payments } from '../db/schema';
import { loadReceipt } from './document';
import { renderReceiptPdf } from './pdf';

/**
 * Mails each captured checkout's receipt to its payer once, the PDF attached: a job, so that a
 * mail server down at capture time delays the receipt rather than losing it. A crash between
 * sending and marking it sent sends it again: at least once, never lost.
 */
export async function mailDueReceipts(options: { db: Database; mailer: Mailer; now: () => Date; logger: Logger }): Promise<number> {
  const due = await options.db
    .select({ id: payments.id, email: payments.payerEmail })
    .from(payments)
    .where(and(eq(payments.status, 'CAPTURED'), isNull(payments.receiptMailedAt), isNotNull(payments.payerEmail)))
    .orderBy(asc(payments.capturedAt))
    .limit(50);
  let sent = 0;
  for (const { id, email } of due) {
    const receipt = await loadReceipt(options.db, id);
    if (!receipt || !email) continue;
    try {
      const total = `${formatMinor(receipt.totalMinor, receipt.currency)} ${receipt.currency}`;
      await options.mailer.send({
        to: email,
        subject: `Kabinet: квитанція про оплату ${total}`,
        text: [
          'Дякуємо! Оплату отримано.',
          '',
          ...receipt.items.map((item) => `${item.supplierName}, особовий рахунок ${item.accountNumber}: ${formatMinor(item.amountMinor, receipt.currency)} ${receipt.currency}`),
          '',
          `Разом: ${total}. Квитанція — у вкладенні.`,
        ].join('\n'),
        attachments: [{ filename: `kabinet-receipt-${id.slice(0, 8)}.pdf`, content: await renderReceiptPdf(receipt), contentType: 'application/pdf' }],
      });
      await options.db.update(payments).set({ receiptMailedAt: options.now() }).where(eq(payments.id, id));
      sent += 1;
    } catch (error) {
      options.logger.warn({ err: error, checkoutId: id }, 'receipt mail failed; it is sent again on the next pass');
    }
  }
  return sent;
}
