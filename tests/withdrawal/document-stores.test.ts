/**
 * The two document stores (issue 14, "Documents"): PostgreSQL bytea, and an S3-compatible bucket
 * when HUB_DOCUMENT_S3_BUCKET is set (a real s3rver on 127.0.0.1, started here). The same table
 * of cases runs against a hub of each kind, through the gateway: upload, download, the size
 * limit, content sniffing, access, single use, removal and the pruning of unused upload links must
 * behave exactly alike. Then what only the bucket can do: a row whose object is gone is reported,
 * and /ready heads the bucket.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import postgres from 'postgres';
import { startHub } from '../setup/hub-server.ts';
import type { Stack } from '../../scripts/stack.ts';
import { journalLength, subgraphReadiness } from '../../services/shared/src/health.ts';
import { s3DocumentStore } from '../../services/shared/src/document-store.ts';
import { gql, hub, type As } from '../helpers/hub.ts';
import { errorOf, JPEG, linkFor, PDF, PNG, send, TEXT } from '../helpers/documents.ts';
import { startRelay, startS3, type Relay, type TestS3 } from '../helpers/s3.ts';
import { caseworker1980, caseworker1981, coordinator19, ok, referralInput, refused, SUBMIT } from '../helpers/withdrawal.ts';

const CREATE = `mutation($id: ID!, $kind: AssessmentInstrument!, $fileName: String!, $contentType: String!, $size: Int!) {
  createReferralDocumentUpload(referralId: $id, kind: $kind, fileName: $fileName, contentType: $contentType, size: $size) { documentId url } }`;
const LIST = `query($id: ID!) { withdrawalReferral(id: $id) { documents { id fileName size downloadUrl } removedDocuments { id fileName removedBy reason } } }`;
const REMOVE = `mutation($id: ID!, $reason: String!) { removeReferralDocument(documentId: $id, reason: $reason) { id removedAt removedBy reason } }`;

interface Arm {
  store: 'postgresql' | 's3';
  stack: Stack;
}

let s3: TestS3;
/** the S3 hub reaches its bucket through this relay, so that a test can take the store down */
let relay: Relay;
const arms: Record<Arm['store'], Arm> = {} as Record<Arm['store'], Arm>;

beforeAll(async () => {
  s3 = await startS3();
  relay = await startRelay(s3.env.HUB_DOCUMENT_S3_ENDPOINT!);
  const server = inject('hubServer');
  const h = hub();
  // both hubs prune often, so that the pruning case need not wait long
  const env = { ...h.env, HUB_DOCUMENT_PRUNE_INTERVAL_MS: '100' };
  const start = (store: Arm['store'], extra: Record<string, string>) =>
    startHub({ ...h, templatePrefix: server.templatePrefix, prefix: `${h.prefix}_${store === 's3' ? 's3' : 'pg'}`, env: { ...env, ...extra } });
  const [pg, bucket] = await Promise.all([start('postgresql', {}), start('s3', { ...s3.env, HUB_DOCUMENT_S3_ENDPOINT: relay.endpoint })]);
  arms.postgresql = { store: 'postgresql', stack: pg };
  arms.s3 = { store: 's3', stack: bucket };
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(arms).map((a) => a.stack.stop()));
  await relay?.stop();
  await s3?.stop();
});

