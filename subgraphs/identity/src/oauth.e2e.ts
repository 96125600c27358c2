import { gatewaySecretHeader, scopes as kabinetScopes, subgraphSecret, verifyAccessToken } from '@kabinet/auth';
import { demoPartner, demoUsers } from '@kabinet/demo';
import {
  OAuthBrowser,
  authorizationUrl,
  authorizeAs,
  consentAs,
  exchangeCode,
  expectErrorCode,
  expectNoGraphQLErrors,
  formAction,
  gatewayOrigin,
  loginAs,
  manifestOperation,
  persistedRequest,
  pkcePair,
  tokenRequest,
  refreshGrant,
  revokeToken,
  startTestStack,
  type GraphQLResponse,
  type TestStack,
} from '@kabinet/testing';
import { request as httpRequest } from 'node:http';
import { errors } from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { oauthArtifacts, users } from './db/schema';
import { deleteExpiredArtifacts, drizzleAdapter } from './oauth/adapter';
import { CHANGE_PASSWORD, CONFIRM, DEACTIVATE, REGISTER, REQUEST_RESET, RESET } from './testing/operations';

/*
 * A partner (Demo Bank) gets a customer's consent through OAuth 2.1 (authorization code + PKCE)
 * on Kabinet's own login and consent pages, all through the gateway, and loses access the
 * moment the customer revokes it.
 */

const ME_AND_ACCOUNTS = `{ me { id electricityAccounts { accountNumber } } }`;
/** What Demo Bank's app reads with its token: the Dashboard, by its id in Demo Bank's manifest (a partner sends no text). */
const dashboardId = manifestOperation('demo-bank', 'Dashboard').id;
const AUTHORIZED_APPS = `{ me { authorizedApps { clientId name scopes scopeDescriptions grantedAt } } }`;
const REVOKE = `mutation ($clientId: ID!) { revokeAppAuthorization(clientId: $clientId) { ok } }`;
const allScopes = ['accounts:read', 'readings:write', 'payments:write'];
const customer = demoUsers.demo;
const password = 'Ялиця-2026-гай';
const tokenFrom = (text: string) => /token=([\w-]+)/.exec(text)![1]!;
const decodeJwt = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, any>;

/** A GET sent as given (a forged Host, `..` in the path), which fetch and URL would change. */
const rawGet = (origin: string, path: string, headers: Record<string, string>) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const { hostname, port } = new URL(origin);
    httpRequest({ hostname, port, path, headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
    })
      .on('error', reject)
      .end();
  });

