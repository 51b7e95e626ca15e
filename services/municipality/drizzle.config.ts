import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './services/municipality/src/db/schema.ts',
  out: './services/municipality/drizzle',
  casing: 'snake_case',
});
