/**
 * One interface for every way a checkout's money reaches Kabinet's suppliers: a provider takes the
 * payer to its page, tells the outcome in callbacks, answers status queries and refunds. The
 * checkout code knows nothing of any provider's protocol, only who collects the money (`collects`).
 */

/** What a provider's status means for a checkout. */
export type PaymentOutcome = 'PENDING' | 'FAILED' | 'CAPTURED' | 'REVERSED';

/** What a checkout asks a provider to take. */
export interface ProviderCheckout {
  /** Our id for the payment at the provider (the checkout's id). */
  orderId: string;
  amountMinor: number;
  currency: string;
  description: string;
  /** After this the provider's page takes no payment. */
  expiresAt: Date;
  /** Where the provider sends the payer's browser afterwards. */
  returnUrl: string;
  /** One credit per supplier's merchant; they sum to `amountMinor`. */
  splits: { merchantId: string; amountMinor: number }[];
  /** The language of the provider's page. */
  language: 'en' | 'uk' | 'ru';
}

/** What a provider says about one order, in a callback or a status answer. */
export interface ProviderNotice {
  orderId: string;
  /** The provider's own word (`success`, `3ds_verify`, ...), kept as said. */
  status: string;
  outcome: PaymentOutcome;
  amountMinor: number;
  currency: string;
  /** The provider's id of the transaction, when it has one. */
  transactionId: string | null;
  /**
   * The provider's identity of this news about the order: the same payment at the same status
   * (for the same amount) is the same news however the message is worded, so it is applied once;
   * a refund adds its time, as one payment may be refunded in parts of the same amount.
   * Without an id from the provider: the order's status and amount (the order is ours, one per checkout).
   */
  eventId: string;
  /** When the provider says this happened, from the signed message; null when it says no time. */
  signedAt: Date | null;
  /** A hash of the exact message it came in, kept for audit. */
  evidence: string;
}

export interface PaymentProvider {
  /** As clients name it in `createCheckout` (`LIQPAY`). */
  readonly name: string;
  /**
   * Who takes the money, which decides how a checkout settles:
   * - `provider`: its page debits the payer once and credits each supplier's merchant; its news
   *   (callbacks, status answers) captures the checkout, and payments posts each item to its ledger.
   * - `supplier-banks`: its page gives the payer one transfer per supplier's bank account. Each
   *   arrives days later on that supplier's bank registry, which the utility posts to the ledger
   *   itself; payments only hears which item it paid (`utility.transfer.received`). There is no
   *   news to ask for and nothing Kabinet can refund: the money was never in a provider's hands.
   */
  readonly collects: 'provider' | 'supplier-banks';
  /** The only currencies it takes, when it is limited (the NBU's transfer details are for hryvnias). */
  readonly currencies?: readonly string[];
  /** How long its page takes the payment: after this a checkout still unpaid is FAILED (`expired`). */
  readonly pageTtlMs: number;
  /** The provider's page that takes this payment. */
  paymentPage(checkout: ProviderCheckout): string;
  /** A callback's notice when its signature holds over what was posted; null for a forged or malformed one. */
  verifyCallback(body: Record<string, unknown>): ProviderNotice | null;
  /**
   * What the provider knows of an order now; null when it has none (the payer never reached
   * its page). Throws when the provider cannot be asked (then nothing is concluded).
   */
  queryStatus(orderId: string): Promise<ProviderNotice | null>;
  /** Returns the whole payment to the card; the answer is the provider's notice about it. */
  refund(orderId: string, amountMinor: number, currency: string): Promise<ProviderNotice>;
}

/** The configured providers, by name. */
export type PaymentProviders = ReadonlyMap<string, PaymentProvider>;
