import { revokedSessionsPath, secretsMatch, sessionsSecret, sessionsSecretHeader, type RevocationsSource } from '@kabinet/auth';
import type { Database } from '@kabinet/db';
import { parseInstant } from '@kabinet/input';
import { and, gt, isNotNull, max } from 'drizzle-orm';
import type { Express } from 'express';
import { oauthGrants, refreshTokens } from './db/schema';

/**
 * Sessions (refresh-token families) ended since `since`, or within the last access-token
 * lifetime: what every service refuses tokens of. A session ends when its family is revoked
 * (logout, a reused refresh token) or all of a login's are (password changed or reset, deactivation),
 * and a partner's access ends with its grant.
 */
export function revokedSessionsSource(db: Database, accessTokenTtlSeconds: number): RevocationsSource {
  return async (since) => {
    const asOf = new Date();
    const from = since ?? new Date(asOf.getTime() - accessTokenTtlSeconds * 1000);
    const rows = await db
      .select({ sessionId: refreshTokens.familyId, revokedAt: max(refreshTokens.revokedAt) })
      .from(refreshTokens)
      .where(and(isNotNull(refreshTokens.revokedAt), gt(refreshTokens.revokedAt, from)))
      .groupBy(refreshTokens.familyId);
    // A delegated token's session is its grant: revoked by the customer, a password change or reset, deactivation.
    const grants = await db
      .select({ sessionId: oauthGrants.grantId, revokedAt: oauthGrants.revokedAt })
      .from(oauthGrants)
      .where(and(isNotNull(oauthGrants.revokedAt), gt(oauthGrants.revokedAt, from)));
    return { asOf, sessions: [...rows, ...grants].map((row) => ({ sessionId: row.sessionId, revokedAt: row.revokedAt! })) };
  };
}

/** What the gateway and the other subgraphs poll (`httpRevocationsSource`), behind its own derived secret. */
export function revokedSessionsRoute(app: Express, source: RevocationsSource, masterSecret: string): void {
  const secret = sessionsSecret(masterSecret);
  app.get(revokedSessionsPath, async (req, res, next) => {
    if (!secretsMatch(secret, req.get(sessionsSecretHeader))) {
      res.status(403).json({ errors: [{ message: 'Forbidden', extensions: { code: 'FORBIDDEN' } }] });
      return;
    }
    const since = typeof req.query.since === 'string' ? parseInstant(req.query.since) : null;
    if (req.query.since !== undefined && !since) {
      res.status(400).json({ errors: [{ message: 'since must be an ISO 8601 instant', extensions: { code: 'BAD_USER_INPUT' } }] });
      return;
    }
    try {
      const page = await source(since);
      res.set('cache-control', 'no-store').json({
        asOf: page.asOf.toISOString(),
        sessions: page.sessions.map(({ sessionId, revokedAt }) => ({ sessionId, revokedAt: revokedAt.toISOString() })),
      });
    } catch (error) {
      next(error);
    }
  });
}
