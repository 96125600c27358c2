import { defineConfig } from 'drizzle-kit';

// `pnpm --filter @kabinet/identity db:generate` writes a new migration from src/db/schema.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
  schemaFilter: ['identity'],
  migrations: { schema: 'drizzle', table: 'migrations_identity' },
});
