import { createLogger, loadConfigOrExit } from '@kabinet/config';
import { demoLogins } from '@kabinet/demo';
import { stopOnSignals } from '@kabinet/http';
import { startStack } from './stack';

// `pnpm start`: every subgraph and the gateway in this one process, on the embedded
// database under .data/ (or DATABASE_URL), migrated and seeded with demo data.
const config = loadConfigOrExit();
const logger = createLogger(config.logLevel);
const stack = await startStack({ config, logger, ports: 'fixed', seedDemo: true });

const width = {
  email: Math.max(...demoLogins.map((login) => login.email.length)),
  password: Math.max(...demoLogins.map((login) => login.password.length)),
};
const where = config.database.url ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}/pglite`;
console.log(`
  Kabinet is running on ${where}.

  Gateway        ${stack.gateway.graphqlUrl}
  Apollo Sandbox ${stack.gateway.graphqlUrl}   (open in a browser)
${stack.liqpaySandbox ? `  LiqPay sandbox ${stack.liqpaySandbox.url}   (test card 4242 4242 4242 4242; no money moves)
` : ''}
  Demo logins:
${demoLogins.map((login) => `    ${login.email.padEnd(width.email)}  ${login.password.padEnd(width.password)}  ${login.description}`).join('\n')}

  Press Ctrl-C to stop.
`);

stopOnSignals(async () => {
  logger.info('stopping');
  await stack.stop();
  console.log('Stopped.');
});
