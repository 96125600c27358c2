import { gatewaySecretHeader, revokedSessionsPath, sessionsSecret, sessionsSecretHeader, subgraphSecret } from '@kabinet/auth';
import { expectErrorCode, expectNoGraphQLErrors, graphqlRequest, startTestStack, type GraphQLResponse, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANGE_PASSWORD, CONFIRM, DEACTIVATE, LOGIN, LOGOUT, REFRESH, REGISTER, REQUEST_RESET, RESET } from './testing/operations';

/*
 * An ended session stops its access tokens within seconds, not at their expiry: at the
 * gateway, and at every subgraph that verifies them itself.
 */

const ACCOUNTS = `{ me { id electricityAccounts { id } } }`;
const SUBSCRIBE = `mutation ($input: SubscribeEReceiptsInput!) { subscribeElectricityEReceipts(input: $input) { subscription { status } } }`;

const password = 'Смерека-2026-ліс';
const tokenFrom = (text: string) => /token=([\w-]+)/.exec(text)![1]!;

describe('ended sessions', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ seedDemo: true });
  });
  afterAll(() => t?.stop());

  async function confirmedUser() {
    const email = `session-${crypto.randomUUID().slice(0, 8)}@example.com`;
    expectNoGraphQLErrors(await t.gql(REGISTER, { variables: { input: { email, password, displayName: 'Сесія' } } }));
    const mail = await t.mailbox.waitFor(email);
    expectNoGraphQLErrors(await t.gql(CONFIRM, { variables: { input: { token: tokenFrom(mail.text) } } }));
    return email;
  }
  const login = async (email: string, pw = password) => expectNoGraphQLErrors(await t.gql(LOGIN, { variables: { input: { email, password: pw } } })).login;

  /** The same token straight at a subgraph, as the gateway would send it. */
  const atSubgraph = (name: 'electricity' | 'identity', token: string) =>
    graphqlRequest(`${t.stack.subgraphs[name].url}/graphql`, '{ _service { sdl } }', {
      token,
      headers: { [gatewaySecretHeader]: subgraphSecret(t.stack.gatewaySecret, name) },
    });

  function expectSessionEnded(response: GraphQLResponse) {
    expect(response.status).toBe(401);
    const error = expectErrorCode(response, 'UNAUTHENTICATED');
    expect(error.extensions?.reason).toBe('SESSION_ENDED');
  }

  /** Within a few seconds (each service re-reads ended sessions every second), the token is refused everywhere. */
  async function expectRefusedEverywhere(token: string) {
    const everywhere = [() => t.gql(ACCOUNTS, { token }), () => atSubgraph('electricity', token), () => atSubgraph('identity', token)];
    for (const ask of everywhere) {
      await expect.poll(async () => (await ask()).status, { timeout: 5_000, interval: 200 }).toBe(401);
      expectSessionEnded(await ask());
    }
  }

  it('stops a logged-out session\'s access token, and only that session\'s', async () => {
    const email = await confirmedUser();
    const phone = await login(email);
    const laptop = await login(email);
    expectNoGraphQLErrors(await t.gql(ACCOUNTS, { token: phone.accessToken }));
    expectNoGraphQLErrors(await t.gql(LOGOUT, { variables: { input: { refreshToken: phone.refreshToken } } }));
    await expectRefusedEverywhere(phone.accessToken);
    expectNoGraphQLErrors(await t.gql(ACCOUNTS, { token: laptop.accessToken }));
  });

  it('stops every session on a password change but the one it returns', async () => {
    const email = await confirmedUser();
    const other = await login(email);
    const current = await login(email);
    const changed = expectNoGraphQLErrors(
      await t.gql(CHANGE_PASSWORD, { token: current.accessToken, variables: { input: { currentPassword: password, newPassword: 'Новий-пароль-2027' } } }),
    ).changePassword;
    await expectRefusedEverywhere(other.accessToken);
    await expectRefusedEverywhere(current.accessToken);
    expectNoGraphQLErrors(await t.gql(ACCOUNTS, { token: changed.accessToken }));
  });

  it('stops every session on a password reset', async () => {
    const email = await confirmedUser();
    const session = await login(email);
    expectNoGraphQLErrors(await t.gql(REQUEST_RESET, { variables: { input: { email } } }));
    const mail = await t.mailbox.waitFor(email, (candidate) => /reset-password/.test(candidate.text));
    expectNoGraphQLErrors(await t.gql(RESET, { variables: { input: { token: tokenFrom(mail.text), newPassword: 'Новий-пароль-2027' } } }));
    await expectRefusedEverywhere(session.accessToken);
  });

  it('stops the whole session when a used refresh token comes back', async () => {
    const email = await confirmedUser();
    const first = await login(email);
    const second = expectNoGraphQLErrors(await t.gql(REFRESH, { variables: { input: { refreshToken: first.refreshToken } } })).refreshSession;
    expectErrorCode(await t.gql(REFRESH, { variables: { input: { refreshToken: first.refreshToken } } }), 'REFRESH_TOKEN_REUSED');
    await expectRefusedEverywhere(first.accessToken);
    await expectRefusedEverywhere(second.accessToken);
  });

  it('lets a deactivated login write nothing with the tokens it had', async () => {
    const email = await confirmedUser();
    const session = await login(email);
    expectNoGraphQLErrors(await t.gql(DEACTIVATE, { token: session.accessToken, variables: { input: { password } } }));
    await expectRefusedEverywhere(session.accessToken);
    const write = await t.gql(SUBSCRIBE, { token: session.accessToken, variables: { input: { accountId: crypto.randomUUID() } } });
    expectSessionEnded(write);
  });

  it('tells ended sessions only to services holding the secret for it', async () => {
    const url = `${t.stack.subgraphs.identity.url}${revokedSessionsPath}`;
    expect((await fetch(url)).status).toBe(403);
    expect((await fetch(url, { headers: { [sessionsSecretHeader]: subgraphSecret(t.stack.gatewaySecret, 'identity') } })).status).toBe(403);
    const headers = { [sessionsSecretHeader]: sessionsSecret(t.stack.gatewaySecret) };
    expect((await fetch(`${url}?since=yesterday`, { headers })).status).toBe(400);
    const answer = await fetch(`${url}?since=${new Date(Date.now() - 60_000).toISOString()}`, { headers });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ asOf: expect.any(String), sessions: expect.any(Array) });
  });
});
