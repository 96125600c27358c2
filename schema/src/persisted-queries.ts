import { readFileSync } from 'node:fs';
import { generatePersistedQueryManifest } from '@apollo/generate-persisted-query-manifest';

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

const schemaDir = new URL('../', import.meta.url);
export const clientsFile = new URL('clients.json', schemaDir);

export function registeredClients(): RegisteredClient[] {
  const clients = JSON.parse(readFileSync(clientsFile, 'utf8')) as Record<string, Omit<RegisteredClient, 'name'>>;
  return Object.entries(clients).map(([name, client]) => ({ name, ...client }));
}

export const manifestFile = (client: string) => new URL(`persisted-queries/${client}.json`, schemaDir);

export function readManifest(client: string): PersistedQueryManifest {
  return JSON.parse(readFileSync(manifestFile(client), 'utf8')) as PersistedQueryManifest;
}

/**
 * Builds a client's manifest with Apollo's generator, as an Apollo Client app would: ids are the
 * sha256 of the printed body. No `__typename` is added: our clients' documents are sent as written.
 */
export async function buildManifest(client: RegisteredClient): Promise<PersistedQueryManifest> {
  const documents = client.documents.map((glob) => new URL(glob, schemaDir).pathname);
  // The second argument only names the config in error reports: ours is schema/clients.json.
  return (await generatePersistedQueryManifest({ documents, addTypename: false }, clientsFile.pathname)) as PersistedQueryManifest;
}

/** The file's text: what `pnpm pq:manifests` writes and the staleness test compares. */
export const manifestText = (manifest: PersistedQueryManifest) => `${JSON.stringify(manifest, null, 2)}\n`;
