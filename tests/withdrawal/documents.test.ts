/**
 * Files attached to a withdrawal referral (issue 14, "Documents"): the ASI, AUDIT, DUDIT or other
 * document itself, through the gateway over real HTTP. An upload link from the mutation, one POST
 * of the raw bytes, the list on the referral, a download link per document; every refusal with
 * its exact status and code, and nothing stored or logged by one; every download audited.
 * Then who may do what, as a table of role × organisation.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../gateway/src/server.ts';
import { loadGatewayConfig } from '../../services/shared/src/env.ts';
import { captureLogs } from '../../services/shared/src/logger.ts';
import { signDocumentToken, type DocumentToken } from '../../services/shared/src/documents.ts';
import { gql, hub, tokenFor, type As } from '../helpers/hub.ts';
import { errorOf, JPEG, linkFor, PDF, PNG, send, TEXT } from '../helpers/documents.ts';
import {
  caseworker0180,
  caseworker1980,
  caseworker1981,
  chiefPhysician19,
  coordinator01,
  coordinator19,
  nurse19,
  ok,
  physician19,
  auditOf,
  psychiatrySql,
  refused,
  submit,
} from '../helpers/withdrawal.ts';

// Every line every logger of this file's hub writes (the hub starts after this file is loaded): no file name, no link.
const lines: string[] = [];
captureLogs({ destination: { write: (line: string) => void lines.push(line) }, level: 'trace' });
afterAll(() => captureLogs());

const RECEIVED = '2026-05-04T09:00:00+02:00';
const UPLOADED = '2026-05-06T10:00:00+02:00';
/** UPLOADED as the API writes an instant */
const UPLOADED_AT = '2026-05-06T10:00:00.000+02:00';

const CREATE = `mutation($id: ID!, $kind: AssessmentInstrument!, $fileName: String!, $contentType: String!, $size: Int!) {
  createReferralDocumentUpload(referralId: $id, kind: $kind, fileName: $fileName, contentType: $contentType, size: $size) { documentId url method expiresAt maxBytes } }`;
const REMOVE = `mutation($id: ID!, $reason: String!) {
  removeReferralDocument(documentId: $id, reason: $reason) { id kind fileName size uploadedBy removedAt removedBy reason } }`;
const REMOVED = `query($id: ID!) { withdrawalReferral(id: $id) { documents { id } removedDocuments { id fileName removedBy reason } } }`;
const LIST = `query($id: ID!) { withdrawalReferral(id: $id) { id documents { id kind fileName contentType size uploadedAt uploadedBy downloadUrl downloadUrlExpiresAt } } }`;

async function link(id: string, file: { kind?: string; fileName?: string; contentType: string; size: number }, as: As = caseworker1980) {
  return ok(await gql(CREATE, { id, kind: file.kind ?? 'AUDIT', fileName: file.fileName ?? 'audit.pdf', ...file }, { as })).createReferralDocumentUpload as {
    documentId: string;
    url: string;
    method: string;
    expiresAt: string;
    maxBytes: number;
  };
}

/** The stored row of a document: whether it holds bytes, and how many. */
async function stored(documentId: string) {
  const rows = await psychiatrySql((sql) => sql`select content is not null as uploaded, octet_length(content) as bytes from document where id = ${documentId}`);
  return rows[0] as { uploaded: boolean; bytes: number | null } | undefined;
}

/** The audit events on one document, oldest first. */
async function documentAudit(documentId: string) {
  return psychiatrySql(
    (sql) =>
      sql`select action, entity, user_id, organisation_id, basis, fields, person_ids, owner_organisation_id from audit_event where entity_ids @> array[${documentId}]::text[] order by seq`,
  ) as Promise<Array<Record<string, unknown>>>;
}

const tokenText = (t: Partial<DocumentToken> & Pick<DocumentToken, 'doc'>, secret = hub().env.HUB_GATEWAY_SECRET!) =>
  signDocumentToken(secret, { op: 'down', sg: 'psychiatry', sub: coordinator19.sub!, org: coordinator19.org, exp: Date.now() + 60_000, ...t });

async function uploaded(kind = 'AUDIT', bytes = PDF, contentType = 'application/pdf', fileName = 'audit 2026-01-10.pdf') {
  const { referral } = await submit(caseworker1980, RECEIVED);
  const up = await link(referral.id as string, { kind, fileName, contentType, size: bytes.length });
  const res = await send(up.url, { as: caseworker1980, body: bytes, contentType, clock: UPLOADED });
  expect(res.status, res.bytes.toString()).toBe(201);
  return { referral, documentId: up.documentId, personId: referral.person.id as string };
}

