import { fileURLToPath } from 'node:url';
import { billingCli } from '@kabinet/utility-core';
import * as tables from './db/schema';
import { heatRules } from './rules';

// `corepack pnpm --filter @kabinet/heat billing --supplier kyiv-teplo --period 2026-11`
await billingCli({ tables, rules: heatRules, migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)) });
