/**
 * The council dashboard: a static page under /dashboard that reads
 * only the public GraphQL API at /graphql with the caller's bearer token.
 *
 * - `GET /dashboard` redirects to `/dashboard/`, which serves index.html;
 *   the page's own files (HTML, CSS, ES modules) come from gateway/dashboard/
 *   and nothing else is served (an allow-list of file types, no dotfiles).
 * - The page's GraphQL operations are fixed documents (gateway/dashboard/documents/), trusted
 *   as the hub's own (hub-documents.ts); `operations.js` gives the page their hashes, and the
 *   page sends only those, so it works where trusted documents are enforced.
 * - Every response carries a strict Content-Security-Policy (`default-src
 *   'self'`, no inline script or style), nosniff, no-referrer and no framing.
 * - In development only (a `DevTokenSigner` was given), `GET
 *   /dashboard/dev-members` lists the demo council members and `POST
 *   /dashboard/dev-token` with `{ "org": "<directory id>" }` mints a
 *   COUNCIL_MEMBER token for an organisation that can hold that role. In
 *   production these routes do not exist: the operator puts an OIDC login in
 *   front, and the page takes the same bearer token as the API.
 */
import { fileURLToPath } from 'node:url';
import express from 'express';
import { ORGANISATIONS, organisation } from '../../services/shared/src/directory.ts';
import { ROLES_BY_AGENCY, type Role } from '../../services/shared/src/caller.ts';
import { operationsModule } from './hub-documents.ts';
import { t } from '../../services/shared/src/i18n.ts';

/** Signs a token for a demo caller; given only to a development-mode gateway (the dashboard's sign-in picker). */
export type DevTokenSigner = (caller: { org: string; roles: Role[]; name: string; sub: string }) => Promise<string>;

export const DASHBOARD_DIR = fileURLToPath(new URL('../dashboard/', import.meta.url));

export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SERVED = /^\/[a-z0-9][a-z0-9-]*\.(html|css|js|svg)$/;

/** Organisations whose staff can be council members, in directory order. */
export function councilMemberOrganisations() {
  return ORGANISATIONS.filter((o) => ROLES_BY_AGENCY[o.agency].includes('COUNCIL_MEMBER'));
}

/** The readable name of a demo council member of an organisation. */
const demoName = (orgName: string) => `Samrådsledamot, ${orgName}`;

export function dashboardRouter(options: { devTokens?: DevTokenSigner } = {}): express.Router {
  const router = express.Router({ strict: true });

  router.use((_req, res, next) => {
    res.set({
      'Content-Security-Policy': DASHBOARD_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    next();
  });

  router.get('/', (req, res) => {
    // `/dashboard` → `/dashboard/` so that the page's relative URLs resolve (also behind a path prefix).
    if (!req.originalUrl.split('?')[0]!.endsWith('/')) {
      res.redirect(308, 'dashboard/');
      return;
    }
    res.set('Cache-Control', 'no-cache');
    res.sendFile('index.html', { root: DASHBOARD_DIR });
  });

  if (options.devTokens) {
    const sign = options.devTokens;
    router.get('/dev-members', (_req, res) => {
      res.set('Cache-Control', 'no-store');
      res.json({ members: councilMemberOrganisations().map((o) => ({ org: o.id, name: demoName(o.name), organisation: o.name, regionCode: o.regionCode })) });
    });
    router.post('/dev-token', express.json({ limit: 1024 }), (req, res, next) => {
      res.set('Cache-Control', 'no-store');
      const org: unknown = req.is('application/json') ? (req.body as { org?: unknown } | undefined)?.org : undefined;
      if (typeof org !== 'string' || org === '') {
        res.status(400).json({ error: 'Send { "org": "<organisation id>" } as application/json.' });
        return;
      }
      const o = organisation(org);
      if (!o) {
        res.status(404).json({ error: String(t`There is no organisation ${org}.`) });
        return;
      }
      if (!ROLES_BY_AGENCY[o.agency].includes('COUNCIL_MEMBER')) {
        res.status(400).json({ error: `${o.name} has no council members.` });
        return;
      }
      const name = demoName(o.name);
      sign({ org: o.id, roles: ['COUNCIL_MEMBER'], name, sub: `${o.id}:COUNCIL_MEMBER` })
        .then((token) => res.json({ token, name, org: o.id }))
        .catch(next);
    });
  }

  // The hashes of the page's operations, from the documents the gateway trusts as its own (hub-documents.ts).
  const operations = operationsModule();
  router.get('/operations.js', (_req, res) => {
    res.set({ 'Cache-Control': 'no-cache', 'Content-Type': 'text/javascript; charset=utf-8' });
    res.send(operations);
  });

  router.get(SERVED, (req, res, next) => {
    if (req.path === '/index.html') {
      res.redirect(308, './');
      return;
    }
    res.set('Cache-Control', 'no-cache');
    res.sendFile(req.path.slice(1), { root: DASHBOARD_DIR, dotfiles: 'deny' }, (err) => {
      if (err) next();
    });
  });

  router.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found');
  });
  return router;
}