async function sqlOf<T>(arm: Arm, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(arm.stack.databaseUrls.psychiatry, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

const at = (arm: Arm, path: string) => new URL(path, arm.stack.gatewayUrl).toString();
const call = (arm: Arm, query: string, variables: Record<string, unknown>, as: As) => gql(query, variables, { as, url: arm.stack.gatewayUrl });

async function referral(arm: Arm): Promise<string> {
  return ok(await call(arm, SUBMIT, { input: referralInput() }, caseworker1980)).submitWithdrawalReferral.id as string;
}

async function link(arm: Arm, referralId: string, bytes: Buffer, contentType: string, fileName = 'audit.pdf') {
  const res = await call(arm, CREATE, { id: referralId, kind: 'AUDIT', fileName, contentType, size: bytes.length }, caseworker1980);
  const up = ok(res).createReferralDocumentUpload as { documentId: string; url: string };
  return { ...up, url: at(arm, up.url) };
}

async function uploaded(arm: Arm, bytes = PDF, contentType = 'application/pdf') {
  const referralId = await referral(arm);
  const up = await link(arm, referralId, bytes, contentType);
  const res = await send(up.url, { as: caseworker1980, body: bytes, contentType });
  expect(res.status, res.bytes.toString()).toBe(201);
  return { referralId, documentId: up.documentId };
}

/** What the store holds of a document: the row's state, and its bytes wherever the store keeps them. */
async function held(arm: Arm, documentId: string) {
  const [row] = await sqlOf(
    arm,
    (sql) =>
      sql`select uploaded_at is not null as uploaded, content, storage_key, sha256, size, removed_at is not null as removed from document where id = ${documentId}`,
  );
  if (!row) return null;
  const bytes = arm.store === 's3' ? (row.storage_key ? await s3.object(row.storage_key as string) : null) : (row.content as Buffer | null);
  return {
    uploaded: row.uploaded as boolean,
    removed: row.removed as boolean,
    bytes,
    key: row.storage_key as string | null,
    sha256: row.sha256 as string | null,
  };
}

const audit = (arm: Arm, documentId: string) =>
  sqlOf(arm, (sql) => sql`select action, user_id from audit_event where entity_ids @> array[${documentId}]::text[] order by seq`) as Promise<
    Array<{ action: string; user_id: string }>
  >;

describe.each(['postgresql', 's3'] as const)('documents kept in %s', (store) => {
  const arm = () => arms[store];

  it('keeps exactly the bytes uploaded, with their SHA-256, where this store keeps them; the download gives them back, audited', async () => {
    const { referralId, documentId } = await uploaded(arm());
    const kept = await held(arm(), documentId);
    expect(kept!.bytes!.equals(PDF)).toBe(true);
    expect(kept!.sha256).toBe(createHash('sha256').update(PDF).digest('hex'));
    if (store === 's3') {
      // the key is opaque: neither the file's name nor anything of the person
      expect(kept!.key).toMatch(/^documents\/[0-9a-f-]{36}$/);
      const [row] = await sqlOf(arm(), (sql) => sql`select content from document where id = ${documentId}`);
      expect(row!.content).toBeNull();
    } else expect(kept!.key).toBeNull();
    const listed = ok(await call(arm(), LIST, { id: referralId }, coordinator19)).withdrawalReferral.documents as Array<Record<string, any>>;
    expect(listed.map((d) => [d.id, d.fileName, d.size])).toEqual([[documentId, 'audit.pdf', PDF.length]]);
    const down = await send(at(arm(), listed[0]!.downloadUrl), { as: coordinator19 });
    expect([down.status, down.headers.get('content-type'), down.headers.get('content-length'), down.bytes.equals(PDF)]).toEqual([
      200,
      'application/pdf',
      String(PDF.length),
      true,
    ]);
    expect(await audit(arm(), documentId)).toEqual([
      { action: 'CREATE', user_id: 'anna.svensson' },
      { action: 'READ', user_id: 'maria.berg' },
    ]);
  });

  it.each([
    ['a PNG image', PNG, 'image/png'],
    ['a JPEG image', JPEG, 'image/jpeg'],
    ['plain UTF-8 text', TEXT, 'text/plain'],
  ])('takes %s and gives back the same bytes', async (_what, bytes, contentType) => {
    const { documentId } = await uploaded(arm(), bytes, contentType);
    const down = await send(at(arm(), linkFor(caseworker1980, { sg: 'psychiatry', doc: documentId })), { as: caseworker1980 });
    expect([down.status, down.bytes.equals(bytes)]).toEqual([200, true]);
  });

  /** one bad upload each: the same status and error in both stores, nothing kept, no object, the link still good */
  const REFUSED: Array<[string, Buffer, string, number, string, string | undefined, As | null]> = [
    [
      'bytes that are a PNG, declared PDF',
      Buffer.concat([PNG, Buffer.alloc(PDF.length - PNG.length)]),
      'application/pdf',
      415,
      'BAD_USER_INPUT',
      'content',
      caseworker1980,
    ],
    ['bytes of no known type', Buffer.alloc(PDF.length, 0x01), 'application/pdf', 415, 'BAD_USER_INPUT', 'content', caseworker1980],
    ['fewer bytes than declared', PDF.subarray(1), 'application/pdf', 400, 'BAD_USER_INPUT', 'size', caseworker1980],
    ['a body over HUB_DOCUMENT_MAX_BYTES', Buffer.concat([PDF, Buffer.alloc(10_000_001)]), 'application/pdf', 413, 'BAD_USER_INPUT', 'content', caseworker1980],
    ['another user', PDF, 'application/pdf', 403, 'FORBIDDEN', undefined, { ...caseworker1980, sub: 'per.persson' }],
    ['no token', PDF, 'application/pdf', 401, 'UNAUTHENTICATED', undefined, null],
  ];
  it.each(REFUSED)('refuses %s alike', async (_what, body, contentType, status, code, field, as) => {
    const referralId = await referral(arm());
    const up = await link(arm(), referralId, PDF, 'application/pdf');
    const keysBefore = await s3.keys();
    const res = await send(up.url, { as, body, contentType });
    expect([res.status, errorOf(res)]).toEqual([status, { code, field }]);
    expect(await held(arm(), up.documentId)).toEqual({ uploaded: false, removed: false, bytes: null, key: null, sha256: null });
    expect(await s3.keys()).toEqual(keysBefore);
    expect((await send(up.url, { as: caseworker1980, body: PDF, contentType: 'application/pdf' })).status).toBe(201);
  });

  it('refuses a size over the limit at the mutation alike, with no row', async () => {
    const referralId = await referral(arm());
    const res = await call(
      arm(),
      CREATE,
      { id: referralId, kind: 'AUDIT', fileName: 'a.pdf', contentType: 'application/pdf', size: 10_000_001 },
      caseworker1980,
    );
    refused(res, 'BAD_USER_INPUT', 'size');
    expect((await sqlOf(arm(), (sql) => sql`select count(*)::int as n from document where record_id = ${referralId}`))[0]!.n).toBe(0);
  });

  it('a link is used once alike: the second upload is 409 CONFLICT and the first bytes stay', async () => {
    const referralId = await referral(arm());
    const up = await link(arm(), referralId, TEXT, 'text/plain');
    expect((await send(up.url, { as: caseworker1980, body: TEXT, contentType: 'text/plain' })).status).toBe(201);
    const keys = await s3.keys();
    const again = await send(up.url, { as: caseworker1980, body: Buffer.from('x'.repeat(TEXT.length)), contentType: 'text/plain' });
    expect([again.status, errorOf(again).code]).toEqual([409, 'CONFLICT']);
    expect((await held(arm(), up.documentId))!.bytes!.equals(TEXT)).toBe(true);
    expect(await s3.keys()).toEqual(keys);
  });

  it('gives a download only to those who see the referral, alike', async () => {
    const { documentId } = await uploaded(arm());
    const other = await send(at(arm(), linkFor(caseworker1981, { sg: 'psychiatry', doc: documentId })), { as: caseworker1981 });
    expect([other.status, errorOf(other).code, other.bytes.includes(PDF)]).toEqual([404, 'NOT_FOUND', false]);
    const notTheirs = await send(at(arm(), linkFor(coordinator19, { sg: 'psychiatry', doc: documentId })), { as: { ...coordinator19, sub: 'x.y' } });
    expect([notTheirs.status, errorOf(notTheirs).code]).toEqual([403, 'FORBIDDEN']);
    expect((await audit(arm(), documentId)).map((e) => e.action)).toEqual(['CREATE']);
  });

  it('removes a document alike: the bytes gone from the store, the tombstone listed, a download 410 GONE, audited', async () => {
    const { referralId, documentId } = await uploaded(arm());
    const key = (await held(arm(), documentId))!.key;
    const removed = ok(await call(arm(), REMOVE, { id: documentId, reason: 'Fel person' }, caseworker1980)).removeReferralDocument;
    expect([removed.id, removed.removedBy, removed.reason]).toEqual([documentId, 'Anna Svensson (Västerås stad, socialtjänsten)', 'Fel person']);
    expect(await held(arm(), documentId)).toEqual({ uploaded: true, removed: true, bytes: null, key: null, sha256: expect.any(String) });
    if (key) expect(await s3.object(key)).toBeNull();
    const list = ok(await call(arm(), LIST, { id: referralId }, coordinator19)).withdrawalReferral;
    expect(list.documents).toEqual([]);
    expect(list.removedDocuments).toEqual([
      { id: documentId, fileName: 'audit.pdf', removedBy: 'Anna Svensson (Västerås stad, socialtjänsten)', reason: 'Fel person' },
    ]);
    const down = await send(at(arm(), linkFor(coordinator19, { sg: 'psychiatry', doc: documentId })), { as: coordinator19 });
    expect([down.status, errorOf(down).code]).toEqual([410, 'GONE']);
    refused(await call(arm(), REMOVE, { id: documentId, reason: 'igen' }, caseworker1980), 'CONFLICT', 'documentId');
    expect((await audit(arm(), documentId)).map((e) => e.action)).toEqual(['CREATE', 'DELETE']);
  });

  it('prunes an unused upload link an hour after it expired, and keeps a used one and a fresh one', async () => {
    const referralId = await referral(arm());
    const unused = await link(arm(), referralId, PDF, 'application/pdf');
    const fresh = await link(arm(), referralId, PDF, 'application/pdf');
    const used = await link(arm(), referralId, PDF, 'application/pdf');
    expect((await send(used.url, { as: caseworker1980, body: PDF, contentType: 'application/pdf' })).status).toBe(201);
    // an upload attempt that stopped after putting its object (the process died): the pruner deletes the object too
    const orphanKey = `documents/${unused.documentId}`;
    if (store === 's3') {
      await s3Put(orphanKey);
      await sqlOf(arm(), (sql) => sql`update document set storage_key = ${orphanKey} where id = ${unused.documentId}`);
    }
    await sqlOf(
      arm(),
      (sql) => sql`update document set upload_expires_at = now() - interval '61 minutes' where id in ${sql([unused.documentId, used.documentId])}`,
    );
    // the pruner runs every 100 ms here; wait for it, at most 10 s
    const deadline = Date.now() + 10_000;
    while ((await held(arm(), unused.documentId)) !== null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await held(arm(), unused.documentId)).toBeNull();
    expect((await held(arm(), used.documentId))!.bytes!.equals(PDF)).toBe(true);
    expect((await held(arm(), fresh.documentId))!.uploaded).toBe(false);
    if (store === 's3') expect(await s3.object(orphanKey)).toBeNull();
  });
});

/** An object put straight into the bucket, as an upload attempt would have before it stopped. */
async function s3Put(key: string, bytes = PDF, contentType = 'application/pdf') {
  const store = testStore();
  try {
    await store.put(key, bytes, createHash('sha256').update(bytes).digest(), contentType);
  } finally {
    store.close();
  }
}

/** The hub's own S3 client over the test server's bucket (or another). */
const testStore = (bucket = s3.bucket) =>
  s3DocumentStore({
    bucket,
    endpoint: s3.env.HUB_DOCUMENT_S3_ENDPOINT!,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
  });

describe('the S3 store only', () => {
  it('reports a document whose object is missing: 500 DOCUMENT_CONTENT_MISSING, no read audited, nothing sent', async () => {
    const { documentId } = await uploaded(arms.s3);
    const key = (await held(arms.s3, documentId))!.key!;
    await s3.drop(key);
    const down = await send(at(arms.s3, linkFor(coordinator19, { sg: 'psychiatry', doc: documentId })), { as: coordinator19 });
    expect([down.status, errorOf(down).code]).toEqual([500, 'DOCUMENT_CONTENT_MISSING']);
    expect(down.json!.errors[0].message).toContain('missing from the document store');
    expect((await audit(arms.s3, documentId)).map((e) => e.action)).toEqual(['CREATE']);
  });

  it('cuts off a download whose object is not the bytes uploaded (the SHA-256 differs)', async () => {
    const { documentId } = await uploaded(arms.s3, TEXT, 'text/plain');
    const key = (await held(arms.s3, documentId))!.key!;
    const other = Buffer.from('y'.repeat(TEXT.length));
    await s3Put(key, other, 'text/plain');
    const url = at(arms.s3, linkFor(coordinator19, { sg: 'psychiatry', doc: documentId }));
    // the one chunk is held back until its hash is known: not one byte of it leaves (a longer document's download is cut off)
    const down = await send(url, { as: coordinator19 });
    expect([down.status, errorOf(down).code, down.bytes.includes(other)]).toEqual([500, 'DOCUMENT_CONTENT_MISMATCH', false]);
  });

  it('answers 503 DOCUMENT_STORE_UNAVAILABLE when the store goes down during the put: nothing kept, nothing audited, the link good again once it is back', async () => {
    const referralId = await referral(arms.s3);
    const up = await link(arms.s3, referralId, PDF, 'application/pdf');
    const keysBefore = await s3.keys();
    relay.cut(true);
    let res: Awaited<ReturnType<typeof send>>;
    try {
      res = await send(up.url, { as: caseworker1980, body: PDF, contentType: 'application/pdf' });
    } finally {
      relay.cut(false);
    }
    expect([res.status, errorOf(res)]).toEqual([503, { code: 'DOCUMENT_STORE_UNAVAILABLE', field: undefined }]);
    expect(res.json!.errors[0].message).toBe('The document store could not take the document; nothing was stored. Please send it again.');
    expect(await held(arms.s3, up.documentId)).toEqual({ uploaded: false, removed: false, bytes: null, key: null, sha256: null });
    expect(await s3.keys()).toEqual(keysBefore);
    expect(await audit(arms.s3, up.documentId)).toEqual([]);
    const again = await send(up.url, { as: caseworker1980, body: PDF, contentType: 'application/pdf' });
    expect(again.status).toBe(201);
    expect((await held(arms.s3, up.documentId))!.bytes!.equals(PDF)).toBe(true);
  });

  it('/ready names the bucket it heads; a bucket that does not exist makes the subgraph unavailable', async () => {
    const ready = await fetch(new URL('/ready', arms.s3.stack.subgraphUrls.psychiatry));
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready', subgraph: 'psychiatry', documentStore: { kind: 's3', bucket: s3.bucket } }]);
    const plain = await fetch(new URL('/ready', arms.postgresql.stack.subgraphUrls.psychiatry));
    expect(await plain.json()).toEqual({ status: 'ready', subgraph: 'psychiatry' });
    const store = testStore('no-such-bucket');
    const sql = postgres(arms.s3.stack.databaseUrls.psychiatry, { max: 1, onnotice: () => {} });
    try {
      expect(await subgraphReadiness('psychiatry', sql, journalLength('psychiatry'), { kind: 's3', store })).toEqual({
        ready: false,
        body: { status: 'unavailable', subgraph: 'psychiatry', reason: 'document bucket not found', documentStore: { kind: 's3', bucket: 'no-such-bucket' } },
      });
    } finally {
      store.close();
      await sql.end();
    }
  });
});
