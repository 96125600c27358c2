import { signedLinks, type SignedLinks } from '@kabinet/auth';

/** A day: a receipt link is handed out on request (and in its mail, as an attachment). */
const receiptLinkTtlSeconds = 24 * 3600;

export function receiptLinks(masterSecret: string): SignedLinks {
  return signedLinks(masterSecret, 'payments-receipt-pdf', receiptLinkTtlSeconds);
}

/** The path under which the gateway serves payments' files (it forwards `/files/payments/...` here). */
export const receiptPath = (checkoutId: string, token: string) => `/files/payments/receipts/${checkoutId}.pdf?token=${encodeURIComponent(token)}`;
