import { signAccessToken, type TokenKeys, type Viewer } from '@kabinet/auth';
import type { Config, Logger } from '@kabinet/config';
import { isUniqueViolation, type Database, type Transaction } from '@kabinet/db';
import { badInput, commonMessages, DomainError, unauthenticated } from '@kabinet/errors';
import { publishEvent } from '@kabinet/events';
import { phoneInput } from '@kabinet/input/phone';
import type { Mailer } from '@kabinet/mail';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { emailTokens, outbox, refreshTokens, users } from '../db/schema';
import { messages } from '../messages';
import { authorizedApps, endGrants } from '../oauth/grants';
import { addressChangedMail, addressClaimMail, confirmationMail, deactivationMail, passwordChangedMail, passwordResetMail, registrationAttemptMail } from '../mails';
import { assertStrongPassword, decoyHash, hashPassword, passwordMatches } from '../passwords';
import type { RateLimits } from '../rate-limits';
import { emailPattern, hashSecretToken, newSecretToken, normalizeEmail } from '../secrets';

export type UserRow = typeof users.$inferSelect;
type EmailTokenPurpose = 'confirm_email' | 'reset_password';

export interface Session {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  user: UserRow;
}

const confirmationTtlMs = 48 * 3600 * 1000;
const resetTtlMs = 3600 * 1000;

const invalidCredentials = () => new DomainError('INVALID_CREDENTIALS', messages.invalidCredentials());
const invalidToken = () => new DomainError('INVALID_TOKEN', messages.invalidToken());
const expiredToken = () => new DomainError('TOKEN_EXPIRED', messages.expiredToken());

function validEmail(raw: string): string {
  const email = normalizeEmail(raw);
  if (!emailPattern.test(email) || email.length > 254) throw badInput(commonMessages.invalidEmail, { field: 'email' });
  return email;
}

function validDisplayName(raw: string): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > 100) throw badInput(messages.displayNameLength(), { field: 'displayName' });
  return name;
}

export interface IdentityDependencies {
  db: Database;
  config: Config;
  tokenKeys: TokenKeys;
  mailer: Mailer;
  limits: RateLimits;
  logger: Logger;
  /** Delivers published events after commit. */
  events: { nudge(): void };
}

