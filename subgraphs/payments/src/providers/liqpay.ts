import { createHash } from 'node:crypto';
import { majorUnits, minorUnitsOf, outcomeOf, signed, verified, type MerchantKeys, type SplitRule } from '@kabinet/liqpay';
import type { PaymentProvider, ProviderCheckout, ProviderNotice } from './provider';

/**
 * How long LiqPay's page takes payments (its `expired_date`): a payer who has not paid in a day
 * starts again, and a payment stuck at 3-D Secure or `processing` has an end.
 */
export const liqPayPageTtlMs = 24 * 60 * 60_000;

export interface LiqPayOptions {
  /** Kabinet's own merchant at LiqPay: it takes the card debit and splits it among the suppliers'. */
  keys: MerchantKeys;
  /** LiqPay's checkout page (`https://www.liqpay.ua/api/3/checkout`) or the local sandbox's. */
  checkoutUrl: string;
  /** LiqPay's server API (`https://www.liqpay.ua/api/request`) or the local sandbox's. */
  apiUrl: string;
  /** Where LiqPay posts its callbacks: the gateway's public `/callbacks/liqpay`. */
  serverUrl: () => string;
  /** 3 signs with SHA-1, 7 with SHA3-256. */
  version?: number;
  /** Marks requests as tests: LiqPay takes no money and answers `sandbox`. */
  sandbox?: boolean;
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
}

/** LiqPay's dates in requests: `2026-12-01 14:00:00`, UTC. */
const liqPayDate = (at: Date) => at.toISOString().slice(0, 19).replace('T', ' ');

const evidenceOf = (text: string) => createHash('sha256').update(text).digest('hex');

/** LiqPay's dates in callbacks and answers: milliseconds since the epoch, as a number or digits. */
function msOf(value: unknown): number | null {
  const ms = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(ms) && ms > 0 ? ms : null;
}

/**
 * When LiqPay says the news happened: for a refund its `refund_date_last` (the payment's own
 * dates may be days older), else `end_date` (the payment finished) or else `create_date` (it
 * began); null when none is a time.
 */
function signedAtOf(params: Record<string, unknown>, status: string): Date | null {
  const dates = outcomeOf(status) === 'REVERSED' ? [params.refund_date_last, params.end_date, params.create_date] : [params.end_date, params.create_date];
  for (const value of dates) {
    const ms = msOf(value);
    if (ms !== null) return new Date(ms);
  }
  return null;
}

/** LiqPay API v3 (or v7) behind the provider interface. */
export function liqPayProvider(options: LiqPayOptions): PaymentProvider {
  const version = options.version ?? 3;
  const doFetch = options.fetch ?? fetch;

  function noticeOf(params: Record<string, unknown>, evidence: string): ProviderNotice | null {
    const orderId = typeof params.order_id === 'string' ? params.order_id : null;
    const status = typeof params.status === 'string' ? params.status : null;
    const amountMinor = minorUnitsOf(params.amount);
    const currency = typeof params.currency === 'string' ? params.currency : null;
    if (!orderId || !status || amountMinor === null || !currency) return null;
    const id = params.payment_id ?? params.transaction_id;
    const transactionId = id === undefined || id === null || id === '' ? null : String(id);
    const outcome = outcomeOf(status);
    const signedAt = signedAtOf(params, status);
    // LiqPay's payment at a status: the same again is a duplicate, whatever its JSON looks like.
    // A payment is refunded as often as the merchant returns part of it: each refund is told by
    // its amount and its time, so two refunds of the same amount are two, and one retried is one.
    const refund = outcome === 'REVERSED' && signedAt ? `:${signedAt.getTime()}` : '';
    return {
      orderId,
      status,
      outcome,
      amountMinor,
      currency,
      transactionId,
      eventId: `${transactionId === null ? 'order' : `payment:${transactionId}`}:${status}:${amountMinor}${refund}`,
      signedAt,
      evidence: evidenceOf(evidence),
    };
  }

  /** A server API call: signed like everything else, answered with plain JSON. */
  async function request(params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const message = signed(options.keys, { version, ...params });
    const response = await doFetch(options.apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ data: message.data, signature: message.signature }),
      signal: AbortSignal.timeout(options.requestTimeoutMs ?? 15_000),
    });
    if (!response.ok) throw new Error(`LiqPay answered ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  }

  return {
    name: 'LIQPAY',
    collects: 'provider',
    pageTtlMs: liqPayPageTtlMs,

    paymentPage(checkout: ProviderCheckout): string {
      const split_rules: SplitRule[] = checkout.splits.map((split) => ({
        public_key: split.merchantId,
        amount: majorUnits(split.amountMinor),
        commission_payer: 'receiver',
      }));
      const message = signed(options.keys, {
        version,
        action: 'pay',
        amount: majorUnits(checkout.amountMinor),
        currency: checkout.currency,
        description: checkout.description,
        order_id: checkout.orderId,
        result_url: checkout.returnUrl,
        expired_date: liqPayDate(checkout.expiresAt),
        server_url: options.serverUrl(),
        language: checkout.language,
        split_rules,
        ...(options.sandbox ? { sandbox: 1 } : {}),
      });
      const url = new URL(options.checkoutUrl);
      url.searchParams.set('data', message.data);
      url.searchParams.set('signature', message.signature);
      return url.toString();
    },

    verifyCallback(body: Record<string, unknown>): ProviderNotice | null {
      if (typeof body.data !== 'string' || typeof body.signature !== 'string') return null;
      const params = verified(options.keys.privateKey, { data: body.data, signature: body.signature });
      // Signed with our key, for our merchant: anything else is not a callback about our orders.
      if (!params || params.public_key !== options.keys.publicKey) return null;
      return noticeOf(params, body.data);
    },

    async queryStatus(orderId: string): Promise<ProviderNotice | null> {
      const answer = await request({ action: 'status', order_id: orderId });
      // LiqPay's answer for an order it has never seen: the payer never paid it.
      if (answer.err_code === 'payment_not_found') return null;
      const notice = noticeOf(answer, JSON.stringify(answer));
      // Anything else unreadable concludes nothing: the checkout stays as it is.
      if (!notice || notice.orderId !== orderId) throw new Error(`LiqPay's status answer for ${orderId} is not one: ${JSON.stringify(answer).slice(0, 200)}`);
      return notice;
    },

    async refund(orderId: string, amountMinor: number): Promise<ProviderNotice> {
      const answer = await request({ action: 'refund', order_id: orderId, amount: majorUnits(amountMinor) });
      const notice = noticeOf({ order_id: orderId, ...answer }, JSON.stringify(answer));
      if (!notice) throw new Error(`LiqPay refused the refund of ${orderId}: ${String(answer.err_description ?? answer.status)}`);
      return notice;
    },
  };
}
