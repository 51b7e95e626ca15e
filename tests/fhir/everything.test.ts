/**
 * GET /fhir/R4/Patient/<personId>/$everything through the gateway: one
 * person's records that the caller may see, merged into one searchset Bundle
 * (each resource once), with the authorization of the GraphQL path; 404 for a
 * caller who sees none of them, 401 without a token.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentHash } from '../../gateway/src/trusted-documents.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../gateway/src/server.ts';
import { loadGatewayConfig } from '../../services/shared/src/env.ts';
import { checkedBundle, resourcesOf } from '../helpers/fhir.ts';
import { hub, tokenFor, type As } from '../helpers/hub.ts';
import { createPlan, participants, recordConsent } from '../helpers/plans.ts';
import { auditOf, caseworker1980, caseworker1981, coordinator01, coordinator19, ok, submit } from '../helpers/withdrawal.ts';
import { fhirId } from '../../services/shared/src/fhir.ts';

let personId = '';
let referralId = '';
let planId = '';
let pnr = '';

beforeAll(async () => {
  const { referral, input } = await submit(caseworker1980);
  personId = referral.person.id;
  referralId = referral.id;
  pnr = input.personnummer.replace('-', '');
  const consent = await recordConsent(caseworker1980, input.personnummer, ['municipality:1980']);
  planId = ok(
    await createPlan(caseworker1980, {
      kind: 'SIP',
      personnummer: input.personnummer,
      consentId: consent.id,
      goals: ['Eget boende'],
      participants: participants('Test Testsson', ['municipality:1980', 'caseworker', 'Anna Svensson']),
      followUpOn: '2099-01-01',
    }),
  ).createJointCarePlan.id;
});

async function everything(as: As | null, id = personId, gatewayUrl = hub().gatewayUrl) {
  const url = new URL(`/fhir/R4/Patient/${encodeURIComponent(id)}/$everything`, gatewayUrl);
  const res = await fetch(url, { headers: as ? { authorization: `Bearer ${await tokenFor(as)}` } : {} });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

describe('GET /fhir/R4/Patient/{id}/$everything', () => {
  it('gives the caseworker the referral, the plan and the consent in one bundle, the Patient once with the personnummer', async () => {
    const res = await everything(caseworker1980);
    expect([res.status, res.type]).toEqual([200, 'application/fhir+json; charset=utf-8']);
    const b = checkedBundle(res.body);
    expect(b).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    expect(resourcesOf(b, 'ServiceRequest').map((r) => r.id)).toEqual([fhirId('ServiceRequest', referralId)]);
    expect(resourcesOf(b, 'Task')).toHaveLength(1);
    expect(resourcesOf(b, 'CarePlan').map((r) => r.id)).toEqual([fhirId('CarePlan', planId)]);
    expect(resourcesOf(b, 'Consent')).toHaveLength(1);
    const patients = resourcesOf(b, 'Patient');
    expect(patients).toHaveLength(1);
    expect(patients[0]!.identifier.map((i: { system: string; value: string }) => [i.system, i.value])).toEqual([
      ['http://electronichealth.se/identifier/personnummer', pnr],
      ['urn:coordination-hub:person', personId],
    ]);
    const urls = b.entry.map((e) => e.fullUrl);
    expect(new Set(urls).size).toBe(urls.length);
  });

  it('gives psychiatry only what psychiatry sees: the referral, not social services’ plan', async () => {
    const b = checkedBundle((await everything(coordinator19)).body);
    expect(resourcesOf(b, 'ServiceRequest')).toHaveLength(1);
    expect(resourcesOf(b, 'CarePlan')).toEqual([]);
    expect(resourcesOf(b, 'Consent')).toEqual([]);
  });

  it('is 404 for a caller who sees none of the records, 401 without a token', async () => {
    for (const as of [caseworker1981, coordinator01]) {
      const res = await everything(as);
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body)).toEqual({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'not-found', details: { text: 'There is no person with records that you can see.' } }],
      });
      expect(res.body).not.toContain(referralId);
    }
    // a well-formed id of nobody is 404 too; a malformed one is bad input
    expect((await everything(caseworker1980, `p_${'A'.repeat(43)}`)).status).toBe(404);
    const malformed = await everything(caseworker1980, 'p_nobody');
    expect([malformed.status, JSON.parse(malformed.body).issue[0].code]).toEqual([400, 'invalid']);
    const anonymous = await everything(null);
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body).issue[0].code).toBe('login');
  });

  it('is audited as reads of the records, as the GraphQL path is', async () => {
    const bundleReads = async () =>
      (await auditOf(referralId)).filter((e) => e.action === 'READ' && e.user_id === 'maria.berg' && (e.fields ?? []).includes('fhirBundle'));
    const before = (await bundleReads()).length;
    expect((await everything(coordinator19)).status).toBe(200);
    const after = await bundleReads();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toMatchObject({ entity: 'WithdrawalReferral', organisation_id: 'psychiatry:19' });
  });

  describe('where only trusted documents run', () => {
    const gateways: RunningGateway[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'fhir-trusted-'));
    afterAll(async () => {
      await Promise.all(gateways.map((g) => g.close()));
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers in production mode and with trusted documents enforced: its operation is a hub document', async () => {
      const supergraph = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
      const urls = Object.fromEntries(Object.entries(hub().subgraphUrls).map(([k, v]) => [`${k.toUpperCase()}_URL`, v]));
      // a partner's manifest with one document of its own: nothing else runs unless the hub trusts it
      const manifest = join(dir, 'partner.json');
      const partnerDocument = 'query Me { __typename }';
      writeFileSync(manifest, JSON.stringify({ [documentHash(partnerDocument)]: partnerDocument }));
      for (const env of [
        { HUB_MODE: 'production', HUB_TRUSTED_DOCUMENTS: manifest },
        { HUB_TRUSTED_DOCUMENTS: manifest, HUB_TRUSTED_DOCUMENTS_MODE: 'enforce' },
      ]) {
        const g = await startGateway(loadGatewayConfig({ ...hub().env, GATEWAY_PORT: '0', ...urls, ...env }), supergraph);
        gateways.push(g);
        // an arbitrary document is refused there, the route's is not
        const arbitrary = await fetch(g.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(caseworker1980)}` },
          body: JSON.stringify({ query: 'query Other { __typename }' }),
        });
        expect(((await arbitrary.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('PERSISTED_QUERY_REQUIRED');
        const res = await everything(caseworker1980, personId, g.url);
        expect(res.status).toBe(200);
        expect(resourcesOf(checkedBundle(res.body), 'ServiceRequest').map((r) => r.id)).toEqual([fhirId('ServiceRequest', referralId)]);
      }
    });
  });
});
