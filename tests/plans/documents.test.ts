/**
 * Files attached to a joint care plan (issue 14, "Documents"): the signed written plan and the
 * written information, through the gateway over real HTTP, by the same links as a referral's
 * (tests/withdrawal/documents.test.ts has every refusal of the links themselves). Who may list,
 * attach and download, as a table of role × organisation; and a participant whose consent is
 * revoked loses the plan's documents with the plan.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, type As } from '../helpers/hub.ts';
import { errorOf, linkFor, PDF, send, TEXT } from '../helpers/documents.ts';
import { personnummer } from '../helpers/people.ts';
import { caseworkerSthlm, clinicStaff, createPlan, recordConsent, sip } from '../helpers/plans.ts';
import { ok, refused } from '../helpers/withdrawal.ts';
import { withSql } from '../helpers/hub.ts';

const CREATE = `mutation($id: ID!, $kind: CarePlanDocumentKind!, $fileName: String!, $contentType: String!, $size: Int!) {
  createPlanDocumentUpload(planId: $id, kind: $kind, fileName: $fileName, contentType: $contentType, size: $size) { documentId url method expiresAt maxBytes } }`;
const LIST = `query($id: ID!) { jointCarePlan(id: $id) { id documents { id kind fileName contentType size uploadedAt uploadedBy } } }`;
const REMOVE = `mutation($id: ID!, $reason: String!) { removePlanDocument(documentId: $id, reason: $reason) { id kind fileName removedBy reason } }`;
const REMOVED = `query($id: ID!) { jointCarePlan(id: $id) { documents { id } removedDocuments { id reason } } }`;
const LINKS = `query($id: ID!) { jointCarePlan(id: $id) { documents { id downloadUrl } } }`;

/** A SIP of Stockholm's social services with the Södermalm clinic, on a consent naming both. */
async function plan() {
  const pnr = personnummer();
  const consent = await recordConsent(caseworkerSthlm, pnr, ['municipality:0180', 'clinic:0180-sodermalm']);
  const id = ok(await createPlan(caseworkerSthlm, sip(pnr, consent.id))).createJointCarePlan.id as string;
  return { id, consentId: consent.id, personId: consent.person.id };
}

async function attach(planId: string, as: As, kind: string, fileName: string, bytes: Buffer, contentType: string, clock = '2026-06-01T12:00:00+02:00') {
  const up = ok(await gql(CREATE, { id: planId, kind, fileName, contentType, size: bytes.length }, { as })).createPlanDocumentUpload as {
    documentId: string;
    url: string;
  };
  const res = await send(up.url, { as, body: bytes, contentType, clock });
  expect(res.status, res.bytes.toString()).toBe(201);
  return up.documentId;
}

const documentAudit = (documentId: string) =>
  withSql(
    'municipality',
    (sql) =>
      sql`select action, entity, user_id, basis, fields, owner_organisation_id from audit_event where entity_ids @> array[${documentId}]::text[] order by seq`,
  ) as Promise<Array<Record<string, unknown>>>;