describe('a referral document end to end', () => {
  it('is uploaded by the caseworker, listed to the coordinator, downloaded with its bytes, and each step audited', async () => {
    const { referral } = await submit(caseworker1980, RECEIVED);
    const id = referral.id as string;
    const up = await link(id, { kind: 'AUDIT', fileName: 'AUDIT Åsa 2026-01-10.pdf', contentType: 'application/pdf', size: PDF.length });
    expect(up.url).toMatch(/^\/documents\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(up.method).toBe('POST');
    expect(up.maxBytes).toBe(10_000_000);
    expect(new Date(up.expiresAt).getTime() - Date.now()).toBeGreaterThan(9 * 60_000);
    // the link names no file: only ids
    expect(Buffer.from(up.url.split('/')[2]!.split('.')[0]!, 'base64url').toString()).not.toContain('AUDIT');
    // nothing listed while the link is pending
    expect(ok(await gql(LIST, { id }, { as: coordinator19 })).withdrawalReferral.documents).toEqual([]);

    const put = await send(up.url, { as: caseworker1980, body: PDF, contentType: 'application/pdf', clock: UPLOADED });
    expect(put.status).toBe(201);
    expect(put.json).toEqual({ id: up.documentId, kind: 'AUDIT', contentType: 'application/pdf', size: PDF.length, uploadedAt: UPLOADED_AT });

    const listed = ok(await gql(LIST, { id }, { as: coordinator19 })).withdrawalReferral.documents as Array<Record<string, any>>;
    expect(listed.map(({ downloadUrl: _u, downloadUrlExpiresAt: _e, ...d }) => d)).toEqual([
      {
        id: up.documentId,
        kind: 'AUDIT',
        fileName: 'AUDIT Åsa 2026-01-10.pdf',
        contentType: 'application/pdf',
        size: PDF.length,
        uploadedAt: UPLOADED_AT,
        uploadedBy: 'Anna Svensson (Västerås stad, socialtjänsten)',
      },
    ]);
    // each list (the empty one while pending, then this one) is part of the referral's own read event
    const listRead = {
      action: 'READ',
      entity: 'WithdrawalReferral',
      user_id: 'maria.berg',
      organisation_id: 'psychiatry:19',
      basis: 'receiving psychiatry organisation',
      fields: ['documents', 'id'],
    };
    expect((await auditOf(id)).filter((e) => e.action === 'READ' && e.user_id === 'maria.berg')).toEqual([listRead, listRead]);
    const down = await send(listed[0]!.downloadUrl, { as: coordinator19 });
    expect(down.status).toBe(200);
    expect(down.bytes.equals(PDF)).toBe(true);
    expect(down.headers.get('content-type')).toBe('application/pdf');
    expect(down.headers.get('content-disposition')).toBe(
      `attachment; filename="AUDIT _sa 2026-01-10.pdf"; filename*=UTF-8''${encodeURIComponent('AUDIT Åsa 2026-01-10.pdf')}`,
    );
    expect(down.headers.get('x-content-type-options')).toBe('nosniff');
    expect(down.headers.get('cache-control')).toBe('no-store');
    // the same link again: another download, another audit event
    expect((await send(listed[0]!.downloadUrl, { as: coordinator19 })).status).toBe(200);

    const person = referral.person.id as string;
    const created = { entity: 'WithdrawalReferralDocument', fields: ['content'], person_ids: [person], owner_organisation_id: 'psychiatry:19' };
    // the hub's processes logged the document (its id, size and type), never its name or its links
    expect(lines.some((l) => l.includes(up.documentId))).toBe(true);
    expect(lines.filter((l) => l.includes('Åsa') || l.includes(up.url.split('/')[2]!) || l.includes(listed[0]!.downloadUrl.split('/')[2]))).toEqual([]);
    expect(await documentAudit(up.documentId)).toEqual([
      { action: 'CREATE', user_id: 'anna.svensson', organisation_id: 'municipality:1980', basis: 'referring organisation', ...created },
      { action: 'READ', user_id: 'maria.berg', organisation_id: 'psychiatry:19', basis: 'receiving psychiatry organisation', ...created },
      { action: 'READ', user_id: 'maria.berg', organisation_id: 'psychiatry:19', basis: 'receiving psychiatry organisation', ...created },
    ]);
  });

  it.each([
    ['a PNG image', PNG, 'image/png', 'ASI'],
    ['a JPEG image', JPEG, 'image/jpeg', 'DUDIT'],
    ['plain UTF-8 text', TEXT, 'text/plain', 'OTHER'],
  ])('takes %s, and gives back the same bytes', async (_what, bytes, contentType, kind) => {
    // text goes back with its charset
    const served = contentType === 'text/plain' ? 'text/plain; charset=utf-8' : contentType;
    const { referral, documentId } = await uploaded(kind, bytes, contentType, `${kind}.file`);
    const listed = ok(await gql(LIST, { id: referral.id }, { as: caseworker1980 })).withdrawalReferral.documents as Array<Record<string, any>>;
    expect(listed.map((d) => [d.id, d.kind, d.contentType, d.size])).toEqual([[documentId, kind, contentType, bytes.length]]);
    const down = await send(listed[0]!.downloadUrl, { as: caseworker1980 });
    expect([down.status, down.headers.get('content-type'), down.bytes.equals(bytes)]).toEqual([200, served, true]);
  });

  it('lists several documents oldest first', async () => {
    const { referral } = await submit(caseworker1980, RECEIVED);
    const first = await link(referral.id, { kind: 'AUDIT', fileName: 'a.pdf', contentType: 'application/pdf', size: PDF.length });
    const second = await link(referral.id, { kind: 'DUDIT', fileName: 'b.txt', contentType: 'text/plain', size: TEXT.length });
    expect(
      (await send(second.url, { as: caseworker1980, body: TEXT, contentType: 'text/plain; charset=utf-8', clock: '2026-05-06T09:00:00+02:00' })).status,
    ).toBe(201);
    expect((await send(first.url, { as: caseworker1980, body: PDF, contentType: 'application/pdf', clock: '2026-05-06T11:00:00+02:00' })).status).toBe(201);
    const listed = ok(await gql(LIST, { id: referral.id }, { as: nurse19 })).withdrawalReferral.documents as Array<Record<string, any>>;
    expect(listed.map((d) => [d.fileName, d.uploadedAt])).toEqual([
      ['b.txt', '2026-05-06T09:00:00.000+02:00'],
      ['a.pdf', '2026-05-06T11:00:00.000+02:00'],
    ]);
  });
});

describe('an upload refused changes nothing and logs nothing', () => {
  let referralId = '';
  beforeAll(async () => {
    referralId = (await submit(caseworker1980, RECEIVED)).referral.id as string;
  });

  it.each([
    ['a content type the hub does not take', { contentType: 'application/zip' }, 'contentType'],
    ['a size of 0', { size: 0 }, 'size'],
    ['a size over HUB_DOCUMENT_MAX_BYTES', { size: 10_000_001 }, 'size'],
    ['an empty file name', { fileName: '  ' }, 'fileName'],
    ['a file name with a path', { fileName: '../etc/passwd' }, 'fileName'],
    ['a file name with a control character', { fileName: 'a\u0007.pdf' }, 'fileName'],
    ['a file name over 200 characters', { fileName: `${'a'.repeat(201)}.pdf` }, 'fileName'],
  ])('the mutation refuses %s: BAD_USER_INPUT naming the field, no row', async (_what, change, field) => {
    const before = await psychiatrySql((sql) => sql`select count(*)::int as n from document where record_id = ${referralId}`);
    const res = await gql(
      CREATE,
      { id: referralId, kind: 'AUDIT', fileName: 'audit.pdf', contentType: 'application/pdf', size: PDF.length, ...change },
      { as: caseworker1980 },
    );
    refused(res, 'BAD_USER_INPUT', field);
    expect(res.data ?? null).toBeNull();
    const after = await psychiatrySql((sql) => sql`select count(*)::int as n from document where record_id = ${referralId}`);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('an unknown or malformed referral id is NOT_FOUND, as one the caller may not see', async () => {
    for (const id of [randomUUID(), 'not-a-uuid']) {
      refused(await gql(CREATE, { id, kind: 'AUDIT', fileName: 'a.pdf', contentType: 'application/pdf', size: 10 }, { as: caseworker1980 }), 'NOT_FOUND');
    }
  });

  /** each case: a fresh link, one bad request, and the link is still pending and unused afterwards */
  const CASES: Array<[string, (url: string) => ReturnType<typeof send>, number, string, string | undefined]> = [
    [
      'bytes that are a PNG, declared PDF',
      (url) => send(url, { as: caseworker1980, body: Buffer.concat([PNG, Buffer.alloc(PDF.length - PNG.length)]), contentType: 'application/pdf' }),
      415,
      'BAD_USER_INPUT',
      'content',
    ],
    [
      'bytes that are no known type',
      (url) => send(url, { as: caseworker1980, body: Buffer.alloc(PDF.length, 0x01), contentType: 'application/pdf' }),
      415,
      'BAD_USER_INPUT',
      'content',
    ],
    [
      'a Content-Type other than declared',
      (url) => send(url, { as: caseworker1980, body: PDF, contentType: 'image/png' }),
      415,
      'BAD_USER_INPUT',
      'contentType',
    ],
    [
      'a form post (CSRF)',
      (url) => send(url, { as: caseworker1980, body: PDF, contentType: 'multipart/form-data; boundary=x' }),
      415,
      'BAD_USER_INPUT',
      'contentType',
    ],
    [
      'a urlencoded form post (CSRF)',
      (url) => send(url, { as: caseworker1980, body: PDF, contentType: 'application/x-www-form-urlencoded' }),
      415,
      'BAD_USER_INPUT',
      'contentType',
    ],
    [
      'fewer bytes than declared',
      (url) => send(url, { as: caseworker1980, body: PDF.subarray(0, PDF.length - 1), contentType: 'application/pdf' }),
      400,
      'BAD_USER_INPUT',
      'size',
    ],
    [
      'a body over HUB_DOCUMENT_MAX_BYTES',
      (url) => send(url, { as: caseworker1980, body: Buffer.concat([PDF, Buffer.alloc(10_000_001)]), contentType: 'application/pdf' }),
      413,
      'BAD_USER_INPUT',
      'content',
    ],
    [
      'no token (a cookie-only browser request)',
      (url) => send(url, { body: PDF, contentType: 'application/pdf', headers: { cookie: 'session=x' } }),
      401,
      'UNAUTHENTICATED',
      undefined,
    ],
    [
      'another caseworker of the same municipality',
      (url) => send(url, { as: { ...caseworker1980, sub: 'per.persson', name: 'Per Persson' }, body: PDF, contentType: 'application/pdf' }),
      403,
      'FORBIDDEN',
      undefined,
    ],
    ['the link used to download', (url) => send(url, { as: caseworker1980 }), 404, 'NOT_FOUND', undefined],
    [
      'the link with its signature changed',
      (url) => send(`${url.slice(0, -1)}${url.endsWith('A') ? 'B' : 'A'}`, { as: caseworker1980, body: PDF, contentType: 'application/pdf' }),
      404,
      'NOT_FOUND',
      undefined,
    ],
  ];
  for (const [what, request, status, code, field] of CASES) {
    it(`${what}: ${status} ${code}${field ? ` (${field})` : ''}, nothing stored, the link still good`, async () => {
      const up = await link(referralId, { contentType: 'application/pdf', size: PDF.length });
      const res = await request(up.url);
      expect([res.status, errorOf(res)]).toEqual([status, { code, field }]);
      expect(await stored(up.documentId)).toEqual({ uploaded: false, bytes: null });
      expect(await documentAudit(up.documentId)).toEqual([]);
      expect((await send(up.url, { as: caseworker1980, body: PDF, contentType: 'application/pdf' })).status).toBe(201);
    });
  }

  it('a link used once is refused the second time: 409 CONFLICT, the first bytes kept', async () => {
    const up = await link(referralId, { contentType: 'text/plain', size: TEXT.length });
    expect((await send(up.url, { as: caseworker1980, body: TEXT, contentType: 'text/plain' })).status).toBe(201);
    const other = Buffer.from('x'.repeat(TEXT.length));
    const again = await send(up.url, { as: caseworker1980, body: other, contentType: 'text/plain' });
    expect([again.status, errorOf(again)]).toEqual([409, { code: 'CONFLICT', field: undefined }]);
    expect(await stored(up.documentId)).toEqual({ uploaded: true, bytes: TEXT.length });
    expect((await documentAudit(up.documentId)).map((e) => e.action)).toEqual(['CREATE']);
  });

  it('an expired link is 410 GONE: by its token, and by the stored row', async () => {
    const up = await link(referralId, { contentType: 'application/pdf', size: PDF.length });
    const expiredToken = tokenText({ op: 'up', doc: up.documentId, sub: caseworker1980.sub!, org: caseworker1980.org, exp: Date.now() - 1 });
    const byToken = await send(`/documents/${expiredToken}`, { as: caseworker1980, body: PDF, contentType: 'application/pdf' });
    expect([byToken.status, errorOf(byToken)]).toEqual([410, { code: 'GONE', field: undefined }]);
    await psychiatrySql((sql) => sql`update document set upload_expires_at = now() - interval '1 second' where id = ${up.documentId}`);
    const byRow = await send(up.url, { as: caseworker1980, body: PDF, contentType: 'application/pdf' });
    expect([byRow.status, errorOf(byRow)]).toEqual([410, { code: 'GONE', field: undefined }]);
    expect(await stored(up.documentId)).toEqual({ uploaded: false, bytes: null });
  });

  it('a link signed with another secret is 404 at the gateway', async () => {
    const up = await link(referralId, { contentType: 'application/pdf', size: PDF.length });
    const forged = tokenText({ op: 'up', doc: up.documentId, sub: caseworker1980.sub!, org: caseworker1980.org }, 'y'.repeat(64));
    const res = await send(`/documents/${forged}`, { as: caseworker1980, body: PDF, contentType: 'application/pdf' });
    expect([res.status, errorOf(res)]).toEqual([404, { code: 'NOT_FOUND', field: undefined }]);
  });

  it("the subgraph's document endpoint refuses a request the gateway did not sign", async () => {
    const up = await link(referralId, { contentType: 'application/pdf', size: PDF.length });
    const res = await fetch(new URL(up.url, hub().subgraphUrls.psychiatry), {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokenFor(caseworker1980)}`, 'content-type': 'application/pdf' },
      body: new Uint8Array(PDF),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect(await stored(up.documentId)).toEqual({ uploaded: false, bytes: null });
  });
});

describe('a download', () => {
  it('by a link made for another user is 403; one for a caller who cannot see the referral is 404; an expired one 410; none audited', async () => {
    const { documentId } = await uploaded();
    const cases: Array<[string, As, number, string]> = [
      [tokenText({ doc: documentId }), { ...coordinator19, sub: 'someone.else' }, 403, 'FORBIDDEN'],
      [tokenText({ doc: documentId, sub: coordinator01.sub!, org: coordinator01.org }), coordinator01, 404, 'NOT_FOUND'],
      [tokenText({ doc: documentId, sub: caseworker1981.sub!, org: caseworker1981.org }), caseworker1981, 404, 'NOT_FOUND'],
      [tokenText({ doc: randomUUID() }), coordinator19, 404, 'NOT_FOUND'],
      [tokenText({ doc: documentId, exp: Date.now() - 1 }), coordinator19, 410, 'GONE'],
      [tokenText({ doc: documentId, op: 'up' }), coordinator19, 404, 'NOT_FOUND'],
    ];
    for (const [token, as, status, code] of cases) {
      const res = await send(`/documents/${token}`, { as });
      expect([res.status, errorOf(res).code, res.bytes.includes(PDF)]).toEqual([status, code, false]);
    }
    expect((await documentAudit(documentId)).map((e) => e.action)).toEqual(['CREATE']);
  });
});

// ------------------------------------------------------------------ role × organisation

const as = (org: string, role: As['roles'][number]): As => ({ org, roles: [role], sub: `${org}-${role}`.toLowerCase(), name: `${role} ${org}` });

type Outcome = 'ok' | 'FORBIDDEN' | 'NOT_FOUND';
/** caller, listing (the referral with its documents, or null), creating an upload link, downloading with a link of their own */
const TABLE: Array<[string, As, list: 'visible' | 'hidden', create: Outcome, download: 200 | 404]> = [
  ['the referring caseworker (municipality:1980)', caseworker1980, 'visible', 'ok', 200],
  ['another caseworker of the referring municipality', as('municipality:1980', 'CASEWORKER'), 'visible', 'ok', 200],
  ['a caseworker of another municipality in the region (1981)', caseworker1981, 'hidden', 'NOT_FOUND', 404],
  ['a caseworker of another region (0180)', caseworker0180, 'hidden', 'NOT_FOUND', 404],
  ['the receiving coordinator (psychiatry:19)', coordinator19, 'visible', 'FORBIDDEN', 200],
  ['a physician of the receiving organisation', physician19, 'visible', 'FORBIDDEN', 200],
  ['the chief physician of the receiving organisation', chiefPhysician19, 'visible', 'FORBIDDEN', 200],
  ['a nurse of the receiving organisation', nurse19, 'visible', 'FORBIDDEN', 200],
  ['a council member of the receiving psychiatry', as('psychiatry:19', 'COUNCIL_MEMBER'), 'hidden', 'FORBIDDEN', 404],
  ['a log reviewer of the receiving psychiatry', as('psychiatry:19', 'LOG_REVIEWER'), 'hidden', 'FORBIDDEN', 404],
  ["the other region's coordinator (psychiatry:01)", coordinator01, 'hidden', 'FORBIDDEN', 404],
  ['a council member of the referring municipality', as('municipality:1980', 'COUNCIL_MEMBER'), 'hidden', 'FORBIDDEN', 404],
  ['a probation officer', as('probation:vasteras', 'PROBATION_OFFICER'), 'hidden', 'FORBIDDEN', 404],
  ['a clinic physician', as('clinic:0180-sodermalm', 'PHYSICIAN'), 'hidden', 'FORBIDDEN', 404],
];

describe('documents by role × organisation', () => {
  let fixture: Awaited<ReturnType<typeof uploaded>>;
  beforeAll(async () => {
    fixture = await uploaded('ASI', PDF, 'application/pdf', 'ASI-intervju hemlig.pdf');
  });

  for (const [who, caller, list, create, download] of TABLE) {
    // removing: whoever may attach (the referring organisation's caseworkers), the same outcome as create
    const remove = create;
    it(`${who} · list → ${list}`, async () => {
      const res = await gql(LIST, { id: fixture.referral.id }, { as: caller });
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      if (list === 'visible') {
        const docs = res.data!.withdrawalReferral.documents as Array<Record<string, any>>;
        expect(docs.map((d) => [d.id, d.fileName])).toEqual([[fixture.documentId, 'ASI-intervju hemlig.pdf']]);
      } else {
        expect(res.data).toEqual({ withdrawalReferral: null });
        expect(JSON.stringify(res)).not.toContain('hemlig');
      }
    });

    it(`${who} · createReferralDocumentUpload → ${create}`, async () => {
      const { referral } = await submit(caseworker1980, RECEIVED);
      const res = await gql(CREATE, { id: referral.id, kind: 'OTHER', fileName: 'x.txt', contentType: 'text/plain', size: 3 }, { as: caller });
      const rows = await psychiatrySql((sql) => sql`select count(*)::int as n from document where record_id = ${referral.id}`);
      if (create === 'ok') {
        expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
        expect(rows[0]!.n).toBe(1);
      } else {
        expect(res.errors?.map((e) => e.extensions?.code)).toEqual([create]);
        expect(res.data ?? null).toBeNull();
        expect(rows[0]!.n).toBe(0);
      }
    });

    it(`${who} · download with a link of their own → ${download}`, async () => {
      const token = tokenText({ doc: fixture.documentId, sub: caller.sub!, org: caller.org });
      const res = await send(`/documents/${token}`, { as: caller });
      expect(res.status).toBe(download);
      expect(res.bytes.equals(PDF)).toBe(download === 200);
      if (download === 404) expect(errorOf(res).code).toBe('NOT_FOUND');
      const reads = (await documentAudit(fixture.documentId)).filter((e) => e.action === 'READ' && e.user_id === caller.sub);
      expect(reads.length).toBe(download === 200 ? 1 : 0);
    });

    it(`${who} · removeReferralDocument → ${remove}`, async () => {
      const { referral, documentId } = await uploaded('AUDIT', TEXT, 'text/plain', 'audit.txt');
      const res = await gql(REMOVE, { id: documentId, reason: 'Fel person' }, { as: caller });
      const [row] = await psychiatrySql(
        (sql) => sql`select content is not null as kept, removed_at is not null as removed from document where id = ${documentId}`,
      );
      const actions = (await documentAudit(documentId)).map((e) => e.action);
      if (remove === 'ok') {
        const organisation = 'Västerås stad, socialtjänsten';
        expect(ok(res).removeReferralDocument).toEqual({
          id: documentId,
          kind: 'AUDIT',
          fileName: 'audit.txt',
          size: TEXT.length,
          uploadedBy: `Anna Svensson (${organisation})`,
          removedAt: expect.any(String),
          removedBy: `${caller.name} (${organisation})`,
          reason: 'Fel person',
        });
        expect(row).toEqual({ kept: false, removed: true });
        expect(actions).toEqual(['CREATE', 'DELETE']);
        // the receiving coordinator sees it gone from the list, and in the removed ones with who and why
        const seen = ok(await gql(REMOVED, { id: referral.id }, { as: coordinator19 })).withdrawalReferral;
        expect(seen.documents).toEqual([]);
        expect(seen.removedDocuments).toEqual([{ id: documentId, fileName: 'audit.txt', removedBy: `${caller.name} (${organisation})`, reason: 'Fel person' }]);
      } else {
        expect(res.errors?.map((e) => e.extensions?.code)).toEqual([remove]);
        expect(res.data ?? null).toBeNull();
        expect(row).toEqual({ kept: true, removed: false });
        expect(actions).toEqual(['CREATE']);
      }
    });
  }
});

describe('removing a referral document', () => {
  it('needs a reason (BAD_USER_INPUT naming it); an unknown or malformed id is NOT_FOUND; a second removal CONFLICT', async () => {
    const { documentId } = await uploaded();
    refused(await gql(REMOVE, { id: documentId, reason: ' ' }, { as: caseworker1980 }), 'BAD_USER_INPUT', 'reason');
    refused(await gql(REMOVE, { id: documentId, reason: 'x'.repeat(2001) }, { as: caseworker1980 }), 'BAD_USER_INPUT', 'reason');
    refused(await gql(REMOVE, { id: randomUUID(), reason: 'x' }, { as: caseworker1980 }), 'NOT_FOUND');
    refused(await gql(REMOVE, { id: 'not-a-uuid', reason: 'x' }, { as: caseworker1980 }), 'NOT_FOUND');
    expect((await documentAudit(documentId)).map((e) => e.action)).toEqual(['CREATE']);
    ok(await gql(REMOVE, { id: documentId, reason: 'Dubblett' }, { as: caseworker1980 }));
    refused(await gql(REMOVE, { id: documentId, reason: 'igen' }, { as: caseworker1980 }), 'CONFLICT', 'documentId');
    expect((await documentAudit(documentId)).map((e) => e.action)).toEqual(['CREATE', 'DELETE']);
  });

  it('a pending upload (never uploaded) cannot be removed: NOT_FOUND', async () => {
    const { referral } = await submit(caseworker1980, RECEIVED);
    const up = await link(referral.id as string, { contentType: 'application/pdf', size: PDF.length });
    refused(await gql(REMOVE, { id: up.documentId, reason: 'x' }, { as: caseworker1980 }), 'NOT_FOUND');
  });
});

describe('the rate limits of the gateway', () => {
  let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;
  afterAll(async () => {
    await gateway?.close();
  });

  it('count document requests as GraphQL requests: the caller over the limit is answered 429 RATE_LIMITED with Retry-After', async () => {
    const supergraph = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
    const urls = Object.fromEntries(Object.entries(hub().subgraphUrls).map(([k, v]) => [`${k.toUpperCase()}_URL`, v]));
    const limits = { HUB_RATE_LIMIT_PER_MINUTE: '1', HUB_RATE_LIMIT_BURST: '2', HUB_RATE_LIMIT_ANON_PER_MINUTE: '1', HUB_RATE_LIMIT_ANON_BURST: '1' };
    gateway = await startGateway(loadGatewayConfig({ ...hub().env, GATEWAY_PORT: '0', ...urls, ...limits }), supergraph);
    const { documentId } = await uploaded();
    const at = (path: string) => new URL(path, gateway!.url).toString();
    const caller = { ...coordinator19, sub: 'limits-documents' };
    const url = at(linkFor(caller, { sg: 'psychiatry', doc: documentId }));
    expect((await send(url, { as: caller })).status).toBe(200);
    expect((await send(url, { as: caller })).status).toBe(200);
    const refused = await send(url, { as: caller });
    expect([refused.status, errorOf(refused).code, Number(refused.headers.get('retry-after')) >= 1]).toEqual([429, 'RATE_LIMITED', true]);
    // without a token: the address's bucket
    expect((await send(url)).status).toBe(401);
    expect((await send(url)).status).toBe(429);
    // two downloads were served and audited, the refused one neither
    expect((await documentAudit(documentId)).filter((e) => e.user_id === 'limits-documents').length).toBe(2);
  });
});
