import { fileURLToPath } from 'node:url';
import { billingCli } from '@kabinet/utility-core';
import * as tables from './db/schema';
import { electricityRules } from './tariffs/rules';

// `corepack pnpm --filter @kabinet/electricity billing --supplier kyiv-energo --period 2026-11`
await billingCli({ tables, rules: electricityRules, migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)) });
