import { isScope, type Scope } from '@kabinet/auth';
import type { Database } from '@kabinet/db';
import { eq } from 'drizzle-orm';
import { oauthClients } from '../db/schema';

export type OAuthClientRow = typeof oauthClients.$inferSelect;
export const clientKinds = ['FIRST_PARTY', 'PARTNER'] as const;
export type ClientKind = (typeof clientKinds)[number];

export interface ClientRegistration {
  clientId: string;
  name: string;
  kind: ClientKind;
  scopes: Scope[];
  redirectUris: string[];
}

const clientIdPattern = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** Why a registration cannot be stored, or null: checked before oidc-provider ever reads it. */
export function registrationProblem(client: ClientRegistration): string | null {
  if (!clientIdPattern.test(client.clientId)) return 'client id: 2 to 63 lower-case letters, digits and dashes';
  if (!client.name.trim() || client.name.length > 100) return 'name: 1 to 100 characters';
  if (!clientKinds.includes(client.kind)) return `kind: one of ${clientKinds.join(', ')}`;
  if (client.scopes.length === 0 || !client.scopes.every(isScope)) return 'scopes: one or more known scopes';
  if (client.redirectUris.length === 0) return 'redirect URIs: at least one';
  for (const uri of client.redirectUris) {
    const parsed = URL.parse(uri);
    if (!parsed || parsed.hash || uri.includes('#')) return `redirect URI ${uri}: an absolute URI without a fragment`;
  }
  return null;
}

/** Adds a client, or replaces the name, scopes and redirect URIs of one with the same id. */
export async function registerClient(db: Database, client: ClientRegistration): Promise<void> {
  const problem = registrationProblem(client);
  if (problem) throw new Error(`invalid client registration: ${problem}`);
  const values = { ...client, tokenEndpointAuthMethod: 'none' };
  await db.insert(oauthClients).values(values).onConflictDoUpdate({ target: oauthClients.clientId, set: values });
}

export async function findClient(db: Database, clientId: string): Promise<OAuthClientRow | null> {
  const [row] = await db.select().from(oauthClients).where(eq(oauthClients.clientId, clientId));
  return row ?? null;
}

/**
 * The client as oidc-provider reads it: authorization code with PKCE and rotating refresh
 * tokens only, exactly these redirect URIs, at most these scopes. An app on a device (custom
 * scheme or loopback redirect) is `native`, anything else `web`.
 */
export function clientMetadata(row: OAuthClientRow) {
  const web = row.redirectUris.every((uri) => {
    const { protocol, hostname } = new URL(uri);
    return protocol === 'https:' || (protocol === 'http:' && !['127.0.0.1', '[::1]'].includes(hostname));
  });
  return {
    client_id: row.clientId,
    client_name: row.name,
    application_type: web ? 'web' : 'native',
    redirect_uris: row.redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: row.tokenEndpointAuthMethod,
    scope: row.scopes.join(' '),
  };
}
