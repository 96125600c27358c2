import { createHash, randomBytes } from 'node:crypto';
import { demoPartner } from '@kabinet/demo';
import type { TestStack } from './test-stack';

/** A PKCE pair (RFC 7636, S256): the app keeps the verifier and sends the challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/**
 * A browser's share of an OAuth flow over plain HTTP: cookies kept per name, redirects followed
 * by hand (so a test sees each one), forms posted urlencoded.
 */
export class OAuthBrowser {
  readonly cookies = new Map<string, string>();
  constructor(readonly language = 'en') {}

  async request(url: string | URL, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const response = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        'accept-language': this.language,
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') } : {}),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';');
      const [name = '', value = ''] = pair.split(/=(.*)/s);
      const expired = attributes.some((attribute) => /^\s*expires=.*1970/i.test(attribute)) || value === '';
      if (expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    return response;
  }

  /**
   * Follows redirects from `response` while they stay on `origin`; gives the last response, or the
   * redirect that leaves (to the app's redirect URI).
   */
  async follow(response: Response, origin: string): Promise<Response> {
    let current = response;
    for (let hops = 0; hops < 10 && current.status >= 300 && current.status < 400; hops += 1) {
      const next = new URL(current.headers.get('location')!, origin);
      if (next.origin !== origin) return current;
      await current.arrayBuffer();
      current = await this.request(next);
    }
    return current;
  }
}

/** The `action` of the page's only form (the login or consent page). */
export const formAction = (html: string): string => {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form on the page: ${html.slice(0, 500)}`);
  return action.replace(/&#38;/g, '&');
};

export interface AuthorizationRequest {
  clientId?: string;
  scopes: readonly string[];
  redirectUri?: string;
  /** Extra or replaced query parameters (`code_challenge: ''` to leave PKCE out). */
  params?: Record<string, string>;
}

/** The public origin of the test stack's gateway. */
export const gatewayOrigin = (t: TestStack) => new URL(t.url).origin;

/** GET /oauth/auth as the partner's link would send the customer there. */
export function authorizationUrl(t: TestStack, request: AuthorizationRequest & { challenge: string; state: string }): URL {
  const url = new URL('/oauth/auth', gatewayOrigin(t));
  const params: Record<string, string> = {
    client_id: request.clientId ?? demoPartner.clientId,
    response_type: 'code',
    redirect_uri: request.redirectUri ?? demoPartner.redirectUri,
    scope: request.scopes.join(' '),
    state: request.state,
    code_challenge: request.challenge,
    code_challenge_method: 'S256',
    ...request.params,
  };
  for (const [name, value] of Object.entries(params)) if (value !== '') url.searchParams.set(name, value);
  return url;
}

export interface Authorization {
  /** Where the customer's browser was sent back to the app (the redirect URI with `code` or `error`). */
  redirect: URL;
  verifier: string;
  state: string;
}

/**
 * A customer goes through the whole flow in a browser: the partner's link, the login page, the
 * consent page, Allow or Refuse, and back to the app with a code (or `error=access_denied`).
 */
export async function authorizeAs(
  t: TestStack,
  request: AuthorizationRequest & { login: { email: string; password: string }; decision?: 'allow' | 'refuse'; browser?: OAuthBrowser },
): Promise<Authorization> {
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(8).toString('hex');
  const redirect = await followPartnerLink(t, authorizationUrl(t, { ...request, challenge, state }), request);
  return { redirect, verifier, state };
}

/**
 * The customer's part alone: opens a partner's authorization link, logs in when asked, allows or
 * refuses, and gives where the browser was sent back to the app.
 */
export async function followPartnerLink(
  t: TestStack,
  link: URL,
  customer: { login: { email: string; password: string }; decision?: 'allow' | 'refuse'; browser?: OAuthBrowser },
): Promise<URL> {
  const origin = gatewayOrigin(t);
  const browser = customer.browser ?? new OAuthBrowser();
  let page = await browser.follow(await browser.request(link), origin);
  if (page.status === 200) {
    const html = await page.text();
    if (html.includes('name="password"')) {
      page = await browser.follow(await browser.request(new URL(formAction(html), origin), { form: customer.login }), origin);
    }
  }
  if (page.status === 200) {
    const html = await page.text();
    if (!html.includes('name="decision"')) throw new Error(`expected the consent page, got: ${html.slice(0, 800)}`);
    page = await browser.follow(await browser.request(new URL(formAction(html), origin), { form: { decision: customer.decision ?? 'allow' } }), origin);
  }
  const location = page.headers.get('location');
  if (!location) throw new Error(`the flow did not return to the app (${page.status}): ${(await page.text()).slice(0, 800)}`);
  return new URL(location, origin);
}

export interface TokenResponse {
  status: number;
  body: { access_token?: string; refresh_token?: string; token_type?: string; expires_in?: number; scope?: string; error?: string; error_description?: string };
}

/** POST /oauth/token as the partner's server (a public client: PKCE, no secret). */
export async function tokenRequest(t: TestStack, params: Record<string, string>): Promise<TokenResponse> {
  const response = await fetch(new URL('/oauth/token', gatewayOrigin(t)), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: demoPartner.clientId, ...params }).toString(),
  });
  return { status: response.status, body: (await response.json()) as TokenResponse['body'] };
}

/** POST /oauth/token/revocation as the partner gives a token back (its answer is 200 whatever the token). */
export async function revokeToken(t: TestStack, token: string, hint: 'refresh_token' | 'access_token', clientId: string = demoPartner.clientId): Promise<number> {
  const response = await fetch(new URL('/oauth/token/revocation', gatewayOrigin(t)), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, token, token_type_hint: hint }).toString(),
  });
  await response.arrayBuffer();
  return response.status;
}

/** The code of an authorization exchanged for tokens, as the partner does. */
export const exchangeCode = (t: TestStack, authorization: Authorization, options: { clientId?: string; redirectUri?: string; verifier?: string } = {}) =>
  tokenRequest(t, {
    client_id: options.clientId ?? demoPartner.clientId,
    grant_type: 'authorization_code',
    code: authorization.redirect.searchParams.get('code') ?? '',
    redirect_uri: options.redirectUri ?? demoPartner.redirectUri,
    code_verifier: options.verifier ?? authorization.verifier,
  });

/** A refresh token traded for the next pair (the old one is then spent). */
export const refreshGrant = (t: TestStack, refreshToken: string, clientId: string = demoPartner.clientId) =>
  tokenRequest(t, { client_id: clientId, grant_type: 'refresh_token', refresh_token: refreshToken });

/**
 * A partner's tokens for a customer, through the real flow (login page, consent, code, PKCE):
 * `consentAs(t, { scopes: ['accounts:read'], login: demoUsers.demo })` acts as Demo Bank.
 */
export async function consentAs(
  t: TestStack,
  request: AuthorizationRequest & { login: { email: string; password: string } },
): Promise<{ accessToken: string; refreshToken: string }> {
  const authorization = await authorizeAs(t, request);
  const tokens = await exchangeCode(t, authorization, { clientId: request.clientId, redirectUri: request.redirectUri });
  if (!tokens.body.access_token || !tokens.body.refresh_token) throw new Error(`no tokens: ${JSON.stringify(tokens.body)} (redirect ${authorization.redirect})`);
  return { accessToken: tokens.body.access_token, refreshToken: tokens.body.refresh_token };
}
