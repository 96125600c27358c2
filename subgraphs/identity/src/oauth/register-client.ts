import { registeredClients } from '@kabinet/clients';
import { loadConfigOrExit } from '@kabinet/config';
import { migrationsOf, openConfiguredDatabase } from '@kabinet/subgraph';
import { identityModule } from '../index';
import { registerClient } from './clients';
import { parseRegistration, usage } from './registration-args';

// `corepack pnpm --filter @kabinet/identity client:register -- --id … --name … --scope … --redirect-uri …`
async function main() {
  const ownApps = registeredClients().filter((client) => client.kind === 'first-party').map((client) => client.name);
  const parsed = parseRegistration(process.argv.slice(2).filter((arg) => arg !== '--'), ownApps);
  if ('problem' in parsed) {
    console.error(`${parsed.problem}\n\n${usage}`);
    process.exit(2);
  }
  const config = loadConfigOrExit();
  const database = await openConfiguredDatabase(config, migrationsOf([identityModule]));
  try {
    await database.migrate('identity', identityModule.migrationsFolder);
    await registerClient(database.db, parsed.registration);
    const { clientId, name, scopes: allowed, redirectUris } = parsed.registration;
    console.log(`registered ${clientId} (${name}): scopes ${allowed.join(' ')}; redirect URIs ${redirectUris.join(' ')}`);
  } finally {
    await database.close();
  }
}

await main();
