import { signedLinks, type SignedLinks } from '@kabinet/auth';

/** A day, as a receipt's: the checkout hands out a fresh link each time it is read. */
const transferPageLinkTtlSeconds = 24 * 3600;

/** Links to a checkout's transfer page: the signed token is its whole authorization, as for receipts. */
export function transferPageLinks(masterSecret: string): SignedLinks {
  return signedLinks(masterSecret, 'payments-transfer-page', transferPageLinkTtlSeconds);
}

/** Where the gateway serves the page (it forwards `/files/payments/...` to payments' `/files/...`). */
export const transferPagePath = (checkoutId: string, token?: string) =>
  `/files/payments/transfers/${checkoutId}${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;
