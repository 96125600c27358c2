import { revokedSessionsPath, secretsMatch, sessionsSecret, sessionsSecretHeader, type RevocationsSource } from '@kabinet/auth';
import type { Database } from '@kabinet/db';
import { parseInstant } from '@kabinet/input';
import { and, gt, isNotNull, max } from 'drizzle-orm';
import type { Express } from 'express';
import { refreshTokens } from './db/schema';

/**
 * Sessions (refresh-token families) ended since `since`, or within the last access-token
 * lifetime: what every service refuses tokens of. A session ends when its family is revoked
 * (logout, a reused refresh token) or all of a login's are (password changed or reset, deactivation).
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
    return { asOf, sessions: rows.map((row) => ({ sessionId: row.sessionId, revokedAt: row.revokedAt! })) };
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
