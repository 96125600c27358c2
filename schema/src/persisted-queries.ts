import { generatePersistedQueryManifest } from '@apollo/generate-persisted-query-manifest';
import { clientsFile, schemaDir, type PersistedQueryManifest, type RegisteredClient } from '@kabinet/clients';

// Read where the gateway reads them too (packages/clients).
export { clientsFile, manifestFile, readManifest, registeredClients, type PersistedQueryManifest, type RegisteredClient } from '@kabinet/clients';

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
