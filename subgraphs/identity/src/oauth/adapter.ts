import { createHash } from 'node:crypto';
import type { Database } from '@kabinet/db';
import { stringProblem } from '@kabinet/input';
import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { oauthArtifacts } from '../db/schema';
import { clientMetadata, findClient } from './clients';
import { endGrant } from './grants';
import { loadOidcProvider } from './oidc';

/**
 * Models whose id is the secret itself (what the partner holds): stored under its SHA-256, and
 * without `jti`, so that the table never holds a working code or refresh token.
 */
const secretKinds = new Set(['AuthorizationCode', 'RefreshToken', 'AccessToken', 'ClientCredentials', 'DeviceCode', 'BackchannelAuthenticationRequest']);

const storageIdOf = (kind: string, id: string) => (secretKinds.has(kind) ? createHash('sha256').update(id).digest('base64url') : id);

const notExpired = () => or(isNull(oauthArtifacts.expiresAt), gt(oauthArtifacts.expiresAt, new Date()));

/**
 * oidc-provider's storage over one drizzle table (`oauth_artifacts`), for PGlite and PostgreSQL
 * alike. Registered clients come from `oauth_clients` instead: they are ours, not its.
 */
export function drizzleAdapter(db: Database) {
  return class DrizzleAdapter implements Adapter {
    constructor(private readonly kind: string) {}

    private where(id: string) {
      return and(eq(oauthArtifacts.kind, this.kind), eq(oauthArtifacts.id, storageIdOf(this.kind, id)));
    }

    private loaded(row: typeof oauthArtifacts.$inferSelect | undefined, id?: string): AdapterPayload | undefined {
      if (!row) return undefined;
      return {
        ...row.payload,
        ...(secretKinds.has(this.kind) && id ? { jti: id } : {}),
        ...(row.consumedAt ? { consumed: Math.floor(row.consumedAt.getTime() / 1000) } : {}),
      } as AdapterPayload;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const { jti: _secret, ...stored } = payload;
      const values = {
        kind: this.kind,
        id: storageIdOf(this.kind, id),
        payload: (secretKinds.has(this.kind) ? stored : payload) as Record<string, unknown>,
        grantId: payload.grantId ?? null,
        uid: payload.uid ?? null,
        userCode: payload.userCode ?? null,
        expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
      };
      await db
        .insert(oauthArtifacts)
        .values(values)
        .onConflictDoUpdate({ target: [oauthArtifacts.kind, oauthArtifacts.id], set: { ...values, consumedAt: null } });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      // From a request body oidc-provider parsed itself (a client id, a code, a token): a text
      // PostgreSQL refuses (NUL) is no stored artifact, and never goes to the database.
      if (stringProblem(id)) return undefined;
      if (this.kind === 'Client') {
        const client = await findClient(db, id);
        return client ? (clientMetadata(client) as AdapterPayload) : undefined;
      }
      const [row] = await db.select().from(oauthArtifacts).where(and(this.where(id), notExpired()));
      return this.loaded(row, id);
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      if (stringProblem(uid)) return undefined;
      const [row] = await db
        .select()
        .from(oauthArtifacts)
        .where(and(eq(oauthArtifacts.kind, this.kind), eq(oauthArtifacts.uid, uid), notExpired()));
      return this.loaded(row);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      if (stringProblem(userCode)) return undefined;
      const [row] = await db
        .select()
        .from(oauthArtifacts)
        .where(and(eq(oauthArtifacts.kind, this.kind), eq(oauthArtifacts.userCode, userCode), notExpired()));
      return this.loaded(row);
    }

    /**
     * oidc-provider checks `consumed` on what it loaded, then consumes later, with awaits in
     * between: two requests with one code or refresh token (a thief and the app) would both pass.
     * Only the request whose update finds the row unconsumed goes on; any other means the token
     * was used twice, so the grant ends (as oidc-provider does on a reuse it sees) and the
     * request gets `invalid_grant`.
     */
    async consume(id: string): Promise<void> {
      const consumed = await db
        .update(oauthArtifacts)
        .set({ consumedAt: new Date() })
        .where(and(this.where(id), isNull(oauthArtifacts.consumedAt)))
        .returning({ grantId: oauthArtifacts.grantId });
      if (consumed.length) return;
      const [spent] = await db.select({ grantId: oauthArtifacts.grantId }).from(oauthArtifacts).where(this.where(id));
      if (spent?.grantId) await endGrant(db, spent.grantId);
      const { errors } = await loadOidcProvider();
      throw new errors.InvalidGrant(`${this.kind === 'AuthorizationCode' ? 'authorization code' : 'token'} already used`);
    }

    /** A grant oidc-provider destroys (its revocation of one) ends in the customer's record too, before it answers. */
    async destroy(id: string): Promise<void> {
      if (this.kind === 'Grant') {
        await endGrant(db, id);
        return;
      }
      await db.delete(oauthArtifacts).where(this.where(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.delete(oauthArtifacts).where(and(eq(oauthArtifacts.kind, this.kind), eq(oauthArtifacts.grantId, grantId)));
    }
  };
}

/** Deletes what oidc-provider stored and no longer reads (expired codes, tokens, interactions, sessions, grants). */
export async function deleteExpiredArtifacts(db: Database, now = new Date()): Promise<number> {
  const deleted = await db.delete(oauthArtifacts).where(lt(oauthArtifacts.expiresAt, now)).returning({ id: oauthArtifacts.id });
  return deleted.length;
}
