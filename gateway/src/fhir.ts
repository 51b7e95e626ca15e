/**
 * The FHIR R4 route of the gateway: `GET /fhir/R4/Patient/<personId>/$everything`, one person's
 * records as one Bundle. It runs a GraphQL operation through this gateway itself, with the
 * caller's own token (the hub's trusted document FhirPatientEverything, gateway/fhir/
 * documents/), so every record comes with exactly the authorization of the GraphQL path: each
 * subgraph checks and audits its own records, and the route only merges the per-record bundles
 * (services/shared/src/fhir.ts) into a searchset, each resource once. A person with no record the
 * caller may see is 404, the same answer as a person who does not exist.
 */
import express from 'express';
import { fhirId, fhirDateTime, type FhirResource } from '../../services/shared/src/fhir.ts';
import { REQUEST_ID_HEADER } from '../../services/shared/src/request-log.ts';
import { CLOCK_HEADER } from './context.ts';
import { HUB_FHIR_DOCUMENTS_DIR, hubDocuments } from './hub-documents.ts';
import { rememberClientAddress } from './rate-limit.ts';
import { GRAPHQL_PATH } from './runtime.ts';
import { LANGUAGE_HEADER, t } from '../../services/shared/src/i18n.ts';

export const FHIR_PATH = '/fhir/R4';
const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** What the route needs of the gateway: its fetch handler. */
export interface GraphQLHandler {
  fetch: (request: Request) => Response | Promise<Response>;
}

interface Entry {
  fullUrl: string;
  resource: FhirResource;
}

function outcome(res: express.Response, status: number, code: string, text: string) {
  res
    .status(status)
    .set('content-type', FHIR_JSON)
    .set('cache-control', 'no-store')
    .send(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, details: { text } }] }));
}

const STATUS_OF: Record<string, [number, string]> = {
  UNAUTHENTICATED: [401, 'login'],
  FORBIDDEN: [403, 'forbidden'],
  BAD_USER_INPUT: [400, 'invalid'],
  RATE_LIMITED: [429, 'throttled'],
};

/** Merges bundles: each resource once by fullUrl, keeping the fullest copy (a referral's Patient names the number; a plan's does not). */
export function mergeBundles(key: string, at: Date, bundles: ReadonlyArray<{ entry: Entry[] }>): FhirResource {
  const byUrl = new Map<string, Entry>();
  for (const b of bundles) {
    for (const e of b.entry) {
      const seen = byUrl.get(e.fullUrl);
      if (!seen || JSON.stringify(e.resource).length > JSON.stringify(seen.resource).length) byUrl.set(e.fullUrl, e);
    }
  }
  const entry = [...byUrl.values()].map((e) => ({ ...e, search: { mode: e.resource.resourceType === 'Patient' ? 'match' : 'include' } }));
  return {
    resourceType: 'Bundle',
    id: fhirId('Bundle', key),
    type: 'searchset',
    timestamp: fhirDateTime(at),
    total: entry.filter((e) => e.search.mode === 'match').length,
    entry,
  };
}

export function fhirRouter(gateway: GraphQLHandler, development: boolean, trustProxy: boolean): express.Router {
  const router = express.Router();
  const everything = hubDocuments(HUB_FHIR_DOCUMENTS_DIR).find((d) => d.name === 'FhirPatientEverything');
  if (!everything) throw new Error('gateway/fhir/documents/FhirPatientEverything.graphql is missing');
  router.get('/Patient/:personId/\\$everything', async (req, res) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    for (const h of ['authorization', LANGUAGE_HEADER, REQUEST_ID_HEADER, ...(development ? [CLOCK_HEADER] : [])]) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const body = JSON.stringify({
      operationName: everything.name,
      variables: { personId: String(req.params.personId ?? '') },
      extensions: { persistedQuery: { version: 1, sha256Hash: everything.hash } },
    });
    // the caller's address goes with the operation, for the rate limit of a request without a good token (as over a WebSocket)
    const request = rememberClientAddress(new Request(`http://gateway${GRAPHQL_PATH}`, { method: 'POST', headers, body }), req, trustProxy);
    const answer = await gateway.fetch(request);
    const result = (await answer.json()) as {
      data?: { person: null | Record<'withdrawalReferrals' | 'jointCarePlans' | 'consents', Array<{ fhirBundle: string }> | null> } | null;
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    };
    const error = result.errors?.[0];
    if (error) {
      const [status, code] = STATUS_OF[error.extensions?.code ?? ''] ?? [502, 'exception'];
      return outcome(res, status, code, error.message);
    }
    const person = result.data?.person;
    const bundles = person
      ? [...(person.withdrawalReferrals ?? []), ...(person.jointCarePlans ?? []), ...(person.consents ?? [])].map(
          (r) => JSON.parse(r.fhirBundle) as { entry: Entry[] },
        )
      : [];
    if (bundles.length === 0) return outcome(res, 404, 'not-found', String(t`There is no person with records that you can see.`));
    // the bundle's time: the development clock header where the operation ran on it
    const clock = development && typeof req.headers[CLOCK_HEADER] === 'string' ? new Date(req.headers[CLOCK_HEADER]) : null;
    const now = clock && !Number.isNaN(clock.getTime()) ? clock : new Date();
    res
      .status(200)
      .set('content-type', FHIR_JSON)
      .set('cache-control', 'no-store')
      .send(JSON.stringify(mergeBundles(`Patient|${String(req.params.personId)}|everything`, now, bundles)));
  });
  return router;
}
