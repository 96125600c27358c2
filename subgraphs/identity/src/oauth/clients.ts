import { isScope, type Scope } from '@kabinet/auth';
import type { Database } from '@kabinet/db';
import { eq } from 'drizzle-orm';
import { oauthClients } from '../db/schema';

export type OAuthClientRow = typeof oauthClients.$inferSelect;

export interface ClientRegistration {
  clientId: string;
  name: string;
  scopes: Scope[];
  redirectUris: string[];
}

const clientIdPattern = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** Why a registration cannot be stored, or null: checked before oidc-provider ever reads it. */
export function registrationProblem(client: ClientRegistration): string | null {
  if (!clientIdPattern.test(client.clientId)) return 'client id: 2 to 63 lower-case letters, digits and dashes';
  if (!client.name.trim() || client.name.length > 100) return 'name: 1 to 100 characters';
  if (client.scopes.length === 0 || !client.scopes.every(isScope)) return 'scopes: one or more known scopes';
  if (client.redirectUris.length === 0) return 'redirect URIs: at least one';
  for (const uri of client.redirectUris) {
    const problem = redirectUriProblem(uri);
    if (problem) return `redirect URI ${uri}: ${problem}`;
  }
  return null;
}

/** Hosts whose plain-http redirect never leaves the customer's device (RFC 8252 §7.3). */
const loopbackHosts = new Set(['127.0.0.1', '[::1]', 'localhost']);
/** A private-use scheme named after a domain its app owns, reversed (`com.example.app`, RFC 8252 §7.1). */
const reverseDomainScheme = /^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+:$/;

/**
 * Why a redirect URI may not receive a customer's code, or null. Codes go only where the app
 * alone can be: https, plain http on loopback (a native app's local listener), or a private-use
 * scheme in reverse-domain form (a native app's own; short names like `kabinet:` any app may claim).
 */
export function redirectUriProblem(uri: string): string | null {
  const parsed = URL.parse(uri);
  if (!parsed || parsed.hash || uri.includes('#')) return 'an absolute URI without a fragment';
  if (parsed.protocol === 'https:') return parsed.hostname ? null : 'an https URI needs a host';
  if (parsed.protocol === 'http:') return loopbackHosts.has(parsed.hostname) ? null : 'http only on loopback (127.0.0.1, [::1], localhost); https elsewhere';
  if (reverseDomainScheme.test(parsed.protocol)) return null;
  return 'https, http on loopback, or a private-use scheme in reverse-domain form (com.example.app:/callback)';
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
 * tokens only, exactly these redirect URIs, at most these scopes. Only an app with a private-use
 * scheme is `native`: oidc-provider then lets its loopback redirect URIs (if any) use any port
 * (RFC 8252 §7.3); every other app is `web`, its loopback redirect URIs matched with their port.
 */
export function clientMetadata(row: OAuthClientRow) {
  const native = row.redirectUris.some((uri) => !['https:', 'http:'].includes(URL.parse(uri)?.protocol ?? ''));
  return {
    client_id: row.clientId,
    client_name: row.name,
    application_type: native ? 'native' : 'web',
    redirect_uris: row.redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: row.tokenEndpointAuthMethod,
    scope: row.scopes.join(' '),
  };
}
