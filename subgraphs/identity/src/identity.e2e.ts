import { demoUsers } from '@kabinet/demo';
import { errorCodes, expectErrorCode, expectNoGraphQLErrors, startTestStack, type TestStack } from '@kabinet/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { emailTokens, outbox, users } from './db/schema';
import { passwordMatches } from './passwords';
import { CHANGE_PASSWORD, CONFIRM, DEACTIVATE, LOGIN, LOGOUT, ME, REFRESH, REGISTER, REQUEST_RESET, RESET, UPDATE_PROFILE } from './testing/operations';


const password = 'Смерека-2026-ліс';
let counter = 0;
const uniqueEmail = () => `user${Date.now()}${(counter += 1)}@example.com`;
const tokenFrom = (text: string) => /token=([\w-]+)/.exec(text)![1]!;

describe('identity through the gateway', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ seedDemo: true });
  });
  afterAll(() => t?.stop());

  const register = (email: string, pw = password) =>
    t.gql(REGISTER, { variables: { input: { email, password: pw, displayName: 'Олена Тест' } } });
  const login = (email: string, pw = password) => t.gql(LOGIN, { variables: { input: { email, password: pw } } });
  const confirm = (token: string) => t.gql(CONFIRM, { variables: { input: { token } } });

  /** The mails to `email` whose text matches `pattern`, oldest first, once `count` of them have arrived. */
  const mailsTo = (email: string, pattern: RegExp, count: number) =>
    vi.waitFor(
      () => {
        const found = t.mailbox.messages.filter((mail) => mail.to.includes(email) && pattern.test(mail.text));
        expect(found.length).toBeGreaterThanOrEqual(count);
        return found;
      },
      { timeout: 10_000 },
    );

  /** A registered, confirmed user and a live session. */
  async function confirmedUser() {
    const email = uniqueEmail();
    expectNoGraphQLErrors(await register(email));
    const mail = await t.mailbox.waitFor(email);
    expectNoGraphQLErrors(await t.gql(CONFIRM, { variables: { input: { token: tokenFrom(mail.text) } } }));
    const session = expectNoGraphQLErrors(await login(email)).login;
    return { email, session };
  }

  it('locks a login out after wrong passwords only: a household logging in from every device is never refused', async () => {
    const { email } = await confirmedUser();
    for (let time = 1; time <= 12; time += 1) expectNoGraphQLErrors(await login(email));
    for (let guess = 1; guess <= 10; guess += 1) expectErrorCode(await login(email, `wrong-guess-${guess}`), 'INVALID_CREDENTIALS');
    // The eleventh try is refused, the right password included.
    expectErrorCode(await login(email), 'RATE_LIMITED');
  });

  it('registers, refuses login until the mailed link confirms the email, then logs in', async () => {
    const email = uniqueEmail();
    expect(expectNoGraphQLErrors(await register(`  ${email.toUpperCase()} `)).register).toEqual({ email });

    expectErrorCode(await login(email), 'EMAIL_NOT_CONFIRMED');

    const mail = await t.mailbox.waitFor(email);
    expect(mail.text).toContain('https://app.kabinet.test/confirm-email?token=');
    const token = tokenFrom(mail.text);
    expect(expectNoGraphQLErrors(await t.gql(CONFIRM, { variables: { input: { token } } })).confirmEmail.user.emailConfirmed).toBe(true);
    expectErrorCode(await t.gql(CONFIRM, { variables: { input: { token } } }), 'INVALID_TOKEN');

    const session = expectNoGraphQLErrors(await login(`  ${email.toUpperCase()} `)).login;
    expect(session.user.email).toBe(email);
    const me = expectNoGraphQLErrors(await t.gql(ME, { token: session.accessToken })).me;
    expect(me).toMatchObject({ id: session.user.id, email, role: 'CUSTOMER', emailConfirmed: true });
  });

  it('refuses bad registrations with typed errors and stores nothing', async () => {
    const email = uniqueEmail();
    expectErrorCode(await register(email, 'short1'), 'WEAK_PASSWORD');
    expectErrorCode(await register(email, 'onlyletterslong'), 'WEAK_PASSWORD');
    expectErrorCode(await register('not-an-email'), 'BAD_USER_INPUT');
    expect(await t.stack.database.db.select().from(users).where(eq(users.email, email))).toHaveLength(0);

    expectNoGraphQLErrors(await register(email));
    expectNoGraphQLErrors(await register(email.toUpperCase()));
    expect(await t.stack.database.db.select().from(users).where(eq(users.email, email))).toHaveLength(1);
  });

  describe('registering an address that has a login already', () => {
    it('answers exactly as for a new address, and mails the owner a notice instead of a link', async () => {
      const { email } = await confirmedUser();
      const fresh = uniqueEmail();
      const intruder = 'Чужий-пароль-31';
      const forNew = await register(fresh, intruder);
      const forTaken = await register(email.toUpperCase(), intruder);
      expect(forTaken.status).toBe(forNew.status);
      expect(forTaken.errors).toEqual(forNew.errors);
      expect(forNew.data).toEqual({ register: { email: fresh } });
      expect(forTaken.data).toEqual({ register: { email } });

      const notice = await t.mailbox.waitFor(email, (mail) => !mail.text.includes('token='));
      expect(notice.subject).toMatch(/реєстрац/i);
      expect(notice.text).toMatch(/хтось намагався зареєструватися/i);
      expect(notice.text).toContain('https://app.kabinet.test/reset-password');
      // Only the link of the first registration was ever mailed there.
      expect(await mailsTo(email, /confirm-email\?token=/, 1)).toHaveLength(1);
      // The owner's password stands; the one sent with the attempt opens nothing.
      expectNoGraphQLErrors(await login(email));
      expectErrorCode(await login(email, intruder), 'INVALID_CREDENTIALS');
    });

    it('answers alike for a deactivated login\'s address, whose notice does not send its owner to a login that cannot work', async () => {
      const { email, session } = await confirmedUser();
      expectNoGraphQLErrors(await t.gql(DEACTIVATE, { token: session.accessToken, variables: { input: { password } } }));
      const forTaken = await register(email, 'Чужий-пароль-31');
      expect(forTaken.status).toBe(200);
      expect(forTaken.data).toEqual({ register: { email } });
      const notice = await t.mailbox.waitFor(email, (mail) => /хтось намагався зареєструватися/i.test(mail.text));
      expect(notice.text).toMatch(/деактивовано/);
      expect(notice.text).not.toContain('reset-password');
      expectErrorCode(await login(email), 'ACCOUNT_DEACTIVATED');
    });

    it('mails an unconfirmed address a new link that sets the password and name sent with it; older links die', async () => {
      const email = uniqueEmail();
      const first = { password: 'Перший-пароль-11', displayName: 'Хтось Інший' };
      const second = { password: 'Другий-пароль-22', displayName: 'Олена Справжня' };
      expect(expectNoGraphQLErrors(await t.gql(REGISTER, { variables: { input: { email, ...first } } })).register).toEqual({ email });
      const firstLink = tokenFrom((await mailsTo(email, /confirm-email\?token=/, 1))[0]!.text);
      expect(expectNoGraphQLErrors(await t.gql(REGISTER, { variables: { input: { email, ...second } } })).register).toEqual({ email });
      const secondLink = tokenFrom((await mailsTo(email, /confirm-email\?token=/, 2))[1]!.text);
      expect(await t.stack.database.db.select().from(users).where(eq(users.email, email))).toHaveLength(1);

      expectErrorCode(await confirm(firstLink), 'INVALID_TOKEN');
      // The second password counts only once its own link is used.
      expectErrorCode(await login(email, second.password), 'INVALID_CREDENTIALS');
      expectNoGraphQLErrors(await confirm(secondLink));
      expectErrorCode(await login(email, first.password), 'INVALID_CREDENTIALS');
      const session = expectNoGraphQLErrors(await login(email, second.password)).login;
      expect(expectNoGraphQLErrors(await t.gql(ME, { token: session.accessToken })).me).toMatchObject({ displayName: second.displayName, emailConfirmed: true });
    });
  });

  it('refuses a wrong password and an unknown email alike', async () => {
    const wrong = expectErrorCode(await login(demoUsers.demo.email, 'wrong-password-1'), 'INVALID_CREDENTIALS');
    const unknown = expectErrorCode(await login(uniqueEmail()), 'INVALID_CREDENTIALS');
    expect(wrong.message).toBe(unknown.message);
  });

  it('rotates refresh tokens, and reuse of a rotated one ends the whole session', async () => {
    const { session } = await confirmedUser();
    const next = expectNoGraphQLErrors(await t.gql(REFRESH, { variables: { input: { refreshToken: session.refreshToken } } }))
      .refreshSession;
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expectNoGraphQLErrors(await t.gql(ME, { token: next.accessToken }));

    expectErrorCode(await t.gql(REFRESH, { variables: { input: { refreshToken: session.refreshToken } } }), 'REFRESH_TOKEN_REUSED');
    // The thief's use also ended the legitimate holder's newer token.
    expectErrorCode(await t.gql(REFRESH, { variables: { input: { refreshToken: next.refreshToken } } }), 'INVALID_TOKEN');
    expectErrorCode(await t.gql(REFRESH, { variables: { input: { refreshToken: 'made-up' } } }), 'INVALID_TOKEN');
  });

  it('logs out: the refresh token stops working', async () => {
    const { session } = await confirmedUser();
    expect(expectNoGraphQLErrors(await t.gql(LOGOUT, { variables: { input: { refreshToken: session.refreshToken } } })).logout.ok).toBe(true);
    expectErrorCode(await t.gql(REFRESH, { variables: { input: { refreshToken: session.refreshToken } } }), 'INVALID_TOKEN');
  });

  it('resets a password by mail with the same answer for unknown emails', async () => {
    const { email } = await confirmedUser();
    const unknown = uniqueEmail();
    expect(expectNoGraphQLErrors(await t.gql(REQUEST_RESET, { variables: { input: { email: unknown } } }))).toEqual({
      requestPasswordReset: { ok: true },
    });
    expect(expectNoGraphQLErrors(await t.gql(REQUEST_RESET, { variables: { input: { email } } }))).toEqual({
      requestPasswordReset: { ok: true },
    });
    const mail = await t.mailbox.waitFor(email, (m) => m.text.includes('reset-password?token='));
    const token = tokenFrom(mail.text);

    expectErrorCode(await t.gql(RESET, { variables: { input: { token, newPassword: 'weak' } } }), 'WEAK_PASSWORD');
    const newPassword = 'Новий-пароль-77';
    expectNoGraphQLErrors(await t.gql(RESET, { variables: { input: { token, newPassword } } }));
    expectErrorCode(await t.gql(RESET, { variables: { input: { token, newPassword: 'Ще-інший-88' } } }), 'INVALID_TOKEN');
    expectErrorCode(await login(email), 'INVALID_CREDENTIALS');
    expectNoGraphQLErrors(await login(email, newPassword));
    expect(t.mailbox.messages.some((m) => m.to.includes(unknown))).toBe(false);
    // The owner hears of the new password, with the way back should it not be theirs.
    const notices = await mailsTo(email, /щойно змінено/, 1);
    expect(notices[0]!.subject).toBe('Kabinet: пароль змінено');
    expect(notices[0]!.text).toContain('https://app.kabinet.test/reset-password');
    expect(notices[0]!.text).not.toContain('token=');
  });

  it('refuses an expired reset token and keeps the old password', async () => {
    const { email } = await confirmedUser();
    expectNoGraphQLErrors(await t.gql(REQUEST_RESET, { variables: { input: { email } } }));
    const mail = await t.mailbox.waitFor(email, (m) => m.text.includes('reset-password?token='));
    const [user] = await t.stack.database.db.select().from(users).where(eq(users.email, email));
    await t.stack.database.db.update(emailTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(emailTokens.userId, user!.id));
    expectErrorCode(await t.gql(RESET, { variables: { input: { token: tokenFrom(mail.text), newPassword: 'Новий-пароль-77' } } }), 'TOKEN_EXPIRED');
    expectNoGraphQLErrors(await login(email));
  });

  describe('password-reset links', () => {
    const requestReset = async (email: string) => expectNoGraphQLErrors(await t.gql(REQUEST_RESET, { variables: { input: { email } } }));
    /** The token of the `nth` reset mail to `email` (1 = the first). */
    const resetLink = async (email: string, nth: number) => tokenFrom((await mailsTo(email, /reset-password\?token=/, nth))[nth - 1]!.text);
    const reset = (token: string, newPassword: string) => t.gql(RESET, { variables: { input: { token, newPassword } } });

    it('refuses an older link once a newer one was used', async () => {
      const { email } = await confirmedUser();
      await requestReset(email);
      const older = await resetLink(email, 1);
      await requestReset(email);
      const newer = await resetLink(email, 2);
      expectNoGraphQLErrors(await reset(newer, 'Новий-пароль-77'));
      expectErrorCode(await reset(older, 'Пароль-зловмисника-13'), 'INVALID_TOKEN');
      expectErrorCode(await login(email, 'Пароль-зловмисника-13'), 'INVALID_CREDENTIALS');
      expectNoGraphQLErrors(await login(email, 'Новий-пароль-77'));
    });

    it('lets an older link work while no other was used (mail arrives late), then refuses the newer', async () => {
      const { email } = await confirmedUser();
      await requestReset(email);
      const older = await resetLink(email, 1);
      await requestReset(email);
      const newer = await resetLink(email, 2);
      expectNoGraphQLErrors(await reset(older, 'Новий-пароль-77'));
      expectErrorCode(await reset(newer, 'Пароль-зловмисника-13'), 'INVALID_TOKEN');
      expectNoGraphQLErrors(await login(email, 'Новий-пароль-77'));
    });

    it('lets only one of two links used at the same moment set the password', async () => {
      const { email } = await confirmedUser();
      await requestReset(email);
      const first = await resetLink(email, 1);
      await requestReset(email);
      const second = await resetLink(email, 2);
      const [one, other] = await Promise.all([reset(first, 'Перший-новий-11'), reset(second, 'Другий-новий-22')]);
      expect([...errorCodes(one), ...errorCodes(other)]).toEqual(['INVALID_TOKEN']);
      const winner = one.errors ? 'Другий-новий-22' : 'Перший-новий-11';
      expectNoGraphQLErrors(await login(email, winner));
    });

    it('refuses a link once the password was changed', async () => {
      const { email, session } = await confirmedUser();
      await requestReset(email);
      const link = await resetLink(email, 1);
      expectNoGraphQLErrors(
        await t.gql(CHANGE_PASSWORD, { token: session.accessToken, variables: { input: { currentPassword: password, newPassword: 'Інший-пароль-5' } } }),
      );
      expectErrorCode(await reset(link, 'Пароль-зловмисника-13'), 'INVALID_TOKEN');
      expectErrorCode(await login(email, 'Пароль-зловмисника-13'), 'INVALID_CREDENTIALS');
      expectNoGraphQLErrors(await login(email, 'Інший-пароль-5'));
    });

    it('refuses a link once the login was deactivated', async () => {
      const { email, session } = await confirmedUser();
      await requestReset(email);
      const link = await resetLink(email, 1);
      expectNoGraphQLErrors(await t.gql(DEACTIVATE, { token: session.accessToken, variables: { input: { password } } }));
      expectErrorCode(await reset(link, 'Пароль-зловмисника-13'), 'INVALID_TOKEN');
      const [user] = await t.stack.database.db.select().from(users).where(eq(users.email, email));
      expect(await passwordMatches(user!.passwordHash, password)).toBe(true);
    });
  });

  it('changes the password only with the current one', async () => {
    const { email, session } = await confirmedUser();
    const token = session.accessToken;
    expectErrorCode(await t.gql(CHANGE_PASSWORD, { token, variables: { input: { currentPassword: 'nope-nope-1', newPassword: 'Інший-пароль-5' } } }), 'INVALID_CREDENTIALS');
    expectErrorCode(await t.gql(CHANGE_PASSWORD, { token, variables: { input: { currentPassword: password, newPassword: 'weak' } } }), 'WEAK_PASSWORD');
    expect(t.mailbox.messages.filter((mail) => mail.to.includes(email) && /пароль змінено/.test(mail.subject))).toEqual([]);
    expectNoGraphQLErrors(await t.gql(CHANGE_PASSWORD, { token, variables: { input: { currentPassword: password, newPassword: 'Інший-пароль-5' } } }));
    expect((await mailsTo(email, /щойно змінено/, 1))[0]!.subject).toBe('Kabinet: пароль змінено');
    expectErrorCode(await login(email), 'INVALID_CREDENTIALS');
    expectNoGraphQLErrors(await login(email, 'Інший-пароль-5'));
    // Other sessions ended.
    expectErrorCode(await t.gql(REFRESH, { variables: { input: { refreshToken: session.refreshToken } } }), 'INVALID_TOKEN');
  });

  it('updates the profile; a new email is used only once confirmed', async () => {
    const { email, session } = await confirmedUser();
    const token = session.accessToken;
    const newEmail = uniqueEmail();
    expectErrorCode(await t.gql(UPDATE_PROFILE, { token, variables: { input: { phone: '12' } } }), 'BAD_USER_INPUT');
    // A session alone moves no login to another mailbox: the current password, and the right one.
    expectErrorCode(await t.gql(UPDATE_PROFILE, { token, variables: { input: { email: newEmail } } }), 'PASSWORD_REQUIRED');
    expectErrorCode(await t.gql(UPDATE_PROFILE, { token, variables: { input: { email: newEmail, currentPassword: 'not-my-pass-1' } } }), 'INVALID_CREDENTIALS');
    expect(t.mailbox.messages.some((mail) => mail.to.includes(newEmail))).toBe(false);
    // Another login's address: answered as any other, never confirmed; the owner gets a notice, no link.
    const taken = expectNoGraphQLErrors(await t.gql(UPDATE_PROFILE, { token, variables: { input: { email: demoUsers.demo.email.toUpperCase(), currentPassword: password } } })).updateProfile.user;
    expect(taken).toMatchObject({ email, pendingEmail: demoUsers.demo.email });
    const notice = await t.mailbox.waitFor(demoUsers.demo.email, (mail) => /використати вашу адресу/.test(mail.subject));
    expect(notice.text).not.toMatch(/confirm-email/);
    const updated = expectNoGraphQLErrors(
      await t.gql(UPDATE_PROFILE, { token, variables: { input: { phone: '+380 50 123 45 67', displayName: 'Олена Нова', email: newEmail, currentPassword: password } } }),
    ).updateProfile.user;
    expect(updated).toEqual({ email, pendingEmail: newEmail, phone: '+380501234567', displayName: 'Олена Нова' });
    // A number as it is written at home is the same number.
    expect(expectNoGraphQLErrors(await t.gql(UPDATE_PROFILE, { token, variables: { input: { phone: '067 123 45 67' } } })).updateProfile.user.phone).toBe('+380671234567');
    expect(expectNoGraphQLErrors(await t.gql(UPDATE_PROFILE, { token, variables: { input: { phone: '' } } })).updateProfile.user.phone).toBeNull();
    expectNoGraphQLErrors(await login(email));

    const mail = await t.mailbox.waitFor(newEmail);
    const confirmed = expectNoGraphQLErrors(await t.gql(CONFIRM, { variables: { input: { token: tokenFrom(mail.text) } } })).confirmEmail.user;
    expect(confirmed).toEqual({ email: newEmail, emailConfirmed: true, pendingEmail: null });
    expectErrorCode(await login(email), 'INVALID_CREDENTIALS');
    expectNoGraphQLErrors(await login(newEmail));
    // The old address hears of the move, naming the new one; the login's first confirmation told it nothing.
    const moved = await mailsTo(email, /адресу вашого входу до Kabinet змінено/, 1);
    expect(moved[0]!.subject).toBe('Kabinet: адресу входу змінено');
    expect(moved[0]!.text).toContain(`з ${email} на ${newEmail}`);
    expect(t.mailbox.messages.filter((mail) => /адресу входу змінено/.test(mail.subject) && [email, newEmail].some((address) => mail.to.includes(address))).map((mail) => mail.to)).toEqual([[email]]);
  });

  it('deactivates with the password; the login can no longer log in and an event is recorded', async () => {
    const { email, session } = await confirmedUser();
    const token = session.accessToken;
    expectErrorCode(await t.gql(DEACTIVATE, { token, variables: { input: { password: 'wrong-pass-9' } } }), 'INVALID_CREDENTIALS');
    expectNoGraphQLErrors(await login(email));
    expectNoGraphQLErrors(await t.gql(DEACTIVATE, { token, variables: { input: { password } } }));
    expectErrorCode(await login(email), 'ACCOUNT_DEACTIVATED');
    expectErrorCode(await t.gql(REFRESH, { variables: { input: { refreshToken: session.refreshToken } } }), 'INVALID_TOKEN');
    const events = await t.stack.database.db.select().from(outbox);
    expect(events.some((event) => (event.payload as { userId: string }).userId === session.user.id)).toBe(true);

    const mail = await t.mailbox.waitFor(email, (candidate) => /деактив/i.test(candidate.subject));
    expect(mail.text).toContain(email);
    expect(mail.text).toMatch(/вхід .*деактивовано/i);
    expect(mail.text).toMatch(/рахунки.*звільнено/i);
    expect(mail.text).toMatch(/якщо це зробили не ви/i);
    expect(mail.text).not.toContain('token=');
  });

  it('requires a login for me and for account changes', async () => {
    expectErrorCode(await t.gql(ME), 'UNAUTHENTICATED');
    expectErrorCode(await t.gql(DEACTIVATE, { variables: { input: { password } } }), 'UNAUTHENTICATED');
  });

  it('limits login attempts per email, and an aliased batch cannot get past the first failure', async () => {
    const email = uniqueEmail();
    const attempts = Array.from({ length: 12 }, (_, i) => `a${i}: login(input: { email: "${email}", password: "wrong-pass-1" }) { accessToken }`);
    // \`login\` is non-null: the first failed attempt ends the whole mutation, so a batch tries once.
    expect(errorCodes(await t.gql(`mutation { ${attempts.join('\n')} }`))).toEqual(['INVALID_CREDENTIALS']);
    for (let attempt = 2; attempt <= 10; attempt += 1) expectErrorCode(await login(email, 'wrong-pass-1'), 'INVALID_CREDENTIALS');
    const limited = expectErrorCode(await login(email, 'wrong-pass-1'), 'RATE_LIMITED');
    expect(limited.extensions?.retryAfterSeconds).toBeGreaterThan(0);
  });
});
