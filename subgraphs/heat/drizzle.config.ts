import { defineConfig } from 'drizzle-kit';

// `pnpm --filter @kabinet/heat db:generate` writes a new migration from src/db/schema.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
  schemaFilter: ['heat'],
  migrations: { schema: 'drizzle', table: 'migrations_heat' },
});
