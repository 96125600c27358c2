import { randomBytes, randomInt } from 'node:crypto';
import type { Logger } from '@kabinet/config';
import { listen } from '@kabinet/http';
import express, { type Request, type Response } from 'express';
import { majorUnits, minorUnitsOf, signed, verified, type MerchantKeys, type SignedMessage } from './protocol';
import { page, paymentPage, resultPage, threeDsPage, type PageText } from './sandbox-pages';

/*
 * A local LiqPay: the same protocol as https://www.liqpay.ua (API v3 and v7), so development and
 * tests pay through the real code path without the network. It serves the checkout page
 * (`/api/3/checkout`), posts signed server callbacks to `server_url`, sends the payer back to
 * `result_url`, and answers the server API (`/api/request`: `status`, `refund`). Orders live in
 * memory: it is a sandbox, not a bank.
 */

export type SandboxStatus = 'processing' | '3ds_verify' | 'success' | 'sandbox' | 'failure' | 'reversed';

export interface SandboxOrder {
  merchant: string;
  orderId: string;
  /** LiqPay's own id of the payment (`payment_id`). */
  paymentId: number;
  amountMinor: number;
  currency: string;
  description: string;
  resultUrl: string | null;
  serverUrl: string | null;
  language: string;
  version: number;
  /** The request's `sandbox: 1`: paid orders say `sandbox`, as real LiqPay's test mode does. */
  testMode: boolean;
  splits: { publicKey: string; amountMinor: number }[];
  status: SandboxStatus | null;
  createDate: number;
  endDate: number | null;
  /** The request's `expired_date` (ms): the page takes no payment after it. */
  expiresAt: number | null;
  /** The checkout pages' session for this order. */
  session: string;
}

export interface LiqPaySandboxOptions {
  /** Merchants it knows, by public key: it verifies their requests and signs their callbacks. */
  merchants: MerchantKeys[];
  port: number;
  host?: string;
  logger: Logger;
  fetch?: typeof fetch;
  /** Its clock (ms): a local stack's domain clock, so `expired_date` means what the merchant meant. */
  now?: () => number;
}

export interface LiqPaySandbox {
  url: string;
  port: number;
  /** The merchant's order, as the sandbox holds it. */
  order(merchant: string, orderId: string): SandboxOrder | undefined;
  /**
   * `deliver` (default) posts server callbacks; `drop` loses them, as a network would: the
   * payment still happens and the status API tells it.
   */
  callbacks: 'deliver' | 'drop';
  /** `down` answers the server API (`status`, `refund`) with 503, as an outage would: nothing can be asked. */
  api: 'up' | 'down';
  /** Callbacks posted so far (sent or dropped), oldest first: tests replay them. */
  readonly sentCallbacks: { url: string; message: SignedMessage; delivered: boolean }[];
  stop(): Promise<void>;
}

const currencies = new Set(['UAH', 'USD', 'EUR', 'RUB']);

