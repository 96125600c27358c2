import { writeFileSync } from 'node:fs';
import { buildManifest, manifestFile, manifestText, registeredClients } from './src/persisted-queries';

// `pnpm pq:manifests`: writes schema/persisted-queries/<client>.json for every client in schema/clients.json.
for (const client of registeredClients()) {
  const manifest = await buildManifest(client);
  writeFileSync(manifestFile(client.name), manifestText(manifest));
  console.log(`wrote ${manifestFile(client.name).pathname} (${manifest.operations.length} operations)`);
}
