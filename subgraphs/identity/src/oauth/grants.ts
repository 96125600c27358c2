import type { Database, Transaction } from '@kabinet/db';
import { and, asc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { oauthArtifacts, oauthClients, oauthGrants } from '../db/schema';

export interface AuthorizedAppRow {
  clientId: string;
  name: string;
  scopes: string[];
  /** When the customer first allowed it (of the consents still in force). */
  grantedAt: Date;
}

/** The apps a customer has allowed and not revoked, one entry per app, its scopes merged. */
export async function authorizedApps(db: Database, userId: string, now = new Date()): Promise<AuthorizedAppRow[]> {
  const rows = await db
    .select({ clientId: oauthGrants.clientId, name: oauthClients.name, scopes: oauthGrants.scopes, grantedAt: oauthGrants.grantedAt })
    .from(oauthGrants)
    .innerJoin(oauthClients, eq(oauthClients.clientId, oauthGrants.clientId))
    .where(and(eq(oauthGrants.userId, userId), isNull(oauthGrants.revokedAt), gt(oauthGrants.expiresAt, now)))
    .orderBy(asc(oauthGrants.grantedAt));
  const apps = new Map<string, AuthorizedAppRow>();
  for (const row of rows) {
    const app = apps.get(row.clientId) ?? { clientId: row.clientId, name: row.name, scopes: [], grantedAt: row.grantedAt };
    app.scopes = [...new Set([...app.scopes, ...row.scopes])];
    apps.set(row.clientId, app);
  }
  return [...apps.values()];
}

/** Records (or widens) a customer's consent, in step with the oidc-provider grant of the same id. */
export async function recordGrant(db: Database, grant: { grantId: string; userId: string; clientId: string; scopes: string[]; expiresAt: Date }) {
  await db
    .insert(oauthGrants)
    .values(grant)
    .onConflictDoUpdate({ target: oauthGrants.grantId, set: { scopes: grant.scopes, expiresAt: grant.expiresAt } });
}

/**
 * Ends a customer's consents (to one app, or to all): their codes and refresh tokens are deleted
 * at once, and the grant ids join the ended sessions, so access tokens (whose `sid` is the grant
 * id) are refused everywhere within the session check interval. Ending all also ends the
 * customer's browser login at the authorization server. Gives the grant ids ended.
 */
export async function endGrants(tx: Transaction | Database, userId: string, clientId?: string): Promise<string[]> {
  const ended = await tx
    .update(oauthGrants)
    .set({ revokedAt: new Date() })
    .where(and(eq(oauthGrants.userId, userId), isNull(oauthGrants.revokedAt), clientId ? eq(oauthGrants.clientId, clientId) : undefined))
    .returning({ grantId: oauthGrants.grantId });
  const grantIds = ended.map((row) => row.grantId);
  if (grantIds.length) {
    await tx
      .delete(oauthArtifacts)
      .where(or(inArray(oauthArtifacts.grantId, grantIds), and(eq(oauthArtifacts.kind, 'Grant'), inArray(oauthArtifacts.id, grantIds))));
  }
  if (!clientId) {
    await tx.delete(oauthArtifacts).where(and(eq(oauthArtifacts.kind, 'Session'), sql`${oauthArtifacts.payload}->>'accountId' = ${userId}`));
  }
  return grantIds;
}

/**
 * Ends one grant by its id, whoever holds it: the customer's record is marked revoked (its access
 * tokens, whose `sid` is the grant id, are then refused) and oidc-provider's codes, refresh
 * tokens and the grant itself are deleted. Used when oidc-provider ends a grant (a partner
 * revoking its refresh token, a spent code or refresh token used again) and when our adapter
 * catches two uses of one token at the same moment.
 */
export async function endGrant(db: Database, grantId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(oauthGrants).set({ revokedAt: new Date() }).where(and(eq(oauthGrants.grantId, grantId), isNull(oauthGrants.revokedAt)));
    await tx.delete(oauthArtifacts).where(or(eq(oauthArtifacts.grantId, grantId), and(eq(oauthArtifacts.kind, 'Grant'), eq(oauthArtifacts.id, grantId))));
  });
}