describe('a plan document end to end', () => {
  it('the owner attaches the signed plan, the participant the written information; both list and download them; the revoked consent takes them from the participant', async () => {
    const p = await plan();
    const signed = await attach(p.id, caseworkerSthlm, 'SIGNED_PLAN', 'SIP signerad.pdf', PDF, 'application/pdf');
    // a later upload (uploads at the same instant are listed by id)
    const info = await attach(p.id, clinicStaff, 'WRITTEN_INFORMATION', 'information.txt', TEXT, 'text/plain', '2026-06-01T12:05:00+02:00');
    const expected = [
      {
        id: signed,
        kind: 'SIGNED_PLAN',
        fileName: 'SIP signerad.pdf',
        contentType: 'application/pdf',
        size: PDF.length,
        uploadedAt: '2026-06-01T12:00:00.000+02:00',
        uploadedBy: 'Cecilia Handläggare (Stockholms stad, socialtjänsten)',
      },
      {
        id: info,
        kind: 'WRITTEN_INFORMATION',
        fileName: 'information.txt',
        contentType: 'text/plain',
        size: TEXT.length,
        uploadedAt: '2026-06-01T12:05:00.000+02:00',
        uploadedBy: 'Lina Mottagning (Lokal integrerad mottagning Södermalm)',
      },
    ];
    expect(ok(await gql(LIST, { id: p.id }, { as: caseworkerSthlm })).jointCarePlan.documents).toEqual(expected);
    expect(ok(await gql(LIST, { id: p.id }, { as: clinicStaff })).jointCarePlan.documents).toEqual(expected);

    const links = ok(await gql(LINKS, { id: p.id }, { as: clinicStaff })).jointCarePlan.documents as Array<{ id: string; downloadUrl: string }>;
    const down = await send(links[0]!.downloadUrl, { as: clinicStaff });
    expect([down.status, down.headers.get('content-type'), down.bytes.equals(PDF)]).toEqual([200, 'application/pdf', true]);
    expect(await documentAudit(signed)).toEqual([
      {
        action: 'CREATE',
        entity: 'JointCarePlanDocument',
        user_id: 'cw-sthlm',
        basis: 'own organisation',
        fields: ['content'],
        owner_organisation_id: 'municipality:0180',
      },
      {
        action: 'READ',
        entity: 'JointCarePlanDocument',
        user_id: 'lim-sod',
        basis: `plan participant under consent ${p.consentId}`,
        fields: ['content'],
        owner_organisation_id: 'municipality:0180',
      },
    ]);

    // the individual revokes the consent: the clinic no longer sees the plan, nor its documents by any path
    ok(await gql('mutation($id: ID!) { revokeConsent(id: $id) { active } }', { id: p.consentId }, { as: caseworkerSthlm }));
    expect(ok(await gql(LIST, { id: p.id }, { as: clinicStaff }))).toEqual({ jointCarePlan: null });
    const after = await send(links[0]!.downloadUrl, { as: clinicStaff });
    expect([after.status, errorOf(after).code, after.bytes.includes(PDF)]).toEqual([404, 'NOT_FOUND', false]);
    refused(await gql(CREATE, { id: p.id, kind: 'OTHER', fileName: 'x.txt', contentType: 'text/plain', size: 3 }, { as: clinicStaff }), 'NOT_FOUND');
    expect((await documentAudit(signed)).map((e) => e.action)).toEqual(['CREATE', 'READ']);
    // the owner keeps its record, documents included
    expect(ok(await gql(LIST, { id: p.id }, { as: caseworkerSthlm })).jointCarePlan.documents).toEqual(expected);
  });

  it('refuses a type the bytes are not: 415, nothing stored', async () => {
    const p = await plan();
    const up = ok(
      await gql(CREATE, { id: p.id, kind: 'SIGNED_PLAN', fileName: 'a.pdf', contentType: 'application/pdf', size: TEXT.length }, { as: caseworkerSthlm }),
    ).createPlanDocumentUpload as { url: string; documentId: string };
    const res = await send(up.url, { as: caseworkerSthlm, body: TEXT, contentType: 'application/pdf' });
    expect([res.status, errorOf(res)]).toEqual([415, { code: 'BAD_USER_INPUT', field: 'content' }]);
    expect(ok(await gql(LIST, { id: p.id }, { as: caseworkerSthlm })).jointCarePlan.documents).toEqual([]);
    expect(await documentAudit(up.documentId)).toEqual([]);
  });
});

const as = (org: string, role: As['roles'][number]): As => ({ org, roles: [role], sub: `${org}-${role}`.toLowerCase(), name: `${role} ${org}` });

type Outcome = 'ok' | 'FORBIDDEN' | 'NOT_FOUND';
/** caller, listing, creating an upload link, downloading with a link of their own, removing a document (the owner only) */
const TABLE: Array<[string, As, list: 'visible' | 'hidden', create: Outcome, download: 200 | 404, remove: Outcome]> = [
  ['the owning caseworker (municipality:0180)', caseworkerSthlm, 'visible', 'ok', 200, 'ok'],
  ['another caseworker of the owner', as('municipality:0180', 'CASEWORKER'), 'visible', 'ok', 200, 'ok'],
  ['clinic staff of the participating clinic, under consent', clinicStaff, 'visible', 'ok', 200, 'FORBIDDEN'],
  ['a nurse of the participating clinic', as('clinic:0180-sodermalm', 'NURSE'), 'visible', 'ok', 200, 'FORBIDDEN'],
  ['a caseworker of another municipality (1980)', as('municipality:1980', 'CASEWORKER'), 'hidden', 'NOT_FOUND', 404, 'NOT_FOUND'],
  ['a coordinator of psychiatry, not named', as('psychiatry:01', 'COORDINATOR'), 'hidden', 'NOT_FOUND', 404, 'NOT_FOUND'],
  ['a probation officer, not named', as('probation:vasteras', 'PROBATION_OFFICER'), 'hidden', 'NOT_FOUND', 404, 'NOT_FOUND'],
  ["a council member of the owner's municipality", as('municipality:0180', 'COUNCIL_MEMBER'), 'hidden', 'FORBIDDEN', 404, 'FORBIDDEN'],
  ["a log reviewer of the owner's municipality", as('municipality:0180', 'LOG_REVIEWER'), 'hidden', 'FORBIDDEN', 404, 'FORBIDDEN'],
];