/** Logins, sessions and profile: everything identity decides. */
export function createIdentityService({ db, config, tokenKeys, mailer, limits, logger, events }: IdentityDependencies) {
  const link = (path: string, token: string) => new URL(`${path}?token=${token}`, config.mail.appUrl).toString();

  async function userByEmail(email: string) {
    const [user] = await db.select().from(users).where(eq(users.email, email));
    return user ?? null;
  }

  // Every request of a login reads it (`me`): the statement is built once.
  const userByIdStatement = db
    .select()
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .prepare('user_by_id');

  // BEWARE: inside a transaction pass `tx`: PGlite has one connection, and a query on `db`
  // would wait for the transaction forever.
  async function userById(id: string, executor: Transaction | Database = db) {
    const [user] = executor === db ? await userByIdStatement.execute({ id }) : await executor.select().from(users).where(eq(users.id, id));
    return user ?? null;
  }

  /** `registration`: the password and name a registration link sets when it is used. */
  async function createEmailToken(
    tx: Transaction | Database,
    userId: string,
    purpose: EmailTokenPurpose,
    email: string,
    ttlMs: number,
    registration?: { passwordHash: string; displayName: string },
  ) {
    const { token, hash } = newSecretToken();
    await tx.insert(emailTokens).values({ userId, purpose, tokenHash: hash, email, expiresAt: new Date(Date.now() + ttlMs), ...registration });
    return token;
  }

  /** The login's unused links stop working: those of one purpose, or all of them. */
  const endEmailTokens = (tx: Transaction, userId: string, purpose?: EmailTokenPurpose) =>
    tx
      .update(emailTokens)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(emailTokens.userId, userId),
          isNull(emailTokens.usedAt),
          isNull(emailTokens.revokedAt),
          purpose ? eq(emailTokens.purpose, purpose) : undefined,
        ),
      );

  /**
   * Marks a mailed token used, atomically; an expired one is refused and stays unused. The
   * login's row is locked first, so that of two of its links used at once the second waits and
   * finds itself ended by the first.
   */
  async function useEmailToken(tx: Transaction, token: string, purpose: EmailTokenPurpose) {
    const tokenHash = hashSecretToken(token);
    const [owner] = await tx.select({ userId: emailTokens.userId }).from(emailTokens).where(eq(emailTokens.tokenHash, tokenHash));
    if (!owner) throw invalidToken();
    await tx.select({ id: users.id }).from(users).where(eq(users.id, owner.userId)).for('update');
    const [row] = await tx
      .update(emailTokens)
      .set({ usedAt: new Date() })
      .where(and(eq(emailTokens.tokenHash, tokenHash), eq(emailTokens.purpose, purpose), isNull(emailTokens.usedAt), isNull(emailTokens.revokedAt)))
      .returning();
    if (!row) throw invalidToken();
    if (row.expiresAt.getTime() <= Date.now()) throw expiredToken();
    return row;
  }

  async function issueSession(tx: Transaction | Database, user: UserRow, familyId: string = crypto.randomUUID()): Promise<Session> {
    const refresh = newSecretToken();
    const refreshTokenExpiresAt = new Date(Date.now() + config.auth.refreshTokenTtlSeconds * 1000);
    await tx.insert(refreshTokens).values({ familyId, userId: user.id, tokenHash: refresh.hash, expiresAt: refreshTokenExpiresAt });
    const viewer: Viewer = {
      userId: user.id,
      role: user.role as Viewer['role'],
      sessionId: familyId,
      supplierIds: user.supplierIds.length ? user.supplierIds : undefined,
      email: user.email,
    };
    return {
      accessToken: await signAccessToken(tokenKeys, viewer),
      accessTokenExpiresAt: new Date(Date.now() + tokenKeys.accessTokenTtlSeconds * 1000),
      refreshToken: refresh.token,
      refreshTokenExpiresAt,
      user,
    };
  }

  const revokeAll = (tx: Transaction | Database, userId: string) =>
    tx.update(refreshTokens).set({ revokedAt: new Date() }).where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));

  const revokeFamily = (tx: Transaction | Database, familyId: string) =>
    tx.update(refreshTokens).set({ revokedAt: new Date() }).where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));

  /** The one way a password changes: every session, app consent and unused reset link end with the old one. */
  async function replacePassword(tx: Transaction, userId: string, passwordHash: string) {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
    await endEmailTokens(tx, userId, 'reset_password');
    await revokeAll(tx, userId);
    await endGrants(tx, userId);
  }

  function sendInBackground(send: Promise<void>) {
    send.catch((error) => logger.error({ err: error }, 'mail not sent'));
  }

  /** After the commit, and not awaited: a notice that fails must not look like a failed change. */
  function tellPasswordChanged(user: UserRow) {
    sendInBackground(mailer.send(passwordChangedMail(user.email, user.displayName, new URL('/reset-password', config.mail.appUrl).toString())));
  }

  async function requireUser(viewer: Viewer) {
    const user = await userById(viewer.userId);
    if (!user || user.deactivatedAt) throw unauthenticated(messages.loginGone());
    return user;
  }

  /**
   * The login whose email and password these are, if it may log in (its email confirmed, not
   * deactivated), counted against the lockouts: the `login` mutation and the OAuth login page.
   */
  async function authenticate(input: { email: string; password: string }, clientIp: string): Promise<UserRow> {
    const email = normalizeEmail(input.email);
    // Counted before the password is checked, so that guesses sent at once all count; given back
    // when it was right: only wrong passwords lock a login (or an address) out, never a household
    // logging in from its phone, its browser and its bank's app. A success gives back only the
    // attempt it took itself: an attacker's own logins never wipe out the guesses it made.
    await limits.consume('loginByIp', clientIp);
    await limits.consume('loginByEmail', email);
    const user = await userByEmail(email);
    const matches = await passwordMatches(user?.passwordHash ?? decoyHash, input.password);
    if (!user || !matches) throw invalidCredentials();
    await Promise.all([limits.refund('loginByIp', clientIp, 1), limits.refund('loginByEmail', email, 1)]);
    // Told only to someone who knows the password.
    if (user.deactivatedAt) throw new DomainError('ACCOUNT_DEACTIVATED', messages.deactivated());
    if (!user.emailConfirmedAt) {
      throw new DomainError('EMAIL_NOT_CONFIRMED', messages.emailNotConfirmed());
    }
    return user;
  }

  return {
    userById,


    /**
     * Answers alike whether or not the address has a login, so that it never tells: a new or
     * unconfirmed login is mailed a confirmation link (whose use sets the password and name sent
     * now), a login that exists is mailed a notice.
     */
    async register(input: { email: string; password: string; displayName: string }): Promise<{ email: string }> {
      const email = validEmail(input.email);
      const displayName = validDisplayName(input.displayName);
      assertStrongPassword(input.password, email);
      // Hashed for a registered address too, so that it takes as long to answer.
      const passwordHash = await hashPassword(input.password);
      const mail = await db.transaction(async (tx) => {
        const [created] = await tx.insert(users).values({ email, displayName, passwordHash }).onConflictDoNothing({ target: users.email }).returning();
        const user = created ?? (await tx.select().from(users).where(eq(users.email, email)).for('update'))[0]!;
        if (user.emailConfirmedAt || user.deactivatedAt) {
          return registrationAttemptMail(email, user.displayName, {
            deactivated: user.deactivatedAt !== null,
            resetPageUrl: new URL('/reset-password', config.mail.appUrl).toString(),
          });
        }
        // Only the newest registration's link works: a password sent earlier (by anyone) never applies.
        await endEmailTokens(tx, user.id, 'confirm_email');
        const token = await createEmailToken(tx, user.id, 'confirm_email', email, confirmationTtlMs, { passwordHash, displayName });
        return confirmationMail(email, displayName, link('/confirm-email', token));
      });
      // Not awaited: whether a mail goes out (or fails) must not show in the answer or its timing.
      sendInBackground(mailer.send(mail));
      return { email };
    },

    async confirmEmail(token: string) {
      const { user, before } = await db
        .transaction(async (tx) => {
          const row = await useEmailToken(tx, token, 'confirm_email');
          const [before] = await tx.select({ email: users.email, emailConfirmedAt: users.emailConfirmedAt }).from(users).where(eq(users.id, row.userId)).for('update');
          if (row.passwordHash) await replacePassword(tx, row.userId, row.passwordHash);
          const [user] = await tx
            .update(users)
            .set({
              email: row.email!,
              emailConfirmedAt: new Date(),
              pendingEmail: sql`case when ${users.pendingEmail} = ${row.email} then null else ${users.pendingEmail} end`,
              ...(row.displayName ? { displayName: row.displayName } : {}),
            })
            .where(eq(users.id, row.userId))
            .returning();
          return { user: user!, before: before! };
        })
        .catch((error: unknown) => {
          if (isUniqueViolation(error)) throw new DomainError('EMAIL_TAKEN', messages.emailTakenMeanwhile(), { field: 'email' });
          throw error;
        });
      // A confirmed address moved to another: its owner hears of it there, the last place they still can.
      if (before.emailConfirmedAt && before.email !== user.email) sendInBackground(mailer.send(addressChangedMail(before.email, user.displayName, user.email)));
      return user;
    },

    authenticate,

    async login(input: { email: string; password: string }, clientIp: string): Promise<Session> {
      return issueSession(db, await authenticate(input, clientIp));
    },

    async refreshSession(token: string): Promise<Session> {
      const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hashSecretToken(token)));
      if (!row || row.revokedAt) throw invalidToken();
      if (row.expiresAt.getTime() <= Date.now()) throw expiredToken();
      const reused = async () => {
        // A rotated token used again means it leaked: end the whole session everywhere.
        await revokeFamily(db, row.familyId);
        return new DomainError('REFRESH_TOKEN_REUSED', messages.refreshTokenReused());
      };
      if (row.rotatedAt) throw await reused();
      const session = await db.transaction(async (tx) => {
        const [rotated] = await tx
          .update(refreshTokens)
          .set({ rotatedAt: new Date() })
          .where(and(eq(refreshTokens.id, row.id), isNull(refreshTokens.rotatedAt), isNull(refreshTokens.revokedAt)))
          .returning();
        // Lost a race with another use of the same token: treated as reuse, after this transaction.
        if (!rotated) return null;
        const user = await userById(row.userId, tx);
        if (!user || user.deactivatedAt) throw new DomainError('ACCOUNT_DEACTIVATED', messages.deactivated());
        return issueSession(tx, user, row.familyId);
      });
      if (!session) throw await reused();
      return session;
    },

    async logout(token: string) {
      const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hashSecretToken(token)));
      if (row) await revokeFamily(db, row.familyId);
    },

    async requestPasswordReset(rawEmail: string, clientIp: string) {
      const email = normalizeEmail(rawEmail);
      await limits.consume('resetByIp', clientIp);
      await limits.consume('resetByEmail', email);
      const user = await userByEmail(email);
      if (!user || user.deactivatedAt) return;
      const token = await createEmailToken(db, user.id, 'reset_password', email, resetTtlMs);
      // Not awaited: the answer must not take longer for an existing email than for an unknown one.
      sendInBackground(mailer.send(passwordResetMail(email, user.displayName, link('/reset-password', token))));
    },

    async resetPassword(token: string, newPassword: string) {
      const user = await db.transaction(async (tx) => {
        const row = await useEmailToken(tx, token, 'reset_password');
        const [user] = await tx.select().from(users).where(eq(users.id, row.userId));
        assertStrongPassword(newPassword, user!.email);
        await replacePassword(tx, row.userId, await hashPassword(newPassword));
        return user!;
      });
      tellPasswordChanged(user);
    },

    async changePassword(viewer: Viewer, currentPassword: string, newPassword: string): Promise<Session> {
      const user = await requireUser(viewer);
      if (!(await passwordMatches(user.passwordHash, currentPassword))) throw invalidCredentials();
      assertStrongPassword(newPassword, user.email);
      const passwordHash = await hashPassword(newPassword);
      const session = await db.transaction(async (tx) => {
        await replacePassword(tx, user.id, passwordHash);
        return issueSession(tx, user);
      });
      tellPasswordChanged(user);
      return session;
    },

    async updateProfile(viewer: Viewer, input: { displayName?: string | null; phone?: string | null; email?: string | null; currentPassword?: string | null }) {
      const user = await requireUser(viewer);
      const changes: Partial<UserRow> = {};
      if (input.displayName != null) changes.displayName = validDisplayName(input.displayName);
      if (input.phone !== undefined) changes.phone = phoneInput(input.phone);
      const newEmail = input.email != null ? validEmail(input.email) : null;
      const emailChanges = newEmail !== null && newEmail !== user.email;
      if (emailChanges) {
        if (!input.currentPassword) throw new DomainError('PASSWORD_REQUIRED', messages.passwordRequiredForEmail(), { field: 'currentPassword' });
        if (!(await passwordMatches(user.passwordHash, input.currentPassword))) throw invalidCredentials();
      }
      // An address another login has answers as any other (so that the answer never tells whether
      // an address is registered): it waits as pending, but only its owner hears of it, by a notice.
      const owner = emailChanges ? await userByEmail(newEmail) : undefined;
      if (emailChanges) changes.pendingEmail = newEmail;
      const { updated, token } = await db.transaction(async (tx) => {
        const [updated] = Object.keys(changes).length
          ? await tx.update(users).set(changes).where(eq(users.id, user.id)).returning()
          : [user];
        const token = emailChanges && !owner ? await createEmailToken(tx, user.id, 'confirm_email', newEmail, confirmationTtlMs) : null;
        return { updated: updated!, token };
      });
      if (token) await mailer.send(confirmationMail(newEmail!, updated.displayName, link('/confirm-email', token)));
      if (owner) await mailer.send(addressClaimMail(newEmail!, owner.displayName));
      return updated;
    },

    async deactivate(viewer: Viewer, password: string) {
      const user = await requireUser(viewer);
      if (!(await passwordMatches(user.passwordHash, password))) throw invalidCredentials();
      await db.transaction(async (tx) => {
        await tx.update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, user.id));
        await revokeAll(tx, user.id);
        await endGrants(tx, user.id);
        await endEmailTokens(tx, user.id);
        // Utility subgraphs release this login's accounts when they consume the event.
        await publishEvent(tx, outbox, { topic: 'identity.user.deactivated', payload: { userId: user.id }, destinations: ['electricity', 'heat'] });
      });
      events.nudge();
      // After the commit, and not awaited: a mail that fails must not look like a failed deactivation.
      sendInBackground(mailer.send(deactivationMail(user.email, user.displayName)));
    },

    me: requireUser,

    /** The apps this customer has allowed to act for them, and what each may do. */
    authorizedApps: (user: UserRow) => authorizedApps(db, user.id),

    /** Ends this customer's consent to an app: its tokens stop working everywhere. */
    async revokeAppAuthorization(viewer: Viewer, clientId: string) {
      const user = await requireUser(viewer);
      await db.transaction(async (tx) => {
        const ended = await endGrants(tx, user.id, clientId);
        if (!ended.length) throw new DomainError('APP_NOT_AUTHORIZED', messages.appNotAuthorized(), { clientId });
      });
    },
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
