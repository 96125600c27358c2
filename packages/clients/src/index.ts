import { readFileSync } from 'node:fs';

/**
 * The registered client applications (schema/clients.json) and their persisted query manifests,
 * read by the gateway (safelists, budgets, metric labels) and by schema/ (which builds the
 * manifests). A package of its own: schema/ depends on the gateway (through @kabinet/stack), so the
 * gateway cannot depend on schema/.
 */

/** Apollo's persisted query manifest format, as Apollo Router and GraphOS read it. */
export interface PersistedQueryManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: { id: string; name: string; type: 'query' | 'mutation' | 'subscription'; body: string }[];
}

export interface RegisteredClient {
  /** As the client sends it in `apollographql-client-name` (and as a partner's `client_id`). */
  name: string;
  title: string;
  /** Partners may only send ids from their manifest; first-party apps follow FIRST_PARTY_OPERATIONS. */
  kind: 'first-party' | 'partner';
  /** Globs of `.graphql` files under schema/, one operation per file. */
  documents: string[];
}

/** schema/, where clients.json and the manifests are checked in. */
export const schemaDir = new URL('../../../schema/', import.meta.url);
export const clientsFile = new URL('clients.json', schemaDir);

export function registeredClients(): RegisteredClient[] {
  const clients = JSON.parse(readFileSync(clientsFile, 'utf8')) as Record<string, Omit<RegisteredClient, 'name'>>;
  return Object.entries(clients).map(([name, client]) => ({ name, ...client }));
}

/** schema/persisted-queries/<client>.json, written by `pnpm pq:manifests`. */
export const manifestFile = (client: string) => new URL(`persisted-queries/${client}.json`, schemaDir);

export function readManifest(client: string): PersistedQueryManifest {
  return JSON.parse(readFileSync(manifestFile(client), 'utf8')) as PersistedQueryManifest;
}
