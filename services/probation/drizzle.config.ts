import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './services/probation/src/db/schema.ts',
  out: './services/probation/drizzle',
  casing: 'snake_case',
});
