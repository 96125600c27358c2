import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { composeSupergraph, supergraphFile } from './src/index';
import { checkOperations, describeCheck } from './src/operation-checks';
import { readManifest, registeredClients } from './src/persisted-queries';

// `pnpm check:operations [--base approved-supergraph.graphql]`: composes the subgraphs' SDL and
// fails when a registered operation of any client no longer validates or the change from the
// approved supergraph (by default the checked-in one) breaks one.
const { values } = parseArgs({ options: { base: { type: 'string' } } });
const composition = composeSupergraph();
if (!composition.supergraphSdl || composition.errors.length > 0) {
  for (const error of composition.errors) console.error(error);
  console.error('composition failed');
  process.exit(1);
}
const clients = registeredClients().map((client) => ({ client, manifest: readManifest(client.name) }));
const check = await checkOperations({
  baseSupergraphSdl: readFileSync(values.base ?? supergraphFile, 'utf8'),
  newSupergraphSdl: composition.supergraphSdl,
  clients,
});
for (const line of describeCheck(check)) console.log(line);
const operations = clients.reduce((sum, { manifest }) => sum + manifest.operations.length, 0);
if (!check.ok) {
  console.error(`operation check failed: ${check.breaking.length} breaking change(s), ${check.invalid.length} invalid operation(s)`);
  process.exit(1);
}
console.log(`operation check passed: ${operations} operations of ${clients.length} clients`);