describe('plan documents by role × organisation', () => {
  let fixture: { id: string; documentId: string };
  beforeAll(async () => {
    const p = await plan();
    fixture = { id: p.id, documentId: await attach(p.id, caseworkerSthlm, 'SIGNED_PLAN', 'SIP hemlig.pdf', PDF, 'application/pdf') };
  });

  for (const [who, caller, list, create, download, remove] of TABLE) {
    it(`${who} · list → ${list}`, async () => {
      const res = await gql(LIST, { id: fixture.id }, { as: caller });
      if (list === 'visible') {
        expect(ok(res).jointCarePlan.documents.map((d: { id: string; fileName: string }) => [d.id, d.fileName])).toEqual([
          [fixture.documentId, 'SIP hemlig.pdf'],
        ]);
      } else {
        // a role that may read no plan is refused as a whole; anyone else finds none
        if (res.errors) expect(res.errors.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
        expect(res.data?.jointCarePlan ?? null).toBeNull();
        expect(JSON.stringify(res)).not.toContain('hemlig');
      }
    });

    it(`${who} · createPlanDocumentUpload → ${create}`, async () => {
      const p = await plan();
      const res = await gql(CREATE, { id: p.id, kind: 'OTHER', fileName: 'x.txt', contentType: 'text/plain', size: 3 }, { as: caller });
      const rows = await withSql('municipality', (sql) => sql`select count(*)::int as n from document where record_id = ${p.id}`);
      if (create === 'ok') {
        expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
        expect(rows[0]!.n).toBe(1);
      } else {
        expect(res.errors?.map((e) => e.extensions?.code)).toEqual([create]);
        expect(rows[0]!.n).toBe(0);
      }
    });

    it(`${who} · download with a link of their own → ${download}`, async () => {
      const res = await send(linkFor(caller, { sg: 'municipality', doc: fixture.documentId }), { as: caller });
      expect([res.status, res.bytes.equals(PDF)]).toEqual([download, download === 200]);
      const reads = (await documentAudit(fixture.documentId)).filter((e) => e.action === 'READ' && e.user_id === caller.sub);
      expect(reads.length).toBe(download === 200 ? 1 : 0);
    });

    it(`${who} · removePlanDocument → ${remove}`, async () => {
      const p = await plan();
      // the participant's own upload: even that only the owner may remove
      const documentId = await attach(p.id, clinicStaff, 'WRITTEN_INFORMATION', 'info.txt', TEXT, 'text/plain');
      const res = await gql(REMOVE, { id: documentId, reason: 'Fel version' }, { as: caller });
      const [row] = await withSql(
        'municipality',
        (sql) => sql`select content is not null as kept, removed_at is not null as removed from document where id = ${documentId}`,
      );
      const actions = (await documentAudit(documentId)).map((e) => e.action);
      if (remove === 'ok') {
        expect(ok(res).removePlanDocument).toEqual({
          id: documentId,
          kind: 'WRITTEN_INFORMATION',
          fileName: 'info.txt',
          removedBy: `${caller.name} (Stockholms stad, socialtjänsten)`,
          reason: 'Fel version',
        });
        expect(row).toEqual({ kept: false, removed: true });
        expect(actions).toEqual(['CREATE', 'DELETE']);
        const seen = ok(await gql(REMOVED, { id: p.id }, { as: clinicStaff })).jointCarePlan;
        expect([seen.documents, seen.removedDocuments.map((d: { id: string; reason: string }) => [d.id, d.reason])]).toEqual([
          [],
          [[documentId, 'Fel version']],
        ]);
      } else {
        expect(res.errors?.map((e) => e.extensions?.code)).toEqual([remove]);
        expect(res.data ?? null).toBeNull();
        expect(row).toEqual({ kept: true, removed: false });
        expect(actions).toEqual(['CREATE']);
      }
    });
  }
});

describe('removing a plan document', () => {
  it('needs a reason, and refuses an unknown document as NOT_FOUND', async () => {
    const p = await plan();
    const documentId = await attach(p.id, caseworkerSthlm, 'SIGNED_PLAN', 'a.pdf', PDF, 'application/pdf');
    refused(await gql(REMOVE, { id: documentId, reason: '   ' }, { as: caseworkerSthlm }), 'BAD_USER_INPUT', 'reason');
    refused(await gql(REMOVE, { id: documentId, reason: 'x'.repeat(2001) }, { as: caseworkerSthlm }), 'BAD_USER_INPUT', 'reason');
    refused(await gql(REMOVE, { id: '00000000-0000-4000-8000-000000000000', reason: 'x' }, { as: caseworkerSthlm }), 'NOT_FOUND');
    refused(await gql(REMOVE, { id: 'not-a-uuid', reason: 'x' }, { as: caseworkerSthlm }), 'NOT_FOUND');
    expect((await documentAudit(documentId)).map((e) => e.action)).toEqual(['CREATE']);
  });
});
