/**
 * The development query console: a page of the gateway's own (gateway/console/),
 * served at GET /graphql to a browser, so that a developer can send queries
 * with a pasted token, offline and with nothing from a CDN. Only a
 * development-mode gateway mounts it; production has no IDE and no landing page.
 */
import { fileURLToPath } from 'node:url';
import express from 'express';

export const CONSOLE_DIR = fileURLToPath(new URL('../console/', import.meta.url));

const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export function consoleRouter(): express.Router {
  const router = express.Router({ strict: true });
  const headers = (res: express.Response) =>
    res.set({ 'Content-Security-Policy': CONSOLE_CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' });
  router.get('/graphql', (req, res, next) => {
    // A browser asking for a page; a GraphQL GET (JSON or event stream) goes on to the gateway.
    if (req.accepts(['text/html', 'application/json', 'application/graphql-response+json', 'text/event-stream']) !== 'text/html') return next();
    if (typeof req.query.query === 'string') return next();
    headers(res);
    res.sendFile('index.html', { root: CONSOLE_DIR });
  });
  router.get(/^\/graphql-console\/(console\.(?:js|css))$/, (req, res) => {
    headers(res);
    res.sendFile((req.params as unknown as string[])[0]!, { root: CONSOLE_DIR });
  });
  return router;
}
