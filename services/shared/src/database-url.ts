/** The URL of database `name` on the server of `url`: light, for scripts/databases.ts, which loads nothing of drizzle on a warm start. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