export async function startLiqPaySandbox(options: LiqPaySandboxOptions): Promise<LiqPaySandbox> {
  const keysOf = new Map(options.merchants.map((keys) => [keys.publicKey, keys]));
  const orders = new Map<string, SandboxOrder>();
  const sessions = new Map<string, SandboxOrder>();
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const { logger } = options;

  const sandbox = {
    callbacks: 'deliver' as 'deliver' | 'drop',
    api: 'up' as 'up' | 'down',
    sentCallbacks: [] as LiqPaySandbox['sentCallbacks'],
  };

  /** A signed request from a merchant we know: its params, or an error to show. */
  function verifiedRequest(message: Partial<SignedMessage>): { params: Record<string, unknown>; keys: MerchantKeys } | { error: string } {
    if (typeof message.data !== 'string' || typeof message.signature !== 'string') return { error: 'data and signature are required' };
    let publicKey: unknown;
    try {
      publicKey = (JSON.parse(Buffer.from(message.data, 'base64').toString('utf8')) as Record<string, unknown>).public_key;
    } catch {
      return { error: 'data is not base64 of JSON' };
    }
    const keys = typeof publicKey === 'string' ? keysOf.get(publicKey) : undefined;
    if (!keys) return { error: 'unknown public_key' };
    const params = verified(keys.privateKey, { data: message.data, signature: message.signature });
    if (!params) return { error: 'invalid signature' };
    return { params, keys };
  }

  /** What LiqPay says about an order, in callbacks and status answers. */
  function describeOrder(order: SandboxOrder): Record<string, unknown> {
    return {
      version: order.version,
      public_key: order.merchant,
      action: 'pay',
      status: order.status,
      payment_id: order.paymentId,
      order_id: order.orderId,
      liqpay_order_id: `SANDBOX${order.paymentId}`,
      amount: majorUnits(order.amountMinor),
      currency: order.currency,
      description: order.description,
      create_date: order.createDate,
      ...(order.endDate ? { end_date: order.endDate } : {}),
      ...(order.splits.length ? { split_rules: order.splits.map((split) => ({ public_key: split.publicKey, amount: majorUnits(split.amountMinor) })) } : {}),
      paytype: 'card',
      sender_card_mask2: '424242*42',
    };
  }

  /** Posts the order's status to its `server_url`, signed as LiqPay signs (one attempt, like LiqPay). */
  async function postCallback(order: SandboxOrder): Promise<void> {
    if (!order.serverUrl) return;
    const keys = keysOf.get(order.merchant)!;
    const { version, ...rest } = describeOrder(order);
    const message = signed(keys, { version: Number(version), ...rest });
    const record = { url: order.serverUrl, message, delivered: false };
    sandbox.sentCallbacks.push(record);
    if (sandbox.callbacks === 'drop') return;
    try {
      const response = await doFetch(order.serverUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ data: message.data, signature: message.signature }),
        signal: AbortSignal.timeout(10_000),
      });
      record.delivered = response.ok;
      if (!response.ok) logger.warn({ orderId: order.orderId, status: response.status }, 'sandbox callback refused by the merchant');
    } catch (error) {
      logger.warn({ err: error, orderId: order.orderId }, 'sandbox callback could not be delivered');
    }
  }

  async function settle(order: SandboxOrder, status: SandboxStatus): Promise<void> {
    order.status = status === 'success' && order.testMode ? 'sandbox' : status;
    if (status !== '3ds_verify' && status !== 'processing') order.endDate = now();
    await postCallback(order);
  }

  /**
   * Past its `expired_date` an order takes no payment: one under way (3-D Secure, processing)
   * ends as a failure, told in a callback as LiqPay tells it. True when it is expired.
   */
  async function expired(order: SandboxOrder): Promise<boolean> {
    if (order.expiresAt === null || now() <= order.expiresAt) return false;
    if (order.status === '3ds_verify' || order.status === 'processing') await settle(order, 'failure');
    return order.status !== 'success' && order.status !== 'sandbox' && order.status !== 'reversed';
  }

  /** Validates a `pay` request into an order (the same order again for the same merchant and order_id). */
  function orderFrom(params: Record<string, unknown>, keys: MerchantKeys): SandboxOrder | string {
    if (params.action !== 'pay') return `action ${String(params.action)} is not served on the checkout page`;
    const orderId = typeof params.order_id === 'string' && params.order_id.length > 0 && params.order_id.length <= 255 ? params.order_id : null;
    if (!orderId) return 'order_id is required';
    const amountMinor = minorUnitsOf(params.amount);
    if (!amountMinor || amountMinor <= 0) return 'amount must be a positive amount';
    const currency = typeof params.currency === 'string' && currencies.has(params.currency) ? params.currency : null;
    if (!currency) return 'currency is not supported';
    if (typeof params.description !== 'string' || params.description.length === 0) return 'description is required';
    const rawSplits = typeof params.split_rules === 'string' ? (JSON.parse(params.split_rules) as unknown) : params.split_rules;
    const splits = Array.isArray(rawSplits)
      ? rawSplits.map((rule: Record<string, unknown>) => ({ publicKey: String(rule.public_key ?? ''), amountMinor: minorUnitsOf(rule.amount) ?? -1 }))
      : [];
    if (splits.some((split) => !split.publicKey || split.amountMinor <= 0)) return 'split_rules: each rule needs a public_key and a positive amount';
    // The one debit must be exactly the credits it is split into.
    if (splits.length && splits.reduce((sum, split) => sum + split.amountMinor, 0) !== amountMinor) return 'split_rules do not sum to amount';
    // `2026-12-01 14:00:00`, UTC, as LiqPay takes it.
    const expiresAt = typeof params.expired_date === 'string' ? Date.parse(`${params.expired_date.replace(' ', 'T')}Z`) : NaN;
    if (params.expired_date !== undefined && Number.isNaN(expiresAt)) return 'expired_date must be YYYY-MM-DD HH:MM:SS';

    const existing = orders.get(`${keys.publicKey}:${orderId}`);
    if (existing) {
      if (existing.amountMinor !== amountMinor || existing.currency !== currency) return 'order_id was used with another amount';
      return existing;
    }
    const order: SandboxOrder = {
      merchant: keys.publicKey,
      orderId,
      paymentId: randomInt(1_000_000_000, 2_000_000_000),
      amountMinor,
      currency,
      description: params.description,
      resultUrl: typeof params.result_url === 'string' ? params.result_url : null,
      serverUrl: typeof params.server_url === 'string' ? params.server_url : null,
      language: typeof params.language === 'string' ? params.language : 'uk',
      version: Number(params.version),
      testMode: Number(params.sandbox) === 1,
      splits,
      status: null,
      createDate: now(),
      endDate: null,
      expiresAt: Number.isNaN(expiresAt) ? null : expiresAt,
      session: randomBytes(16).toString('hex'),
    };
    orders.set(`${keys.publicKey}:${orderId}`, order);
    sessions.set(order.session, order);
    return order;
  }

  const text = (order: SandboxOrder): PageText => ({ language: order.language === 'en' ? 'en' : 'uk' });

  /** Back to the merchant's `result_url`, or a page saying how it ended. */
  function finish(res: Response, order: SandboxOrder) {
    if (order.resultUrl) res.redirect(303, order.resultUrl);
    else res.type('html').send(resultPage(order, text(order)));
  }

  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false, limit: '64kb' }));

  const checkout = async (req: Request, res: Response) => {
    const message = { ...(req.query as Record<string, string>), ...((req.body ?? {}) as Record<string, string>) };
    const request = verifiedRequest(message);
    if ('error' in request) {
      res.status(400).type('html').send(page('LiqPay sandbox', `<p class="error">${request.error}</p>`, 'en'));
      return;
    }
    const order = orderFrom(request.params, request.keys);
    if (typeof order === 'string') {
      res.status(400).type('html').send(page('LiqPay sandbox', `<p class="error">${order}</p>`, 'en'));
      return;
    }
    if (order.status === 'success' || order.status === 'sandbox' || order.status === 'reversed') {
      res.type('html').send(resultPage(order, text(order)));
      return;
    }
    if (await expired(order)) return void res.status(410).type('html').send(page('LiqPay sandbox', '<p class="error">The payment has expired</p>', 'en'));
    res.type('html').send(paymentPage(order, text(order)));
  };
  app.get('/api/3/checkout', checkout);
  app.post('/api/3/checkout', checkout);

  app.post('/checkout/:session', async (req, res) => {
    const order = sessions.get(req.params.session);
    if (!order) {
      res.status(404).type('html').send(page('LiqPay sandbox', '<p class="error">No such payment</p>', 'en'));
      return;
    }
    if (order.status === 'success' || order.status === 'sandbox' || order.status === 'reversed') return finish(res, order);
    if (await expired(order)) return finish(res, order);
    const choice = String(req.body?.choice ?? '');
    if (choice === 'decline') {
      await settle(order, 'failure');
      return finish(res, order);
    }
    const card = String(req.body?.card ?? '').replace(/\s+/g, '');
    if (!/^\d{16}$/.test(card)) {
      res.status(400).type('html').send(paymentPage(order, text(order), 'card'));
      return;
    }
    if (choice === '3ds') {
      await settle(order, '3ds_verify');
      res.type('html').send(threeDsPage(order, text(order)));
      return;
    }
    await settle(order, 'success');
    finish(res, order);
  });

  app.post('/checkout/:session/3ds', async (req, res) => {
    const order = sessions.get(req.params.session);
    if (order && (await expired(order))) return finish(res, order);
    if (!order || order.status !== '3ds_verify') {
      res.status(404).type('html').send(page('LiqPay sandbox', '<p class="error">No payment waits for a code</p>', 'en'));
      return;
    }
    // The sandbox's one-time code is printed on the page; any other is a failed verification.
    await settle(order, String(req.body?.otp ?? '').trim() === '111111' ? 'success' : 'failure');
    finish(res, order);
  });

  app.post('/api/request', async (req, res) => {
    if (sandbox.api === 'down') {
      res.status(503).json({ result: 'error', status: 'error', err_code: 'service_unavailable', err_description: 'the sandbox API is down' });
      return;
    }
    const request = verifiedRequest((req.body ?? {}) as Partial<SignedMessage>);
    if ('error' in request) {
      res.status(400).json({ result: 'error', status: 'error', err_code: 'invalid_signature', err_description: request.error });
      return;
    }
    const { params, keys } = request;
    const order = typeof params.order_id === 'string' ? orders.get(`${keys.publicKey}:${params.order_id}`) : undefined;
    if (order) await expired(order);
    if (!order || order.status === null) {
      res.json({ result: 'error', status: 'error', err_code: 'payment_not_found', err_description: 'payment not found' });
      return;
    }
    if (params.action === 'status') {
      res.json({ result: 'ok', ...describeOrder(order) });
      return;
    }
    if (params.action === 'refund') {
      if (order.status !== 'success' && order.status !== 'sandbox') {
        res.json({ result: 'error', status: 'error', err_code: 'payment_not_refundable', err_description: `payment is ${order.status}` });
        return;
      }
      await settle(order, 'reversed');
      res.json({ result: 'ok', ...describeOrder(order) });
      return;
    }
    res.status(400).json({ result: 'error', status: 'error', err_code: 'unsupported_action', err_description: `action ${String(params.action)}` });
  });

  const { httpServer, port } = await listen(app, options.port, options.host);
  let stopped: Promise<void> | undefined;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : 'localhost';
  logger.info({ port }, 'LiqPay sandbox listening');
  return Object.assign(sandbox, {
    url: `http://${host}:${port}`,
    port,
    order: (merchant: string, orderId: string) => orders.get(`${merchant}:${orderId}`),
    // Once, however often asked: a test may stop it early, the stack stops it again.
    stop: () =>
      (stopped ??= new Promise<void>((resolve, reject) => {
        httpServer.closeAllConnections();
        httpServer.close((error) => (error ? reject(error) : resolve()));
      })),
  });
}
