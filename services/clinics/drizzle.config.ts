import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './services/clinics/src/db/schema.ts',
  out: './services/clinics/drizzle',
  casing: 'snake_case',
});
