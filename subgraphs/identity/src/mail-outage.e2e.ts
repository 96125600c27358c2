import { createServer, type AddressInfo } from 'node:net';
import { demoUsers } from '@kabinet/demo';
import { expectErrorCode, expectNoGraphQLErrors, loginAs, startTestStack, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEACTIVATE, LOGIN, REGISTER } from './testing/operations';

/** An SMTP URL nothing listens on: every mail fails to send. */
async function deadSmtpUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `smtp://127.0.0.1:${port}`;
}

describe('identity while mail cannot be sent', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ seedDemo: true, env: { SMTP_URL: await deadSmtpUrl() } });
  });
  afterAll(() => t?.stop());

  it('still deactivates: the confirmation mail is sent after the change and its failure undoes nothing', async () => {
    const token = await loginAs(t, demoUsers.second);
    expect(expectNoGraphQLErrors(await t.gql(DEACTIVATE, { token, variables: { input: { password: demoUsers.second.password } } }))).toEqual({
      deactivateAccount: { ok: true },
    });
    expectErrorCode(await t.gql(LOGIN, { variables: { input: { email: demoUsers.second.email, password: demoUsers.second.password } } }), 'ACCOUNT_DEACTIVATED');
  });

  it('answers a registration the same way whether or not the mail goes out', async () => {
    const input = { password: 'Чужий-пароль-31', displayName: 'Хтось' };
    const forTaken = await t.gql(REGISTER, { variables: { input: { ...input, email: demoUsers.demo.email } } });
    const forNew = await t.gql(REGISTER, { variables: { input: { ...input, email: 'nobody-yet@example.com' } } });
    expect(forTaken.status).toBe(forNew.status);
    expect(forTaken.data).toEqual({ register: { email: demoUsers.demo.email } });
    expect(forNew.data).toEqual({ register: { email: 'nobody-yet@example.com' } });
  });
});
