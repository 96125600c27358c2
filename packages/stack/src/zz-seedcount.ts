import { loadConfig, createLogger } from '@kabinet/config';
import { startStack } from './stack';
const config = loadConfig({ ...process.env, DATA_DIR: '/tmp/dd-seed-' + Date.now(), LOG_LEVEL: 'warn' });
const t0 = performance.now();
const stack = await startStack({ config, logger: createLogger('warn'), ports: 'ephemeral', host: '127.0.0.1', seedDemo: true });
console.log('started in', (performance.now() - t0).toFixed(0), 'ms');
for (const [name, db] of Object.entries(stack.databases)) console.log(name, db.stats.statements);
console.log('root', stack.database.stats.statements);
await stack.stop();