describe('OAuth: a partner acting for a customer', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ seedDemo: true });
  });
  afterAll(() => t?.stop());

  /** A new confirmed customer, so that tests revoking things do not disturb each other. */
  async function newCustomer() {
    const email = `oauth-${crypto.randomUUID().slice(0, 8)}@example.com`;
    expectNoGraphQLErrors(await t.gql(REGISTER, { variables: { input: { email, password, displayName: 'Клієнт' } } }));
    const mail = await t.mailbox.waitFor(email);
    expectNoGraphQLErrors(await t.gql(CONFIRM, { variables: { input: { token: tokenFrom(mail.text) } } }));
    return { email, password };
  }

  function expectSessionEnded(response: GraphQLResponse) {
    expect(response.status).toBe(401);
    expect(expectErrorCode(response, 'UNAUTHENTICATED').extensions?.reason).toBe('SESSION_ENDED');
  }

  /** Within the session check interval (a second here), everywhere the gateway asks. */
  const asDemoBank = (accessToken: string) => persistedRequest(t.url, { id: dashboardId, token: accessToken });
  async function expectRefused(accessToken: string) {
    await expect.poll(async () => (await asDemoBank(accessToken)).status, { timeout: 5_000, interval: 200 }).toBe(401);
    expectSessionEnded(await asDemoBank(accessToken));
  }

  it('goes through login, consent and PKCE to a token limited to the customer and the scopes allowed', async () => {
    const origin = gatewayOrigin(t);
    const browser = new OAuthBrowser();
    const { verifier, challenge } = pkcePair();
    const start = await browser.request(authorizationUrl(t, { scopes: ['accounts:read', 'readings:write'], challenge, state: 'xyz' }));
    expect(start.status).toBe(303);
    const interaction = new URL(start.headers.get('location')!);
    // Every address the server builds is the gateway's public one, never identity's own port.
    expect(interaction.origin).toBe(origin);
    expect(interaction.pathname).toMatch(/^\/oauth\/interaction\//);

    const loginPage = await browser.request(interaction);
    expect(loginPage.status).toBe(200);
    expect(loginPage.headers.get('content-security-policy')).toContain("default-src 'none'");
    const loginHtml = await loginPage.text();
    expect(loginHtml).toContain('Demo Bank');

    const wrongPassword = await browser.request(new URL(formAction(loginHtml), origin), { form: { email: customer.email, password: 'not-the-password-1' } });
    expect(wrongPassword.status).toBe(400);
    expect(await wrongPassword.text()).toContain('Email or password is incorrect');

    const loggedIn = await browser.request(new URL(formAction(loginHtml), origin), { form: { email: customer.email, password: customer.password } });
    const consentPage = await browser.follow(loggedIn, origin);
    expect(consentPage.status).toBe(200);
    const consentHtml = await consentPage.text();
    expect(consentHtml).toContain('Allow Demo Bank access?');
    expect(consentHtml).toContain('see your accounts, balances, bills, meters and payments');
    expect(consentHtml).toContain('submit meter readings for your accounts');
    expect(consentHtml).not.toContain('pay your accounts');

    const back = await browser.follow(await browser.request(new URL(formAction(consentHtml), origin), { form: { decision: 'allow' } }), origin);
    const redirect = new URL(back.headers.get('location')!);
    expect(`${redirect.origin}${redirect.pathname}`).toBe(demoPartner.redirectUri);
    expect(redirect.searchParams.get('state')).toBe('xyz');
    expect(redirect.searchParams.get('iss')).toBe(`${origin}/oauth`);

    const tokens = await exchangeCode(t, { redirect, verifier, state: 'xyz' });
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', scope: 'accounts:read readings:write' });
    const accessToken = tokens.body.access_token!;
    const claims = decodeJwt(accessToken);
    expect(claims).toMatchObject({ sub: customer.id, role: 'CUSTOMER', client_id: 'demo-bank', scope: 'accounts:read readings:write', aud: 'kabinet' });
    expect(claims.exp! - claims.iat!).toBe(t.config.auth.accessTokenTtlSeconds);
    expect(typeof claims.sid).toBe('string');
    const viewer = await verifyAccessToken(t.stack.tokenKeys, accessToken);
    expect(viewer).toMatchObject({ userId: customer.id, role: 'CUSTOMER', clientId: 'demo-bank', scopes: ['accounts:read', 'readings:write'] });

    const me = expectNoGraphQLErrors(await asDemoBank(accessToken)) as { me: { email: string; electricityAccounts: unknown[] } };
    expect(me.me.email).toBe(customer.email);
    expect(me.me.electricityAccounts.length).toBeGreaterThan(0);

    // What oidc-provider keeps is stored without the secrets themselves, and expired rows are cleaned up.
    const db = t.stack.databases.identity.db;
    const stored = JSON.stringify(await db.select().from(oauthArtifacts));
    expect(stored).not.toContain(tokens.body.refresh_token!);
    expect(stored).not.toContain(redirect.searchParams.get('code')!);
    const kinds = async () => (await db.select({ kind: oauthArtifacts.kind }).from(oauthArtifacts)).map((row) => row.kind);
    expect(await kinds()).toEqual(expect.arrayContaining(['Grant', 'RefreshToken', 'Session']));

    // The code is single use, and a code used twice means it leaked: the grant ends, and its token with it.
    expect((await exchangeCode(t, { redirect, verifier, state: 'xyz' })).body.error).toBe('invalid_grant');
    await expectRefused(accessToken);

    expect(await deleteExpiredArtifacts(db, new Date(Date.now() + 2 * t.config.auth.refreshTokenTtlSeconds * 1000))).toBeGreaterThan(0);
    expect(await kinds()).toEqual([]);
  });

  it('rotates refresh tokens and refuses a spent one', async () => {
    const { refreshToken } = await consentAs(t, { scopes: ['accounts:read'], login: await newCustomer() });
    const rotated = await refreshGrant(t, refreshToken);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).toBeTruthy();
    expect(rotated.body.refresh_token).not.toBe(refreshToken);
    expect(decodeJwt(rotated.body.access_token!)).toMatchObject({ client_id: 'demo-bank', scope: 'accounts:read' });

    const reused = await refreshGrant(t, refreshToken);
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
    // A spent token used again means it leaked: the whole grant ends, the new refresh token and its access token too.
    expect((await refreshGrant(t, rotated.body.refresh_token!)).body.error).toBe('invalid_grant');
    await expectRefused(rotated.body.access_token!);
  });

  it('lets only one of two concurrent refreshes with the same token through, and ends the grant', async () => {
    // A thief and the app refreshing with one stolen token at once: at most one gets a new pair,
    // and the reuse ends the grant for both, as a sequential reuse does.
    const partner = await consentAs(t, { scopes: ['accounts:read'], login: await newCustomer() });
    const answers = await Promise.all(Array.from({ length: 4 }, () => refreshGrant(t, partner.refreshToken)));
    const succeeded = answers.filter((answer) => answer.status === 200);
    expect(succeeded.length).toBeLessThanOrEqual(1);
    for (const answer of answers.filter((candidate) => candidate.status !== 200)) expect(answer.body.error).toBe('invalid_grant');
    await expectRefused(partner.accessToken);
    for (const answer of succeeded) {
      await expectRefused(answer.body.access_token!);
      expect((await refreshGrant(t, answer.body.refresh_token!)).body.error).toBe('invalid_grant');
    }
  });

  it('consumes a refresh token once even when two requests reach the store at the same moment', async () => {
    // PGlite runs the requests above one after another; this drives the same race in the store itself.
    const login = await newCustomer();
    const partner = await consentAs(t, { scopes: ['accounts:read'], login });
    const RefreshTokens = drizzleAdapter(t.stack.databases.identity.db);
    const store = new RefreshTokens('RefreshToken');
    const [first, second] = await Promise.allSettled([store.consume(partner.refreshToken), store.consume(partner.refreshToken)]);
    expect([first.status, second.status].sort()).toEqual(['fulfilled', 'rejected']);
    const refusal = (first.status === 'rejected' ? first : second) as PromiseRejectedResult;
    expect(refusal.reason).toBeInstanceOf(errors.InvalidGrant);
    await expectRefused(partner.accessToken);
    const token = await loginAs(t, login);
    expect(expectNoGraphQLErrors(await t.gql(AUTHORIZED_APPS, { token })).me.authorizedApps).toEqual([]);
  });

  it('exchanges a code exchanged twice at once at most once, and ends the grant', async () => {
    const authorization = await authorizeAs(t, { scopes: ['accounts:read'], login: await newCustomer() });
    const answers = await Promise.all(Array.from({ length: 4 }, () => exchangeCode(t, authorization)));
    const succeeded = answers.filter((answer) => answer.status === 200);
    expect(succeeded.length).toBeLessThanOrEqual(1);
    for (const answer of answers.filter((candidate) => candidate.status !== 200)) expect(answer.body.error).toBe('invalid_grant');
    for (const answer of succeeded) {
      await expectRefused(answer.body.access_token!);
      expect((await refreshGrant(t, answer.body.refresh_token!)).body.error).toBe('invalid_grant');
    }
  });

  it('refuses a wrong verifier, a request without PKCE, an unregistered redirect URI and a scope the client may not ask for', async () => {
    const login = await newCustomer();
    const authorization = await authorizeAs(t, { scopes: ['accounts:read'], login });
    const wrongVerifier = await exchangeCode(t, authorization, { verifier: pkcePair().verifier });
    expect(wrongVerifier).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

    const browser = new OAuthBrowser();
    const withoutPkce = await browser.request(authorizationUrl(t, { scopes: ['accounts:read'], challenge: '', state: 's', params: { code_challenge_method: '' } }));
    expect(withoutPkce.status).toBe(303);
    const pkceError = new URL(withoutPkce.headers.get('location')!);
    expect(pkceError.searchParams.get('error')).toBe('invalid_request');
    expect(pkceError.searchParams.get('error_description')).toMatch(/PKCE/);
    const plain = await browser.request(authorizationUrl(t, { scopes: ['accounts:read'], challenge: pkcePair().challenge, state: 's', params: { code_challenge_method: 'plain' } }));
    expect(new URL(plain.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');

    // An unregistered redirect URI is never redirected to: the error is shown on Kabinet's own page.
    const elsewhere = await browser.request(authorizationUrl(t, { scopes: ['accounts:read'], challenge: pkcePair().challenge, state: 's', redirectUri: 'https://attacker.example/cb' }));
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.headers.get('location')).toBeNull();
    const errorPage = await elsewhere.text();
    expect(errorPage).toContain('invalid_redirect_uri');
    expect(errorPage).toContain('/pages/mailed-link.css');
    // A loopback redirect URI is matched with its port: another local listener gets no code.
    const otherPort = await browser.request(authorizationUrl(t, { scopes: ['accounts:read'], challenge: pkcePair().challenge, state: 's', redirectUri: 'http://127.0.0.1:4101/callback' }));
    expect(otherPort.status).toBe(400);
    expect(otherPort.headers.get('location')).toBeNull();

    const unknownScope = await browser.request(authorizationUrl(t, { scopes: ['openid'], challenge: pkcePair().challenge, state: 's' }));
    expect(new URL(unknownScope.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });

  it('refuses control characters in request parameters with invalid_request, never a server error', async () => {
    const browser = new OAuthBrowser();
    const challenge = pkcePair().challenge;
    for (const params of [{ client_id: 'demo\u0000bank' }, { state: 'a\u0000b' }, { redirect_uri: `${demoPartner.redirectUri}\u001b[31m` }] as Record<string, string>[]) {
      const response = await browser.request(authorizationUrl(t, { scopes: ['accounts:read'], challenge, state: 's', params }));
      expect(response.status, JSON.stringify(params)).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    }
    // In a body oidc-provider parses itself: no such client, code or token is stored; refused as the protocol says.
    expect(await tokenRequest(t, { client_id: 'demo\u0000bank', grant_type: 'refresh_token', refresh_token: 'x' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await tokenRequest(t, { grant_type: 'refresh_token', refresh_token: 'a\u0000b' })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const login = await fetch(new URL('/oauth/interaction/x\u0000y/login', gatewayOrigin(t)), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'a\u0000@kabinet.test', password: 'x' }).toString(),
    });
    expect(login.status).toBe(400);
    expect(await login.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses scopes a partner is not registered for', async () => {
    const { registerClient } = await import('./oauth/clients');
    await registerClient(t.stack.databases.identity.db, {
      clientId: 'meter-app',
      name: 'Meter App',
      scopes: ['readings:write'],
      redirectUris: ['http://127.0.0.1:4200/callback'],
    });
    const browser = new OAuthBrowser();
    const asked = await browser.request(
      authorizationUrl(t, { clientId: 'meter-app', redirectUri: 'http://127.0.0.1:4200/callback', scopes: ['readings:write', 'payments:write'], challenge: pkcePair().challenge, state: 's' }),
    );
    expect(asked.status).toBe(303);
    const error = new URL(asked.headers.get('location')!);
    expect(error.origin + error.pathname).toBe('http://127.0.0.1:4200/callback');
    expect(error.searchParams.get('error')).toBe('invalid_scope');
  });

  it('shows on the consent page exactly what allowing adds to the app\'s access', async () => {
    const login = await newCustomer();
    const browser = new OAuthBrowser();
    const origin = gatewayOrigin(t);
    await exchangeCode(t, await authorizeAs(t, { scopes: ['accounts:read'], login, browser }));
    // The same browser, the app now asking for more: only what is not yet allowed is asked.
    const page = await browser.follow(await browser.request(authorizationUrl(t, { scopes: ['accounts:read', 'payments:write'], challenge: pkcePair().challenge, state: 's' })), origin);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('pay your accounts');
    expect(html).not.toContain('see your accounts, balances, bills, meters and payments');
    await browser.follow(await browser.request(new URL(formAction(html), origin), { form: { decision: 'allow' } }), origin);
    const token = await loginAs(t, login);
    expect(expectNoGraphQLErrors(await t.gql(AUTHORIZED_APPS, { token })).me.authorizedApps[0].scopes).toEqual(['accounts:read', 'payments:write']);
  });

  it('sends the customer back with access_denied when they refuse', async () => {
    const login = await newCustomer();
    const refused = await authorizeAs(t, { scopes: allScopes, login, decision: 'refuse' });
    expect(refused.redirect.searchParams.get('error')).toBe('access_denied');
    expect(refused.redirect.searchParams.get('code')).toBeNull();
    const token = await loginAs(t, login);
    expect(expectNoGraphQLErrors(await t.gql(AUTHORIZED_APPS, { token })).me.authorizedApps).toEqual([]);
  });

  it('lists the partner among the customer\'s apps, and revoking it stops its tokens at once', async () => {
    const login = await newCustomer();
    const partner = await consentAs(t, { scopes: allScopes, login });
    const token = await loginAs(t, login);

    const apps = expectNoGraphQLErrors(await t.gql(AUTHORIZED_APPS, { token, headers: { 'accept-language': 'uk' } })).me.authorizedApps;
    expect(apps).toEqual([
      {
        clientId: 'demo-bank',
        name: 'Demo Bank',
        scopes: allScopes,
        scopeDescriptions: [
          'бачити ваші особові рахунки, баланси, рахунки до сплати, лічильники й платежі',
          'передавати показники лічильників ваших рахунків',
          'сплачувати ваші рахунки',
        ],
        grantedAt: expect.any(String),
      },
    ]);

    expect(expectNoGraphQLErrors(await asDemoBank(partner.accessToken)).me).toBeTruthy();
    // The partner's own token can neither see the list nor revoke anything: its text never runs
    // (persisted-queries.e2e.ts), and the fields refuse any app's token (scopes.e2e.ts).
    expectErrorCode(await t.gql(AUTHORIZED_APPS, { token: partner.accessToken }), 'PERSISTED_QUERY_ID_REQUIRED');
    expectErrorCode(await t.gql(REVOKE, { token: partner.accessToken, variables: { clientId: 'demo-bank' } }), 'PERSISTED_QUERY_ID_REQUIRED');

    expectNoGraphQLErrors(await t.gql(REVOKE, { token, variables: { clientId: 'demo-bank' } }));
    await expectRefused(partner.accessToken);
    expect((await refreshGrant(t, partner.refreshToken)).body.error).toBe('invalid_grant');
    expect(expectNoGraphQLErrors(await t.gql(AUTHORIZED_APPS, { token })).me.authorizedApps).toEqual([]);
    // The customer's own session goes on.
    expectNoGraphQLErrors(await t.gql(ME_AND_ACCOUNTS, { token }));
    // Revoking what is not allowed is told.
    expectErrorCode(await t.gql(REVOKE, { token, variables: { clientId: 'demo-bank' } }), 'APP_NOT_AUTHORIZED');
  });

  it('ends the consent when the partner gives its refresh token back', async () => {
    const login = await newCustomer();
    const partner = await consentAs(t, { scopes: ['accounts:read'], login });
    const token = await loginAs(t, login);
    expect(expectNoGraphQLErrors(await t.gql(AUTHORIZED_APPS, { token })).me.authorizedApps).toHaveLength(1);
    expect(await revokeToken(t, partner.refreshToken, 'refresh_token')).toBe(200);
    // Recorded before the answer: the customer's list is already without the app.
    expect(expectNoGraphQLErrors(await t.gql(AUTHORIZED_APPS, { token })).me.authorizedApps).toEqual([]);
    await expectRefused(partner.accessToken);
    expect((await refreshGrant(t, partner.refreshToken)).body.error).toBe('invalid_grant');
  });

  it('answers a server error, not success, when the end of a consent cannot be recorded', async () => {
    const login = await newCustomer();
    const partner = await consentAs(t, { scopes: ['accounts:read'], login });
    const db = t.stack.databases.identity.db;
    // The customer's record of this one consent refuses to change, as a database failing would.
    const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, login.email));
    await db.execute(sql.raw(`create function identity.refuse_grant_update() returns trigger language plpgsql as $$ begin raise exception 'grant record unavailable'; end $$`));
    await db.execute(sql.raw(`create trigger refuse_grant_update before update on identity.oauth_grants for each row when (old.user_id = '${user!.id}') execute function identity.refuse_grant_update()`));
    try {
      expect(await revokeToken(t, partner.refreshToken, 'refresh_token')).toBe(500);
    } finally {
      await db.execute(sql.raw('drop trigger refuse_grant_update on identity.oauth_grants'));
      await db.execute(sql.raw('drop function identity.refuse_grant_update()'));
    }
  });

  it('ends a customer\'s app access when the password changes and when the login is deactivated', async () => {
    const login = await newCustomer();
    const partner = await consentAs(t, { scopes: ['accounts:read'], login });
    const token = await loginAs(t, login);
    expectNoGraphQLErrors(await asDemoBank(partner.accessToken));
    const newPassword = 'Бук-2027-діброва';
    expectNoGraphQLErrors(await t.gql(CHANGE_PASSWORD, { token, variables: { input: { currentPassword: login.password, newPassword } } }));
    await expectRefused(partner.accessToken);
    expect((await refreshGrant(t, partner.refreshToken)).body.error).toBe('invalid_grant');

    const again = await consentAs(t, { scopes: ['accounts:read'], login: { email: login.email, password: newPassword } });
    expectNoGraphQLErrors(await asDemoBank(again.accessToken));
    const fresh = await loginAs(t, { email: login.email, password: newPassword });
    expectNoGraphQLErrors(await t.gql(DEACTIVATE, { token: fresh, variables: { input: { password: newPassword } } }));
    await expectRefused(again.accessToken);
    expect((await refreshGrant(t, again.refreshToken)).body.error).toBe('invalid_grant');
  });

  it('ends a customer\'s app access when the password is reset by mail', async () => {
    const login = await newCustomer();
    const partner = await consentAs(t, { scopes: ['accounts:read'], login });
    expectNoGraphQLErrors(await asDemoBank(partner.accessToken));
    expectNoGraphQLErrors(await t.gql(REQUEST_RESET, { variables: { input: { email: login.email } } }));
    const mail = await t.mailbox.waitFor(login.email, (candidate) => candidate.text.includes('/reset-password?'));
    expectNoGraphQLErrors(await t.gql(RESET, { variables: { input: { token: tokenFrom(mail.text), newPassword: 'Граб-2027-узлісся' } } }));
    await expectRefused(partner.accessToken);
    expect((await refreshGrant(t, partner.refreshToken)).body.error).toBe('invalid_grant');
  });

  it('lets only customers allow apps', async () => {
    const browser = new OAuthBrowser();
    const origin = gatewayOrigin(t);
    const page = await browser.follow(await browser.request(authorizationUrl(t, { scopes: ['accounts:read'], challenge: pkcePair().challenge, state: 's' })), origin);
    const operator = await browser.request(new URL(formAction(await page.text()), origin), {
      form: { email: 'operator@kyiv-energo.kabinet.dev', password: 'kabinet-operator-2026' },
    });
    expect(operator.status).toBe(403);
    expect(await operator.text()).toContain('Only customer logins can allow apps access');
  });

  it('publishes its metadata at the public address', async () => {
    const origin = gatewayOrigin(t);
    // The caller's Host and X-Forwarded-* headers change nothing.
    const forged = { host: 'attacker.example', 'x-forwarded-host': 'attacker.example', 'x-forwarded-proto': 'https' };
    const response = await rawGet(origin, '/oauth/.well-known/openid-configuration', forged);
    expect(response.status).toBe(200);
    const metadata = JSON.parse(response.body) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: `${origin}/oauth`,
      authorization_endpoint: `${origin}/oauth/auth`,
      token_endpoint: `${origin}/oauth/token`,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
      // Only what the server does: public clients without secrets.
      token_endpoint_auth_methods_supported: ['none'],
    });
    // Kabinet's scopes; openid is oidc-provider's own, which no client may ask for.
    expect((metadata.scopes_supported as string[]).filter((scope) => scope !== 'openid').sort()).toEqual([...kabinetScopes].sort());
    // Nor at identity itself, with the gateway's secret and a forged Host.
    const direct = await rawGet(t.stack.subgraphs.identity.url, '/oauth/.well-known/openid-configuration', {
      ...forged,
      [gatewaySecretHeader]: subgraphSecret(t.stack.gatewaySecret, 'identity'),
    });
    expect(JSON.parse(direct.body).token_endpoint).toBe(`${origin}/oauth/token`);
    // The proxy adds identity's secret only for identity's /oauth: no `..` leads it elsewhere.
    for (const path of ['/oauth/../graphql', '/oauth/%2e%2e/graphql', '/oauth/..%2Fgraphql']) {
      expect((await rawGet(origin, `${path}?query=%7B__typename%7D`, { 'apollo-require-preflight': 'true' })).status, path).toBe(404);
    }
    // Straight at identity, without the gateway's secret, nothing answers.
    expect((await fetch(`${t.stack.subgraphs.identity.url}/oauth/.well-known/openid-configuration`)).status).toBe(403);
  });
});
