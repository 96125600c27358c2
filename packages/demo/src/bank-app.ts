import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { demoPartner } from './index';

/*
 * Demo Bank, the partner of the demo data, written as a bank's developers would write their side
 * of the integration from docs/PARTNERS.md: OAuth 2.1 with PKCE for the customer's consent, then
 * only the operations of its persisted-query manifest, sent by id. `pnpm demo:bank` runs it
 * against `pnpm start`; gateway/src/partner.e2e.ts drives the same code through a test stack.
 */

interface ManifestOperation {
  id: string;
  name: string;
  type: string;
  body: string;
}

/** Demo Bank's manifest as its build would embed it: only the ids go over the wire. */
const manifest: ManifestOperation[] = JSON.parse(readFileSync(new URL('../../../schema/persisted-queries/demo-bank.json', import.meta.url), 'utf8')).operations;

export type BankOperation = 'Dashboard' | 'Meters' | 'SubmitElectricityReading' | 'SubmitHeatReading' | 'PayBills' | 'PaymentStatus' | 'RateLimit';

export interface Budget {
  limit: number;
  used: number;
  remaining: number;
  resetAt: string;
}

/** What Kabinet answered: the GraphQL body, its HTTP status, and what the request cost. */
export interface BankAnswer<TData = any> {
  status: number;
  data?: TData;
  errors?: { message: string; extensions?: Record<string, any> }[];
  cost?: {
    requested: number;
    charged: number;
    maxOperationCost: number;
    customer: Budget;
    /** This app's own budget: there whenever it calls with its token. */
    client: Budget | null;
  };
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  scope: string;
}

/** The customer refused at the consent page, or the authorization came back with an OAuth error. */
export class NotConnected extends Error {
  constructor(readonly error: string) {
    super(`Demo Bank was not connected: ${error}`);
  }
}

export interface DemoBankOptions {
  /** Kabinet's public address (the gateway): `/oauth` and `/graphql` are under it. */
  kabinetUrl: string;
  scopes?: readonly string[];
  clientId?: string;
  redirectUri?: string;
  /** Sent as `apollographql-client-version`. */
  version?: string;
}

export class DemoBankApp {
  readonly clientId: string;
  readonly redirectUri: string;
  private readonly kabinet: URL;
  private readonly scopes: readonly string[];
  private readonly version: string;
  private pending: { verifier: string; state: string } | null = null;
  tokens: Tokens | null = null;

  constructor(options: DemoBankOptions) {
    this.kabinet = new URL(options.kabinetUrl);
    this.clientId = options.clientId ?? demoPartner.clientId;
    this.redirectUri = options.redirectUri ?? demoPartner.redirectUri;
    this.scopes = options.scopes ?? ['accounts:read', 'readings:write', 'payments:write'];
    this.version = options.version ?? '1.0.0';
  }

  /** The link the customer opens: Kabinet's login and consent, then back to `redirectUri`. */
  authorizationUrl(): URL {
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    this.pending = { verifier, state };
    const url = new URL('/oauth/auth', this.kabinet);
    url.search = new URLSearchParams({
      client_id: this.clientId,
      response_type: 'code',
      redirect_uri: this.redirectUri,
      scope: this.scopes.join(' '),
      state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    return url;
  }

  /** The customer's browser came back to `redirectUri`: the code is exchanged for tokens. */
  async connect(callback: URL): Promise<Tokens> {
    const pending = this.pending;
    if (!pending || callback.searchParams.get('state') !== pending.state) throw new NotConnected('state_mismatch');
    this.pending = null;
    const error = callback.searchParams.get('error');
    if (error) throw new NotConnected(error);
    return this.tokenRequest({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: this.redirectUri,
      code_verifier: pending.verifier,
    });
  }

  /** Trades the refresh token for the next pair; Kabinet spends the old one. */
  refresh(): Promise<Tokens> {
    if (!this.tokens) throw new NotConnected('not_connected');
    return this.tokenRequest({ grant_type: 'refresh_token', refresh_token: this.tokens.refreshToken });
  }

  /** One operation of the manifest, by id, with the customer's token. */
  async call<TData = any>(name: BankOperation, variables?: Record<string, unknown>): Promise<BankAnswer<TData>> {
    const operation = manifest.find((candidate) => candidate.name === name);
    if (!operation) throw new Error(`Demo Bank's manifest has no operation ${name}`);
    const response = await fetch(new URL('/graphql', this.kabinet), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'apollographql-client-name': this.clientId,
        'apollographql-client-version': this.version,
        ...(this.tokens ? { authorization: `Bearer ${this.tokens.accessToken}` } : {}),
      },
      body: JSON.stringify({ operationName: name, variables, extensions: { persistedQuery: { version: 1, sha256Hash: operation.id } } }),
    });
    const body = (await response.json()) as Omit<BankAnswer<TData>, 'status' | 'cost'> & { extensions?: { cost?: BankAnswer['cost'] } };
    return { status: response.status, data: body.data, errors: body.errors, cost: body.extensions?.cost };
  }

  private async tokenRequest(params: Record<string, string>): Promise<Tokens> {
    const response = await fetch(new URL('/oauth/token', this.kabinet), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: this.clientId, ...params }),
    });
    const body = (await response.json()) as { access_token?: string; refresh_token?: string; scope?: string; error?: string };
    if (!body.access_token || !body.refresh_token) throw new NotConnected(body.error ?? `token endpoint answered ${response.status}`);
    this.tokens = { accessToken: body.access_token, refreshToken: body.refresh_token, scope: body.scope ?? '' };
    return this.tokens;
  }
}

interface MeterView {
  id: string;
  serialNumber: string;
  zones: string[];
  latestReadings: { zone: string; value: string }[];
}

export interface AccountForReadings {
  id: string;
  accountNumber: string;
  readingWindow: { isOpen: boolean; opensOn: string; closesOn: string };
  meters: MeterView[];
}

/**
 * A reading of every zone of every meter of an account, `step` above the last one: what a
 * customer types into the bank's app, here made up for the demo.
 */
export const nextReadings = (account: AccountForReadings, step = 1) =>
  account.meters.flatMap((meter) =>
    meter.zones.map((zone) => ({
      meterId: meter.id,
      zone,
      value: String(Number(meter.latestReadings.find((reading) => reading.zone === zone)?.value ?? 0) + step),
    })),
  );
