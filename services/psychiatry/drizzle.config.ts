import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './services/psychiatry/src/db/schema.ts',
  out: './services/psychiatry/drizzle',
  casing: 'snake_case',
});
