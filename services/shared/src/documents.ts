/**
 * Documents attached to a record (a withdrawal referral's ASI, AUDIT, DUDIT, ...): stored as
 * bytea in the owning subgraph's `document` table, never sent through GraphQL JSON. A mutation of
 * the owning subgraph makes a pending row and answers a short-lived link on the gateway
 * (`/documents/<token>`); the bytes go there in one POST (or PUT), and the gateway hands them,
 * signed like every request between hub components, to the subgraph's own `/documents/<token>`.
 * A download is the same link scheme with GET. The token is HMAC'd with HUB_GATEWAY_SECRET (so
 * the gateway can refuse a forged link before any subgraph sees it) and names only ids: the
 * document, the caller it was made for and its expiry; file names stay out of URLs and logs.
 *
 * Each request is checked again in full when it arrives: the caller's token (the same user and
 * organisation as the link's), the record's access now (a record the caller may no longer see
 * is NOT_FOUND), the size (HUB_DOCUMENT_MAX_BYTES and exactly the declared size) and the content
 * type, from the bytes themselves. An upload fills a pending row once (single use); every
 * download is an audit READ event naming the document, written before any byte leaves.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import DataLoader from 'dataloader';
import { and, asc, eq, getTableColumns, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { customType, index, integer, pgTable, text, uuid, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type express from 'express';
import { instant } from './columns.ts';
import type { Caller } from './caller.ts';
import { appendAudit, type AuditBuffer } from './audit.ts';
import { badInput, HubError, type ErrorCode, type Wording } from './errors.ts';
import { MAX_NAME } from './input-rules.ts';
import { isUuid } from './ids.ts';
import { formatStockholm } from './time.ts';
import { organisation } from './directory.ts';
import type { DocumentObjectStore } from './document-store.ts';
import { t } from './i18n.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any subgraph's database or transaction: the document table is the same in each
type AnyDb = PgDatabase<PgQueryResultHKT, any, any>;

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/**
 * One attached document. `uploadedAt` is null while the upload link is pending; a pending row is
 * never listed, is filled once (the upload link's single use), and is pruned when its link has
 * expired unused. The bytes are in `content` (PostgreSQL) or under `storageKey` (S3).
 */
export const document = pgTable(
  'document',
  {
    id: uuid('id').primaryKey(),
    /** the entity the document belongs to (WithdrawalReferral, JointCarePlan) and its id */
    recordType: text('record_type').notNull(),
    recordId: uuid('record_id').notNull(),
    /** ASI, AUDIT, DUDIT, OTHER, ... (each record type names its kinds) */
    kind: text('kind').notNull(),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    content: bytea('content'),
    /** when the upload link was made, and until when it may be used */
    createdAt: instant('created_at').notNull(),
    uploadExpiresAt: instant('upload_expires_at').notNull(),
    uploadedAt: instant('uploaded_at'),
    uploadedBy: text('uploaded_by').notNull(),
    uploadedByName: text('uploaded_by_name').notNull(),
    uploadedByOrganisationId: text('uploaded_by_organisation_id').notNull(),
    /** the SHA-256 of the bytes (hex), once uploaded */
    sha256: text('sha256'),
    /**
     * the object's key in the S3-compatible store (document-store.ts), when the bytes are there:
     * set by an upload attempt before it puts the object, cleared once a removed document's object
     * is deleted; null for bytes in `content`
     */
    storageKey: text('storage_key'),
    /** a removed document (a tombstone): its bytes are gone, its metadata kept with who, when and why */
    removedAt: instant('removed_at'),
    removedBy: text('removed_by'),
    removedByName: text('removed_by_name'),
    removedByOrganisationId: text('removed_by_organisation_id'),
    removalReason: text('removal_reason'),
  },
  (t) => [
    index('document_record_idx').on(t.recordId, t.recordType),
    // the pruner's look-up of unused upload links
    index('document_pending_idx')
      .on(t.uploadExpiresAt)
      .where(sql`${t.uploadedAt} is null`),
  ],
);

export type DocumentRow = typeof document.$inferSelect;
/** A document as listed: everything but the bytes. */
export type DocumentMeta = Omit<DocumentRow, 'content'>;

export const DOCUMENTS_PATH = '/documents';
/** how long an upload link may be used */
export const UPLOAD_TTL_MS = 10 * 60_000;
/** how long a download link may be used (the list answers fresh ones) */
export const DOWNLOAD_TTL_MS = 5 * 60_000;

/** The content types a document may have; each is checked against the bytes. */
export const DOCUMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'text/plain'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

// ------------------------------------------------------------------ links

export interface DocumentToken {
  /** upload (POST/PUT) or download (GET) */
  op: 'up' | 'down';
  /** the subgraph that holds the document */
  sg: string;
  /** the document's id */
  doc: string;
  /** the user and organisation the link was made for */
  sub: string;
  org: string;
  /** expiry, ms since the epoch */
  exp: number;
}

const TOKEN_LABEL = 'hub-document-link-v1';
const mac = (secret: string, payload: string) => createHmac('sha256', secret).update(`${TOKEN_LABEL}\n${payload}`).digest('base64url');

export function signDocumentToken(secret: string, token: DocumentToken): string {
  const payload = Buffer.from(JSON.stringify(token)).toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

export type TokenCheck = { ok: true; token: DocumentToken } | { ok: false; status: number; code: string; message: Wording };

const unknownLink: TokenCheck = { ok: false, status: 404, code: 'NOT_FOUND', message: t`There is no document link like this one.` };

/** The link's token if its signature holds and it has not expired (410 GONE when it has). */
export function verifyDocumentToken(secret: string, text: string, now = Date.now()): TokenCheck {
  const [payload, sig, extra] = text.split('.');
  if (!payload || !sig || extra !== undefined || payload.length > 1000) return unknownLink;
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return unknownLink;
  let token: DocumentToken;
  try {
    token = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as DocumentToken;
  } catch {
    return unknownLink;
  }
  if (typeof token.exp !== 'number' || typeof token.doc !== 'string' || typeof token.sg !== 'string') return unknownLink;
  if (token.exp < now) return { ok: false, status: 410, code: 'GONE', message: t`This document link has expired; ask for a new one.` };
  return { ok: true, token };
}

export const documentPath = (token: string) => `${DOCUMENTS_PATH}/${token}`;

// ------------------------------------------------------------------ content

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const PDF = Buffer.from('%PDF-', 'latin1');

/** Plain text: UTF-8 without control characters other than tab, line feed and carriage return. */
function isPlainText(bytes: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex -- control characters are what is looked for
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}

/** The content type the bytes are, among DOCUMENT_TYPES, or null. */
export function sniffContentType(bytes: Buffer): DocumentType | null {
  if (bytes.subarray(0, PDF.length).equals(PDF)) return 'application/pdf';
  if (bytes.subarray(0, PNG.length).equals(PNG)) return 'image/png';
  if (bytes.subarray(0, JPEG.length).equals(JPEG)) return 'image/jpeg';
  if (bytes.length > 0 && isPlainText(bytes)) return 'text/plain';
  return null;
}

/** A declared content type, without parameters, lower case (text/plain; charset=utf-8 is text/plain). */
export const bareContentType = (value: string | undefined) => (value ?? '').split(';')[0]!.trim().toLowerCase();

// ------------------------------------------------------------------ the upload link (a mutation)

export interface UploadRequest {
  kind: string;
  fileName: string;
  contentType: string;
  size: number;
}

// eslint-disable-next-line no-control-regex -- control characters are what is refused
const BAD_NAME = /[\u0000-\u001f\u007f/\\]/;

/** Every broken argument of an upload request, BAD_USER_INPUT naming the first one. */
export function validateUpload(input: UploadRequest, maxBytes: number): { fileName: string; contentType: DocumentType } {
  const fileName = input.fileName.trim();
  if (fileName.length === 0) throw badInput('fileName', t`The file name is required.`);
  if (fileName.length > MAX_NAME) throw badInput('fileName', t`The file name may be at most ${MAX_NAME} characters.`);
  if (BAD_NAME.test(fileName)) throw badInput('fileName', t`The file name may not contain control characters, / or \\.`);
  const contentType = bareContentType(input.contentType);
  if (!(DOCUMENT_TYPES as readonly string[]).includes(contentType)) {
    throw badInput('contentType', t`The content type must be one of ${DOCUMENT_TYPES.join(', ')}.`);
  }
  if (!Number.isInteger(input.size) || input.size < 1) throw badInput('size', t`The size must be a whole number of bytes, at least 1.`);
  if (input.size > maxBytes) throw badInput('size', t`A document may be at most ${maxBytes} bytes (HUB_DOCUMENT_MAX_BYTES).`);
  return { fileName, contentType: contentType as DocumentType };
}

/** What the mutation answers: the link, until when, and the document's id. */
export interface UploadLink {
  documentId: string;
  url: string;
  method: string;
  expiresAt: Date;
  maxBytes: number;
}

/**
 * A pending document row for `record`, and its upload link for the caller. The caller's access to
 * the record (and their right to attach) is checked by the subgraph before this.
 */
export async function createUploadLink(
  db: AnyDb,
  options: { subgraph: string; secret: string; caller: Caller; recordType: string; recordId: string; maxBytes: number; now: Date },
  input: UploadRequest,
): Promise<UploadLink> {
  const { fileName, contentType } = validateUpload(input, options.maxBytes);
  const id = randomUUID();
  const expires = Date.now() + UPLOAD_TTL_MS;
  await db.insert(document).values({
    id,
    recordType: options.recordType,
    recordId: options.recordId,
    kind: input.kind,
    fileName,
    contentType,
    size: input.size,
    content: null,
    createdAt: options.now,
    uploadExpiresAt: new Date(expires),
    uploadedBy: options.caller.userId,
    uploadedByName: options.caller.name,
    uploadedByOrganisationId: options.caller.organisation.id,
  });
  const token = signDocumentToken(options.secret, {
    op: 'up',
    sg: options.subgraph,
    doc: id,
    sub: options.caller.userId,
    org: options.caller.organisation.id,
    exp: expires,
  });
  return { documentId: id, url: documentPath(token), method: 'POST', expiresAt: new Date(expires), maxBytes: options.maxBytes };
}

/**
 * Per record id, the uploaded documents of records of one type (pending ones never), oldest first,
 * without their bytes: the live ones, or (`removed`) the tombstones of removed ones. One query a batch.
 */
export function documentsLoader(db: AnyDb, recordType: string, which: 'live' | 'removed' = 'live'): DataLoader<string, DocumentMeta[]> {
  return new DataLoader(async (ids) => {
    const { content: _content, ...columns } = getTableColumns(document);
    const rows = await db
      .select(columns)
      .from(document)
      .where(
        and(
          eq(document.recordType, recordType),
          inArray(document.recordId, [...ids]),
          isNotNull(document.uploadedAt),
          which === 'live' ? isNull(document.removedAt) : isNotNull(document.removedAt),
        ),
      )
      .orderBy(asc(which === 'live' ? document.uploadedAt : document.removedAt), asc(document.id));
    const byRecord = new Map<string, DocumentMeta[]>();
    for (const row of rows) byRecord.set(row.recordId, [...(byRecord.get(row.recordId) ?? []), row]);
    return ids.map((id) => byRecord.get(id) ?? []);
  });
}

/** A document as a list answers it: its metadata and a download link for the caller. */
export type ListedDocument = DocumentMeta & { download: { url: string; expiresAt: Date } };

/** A download link of a listed document, for the caller. */
export function downloadLink(secret: string, subgraph: string, caller: Caller, documentId: string): { url: string; expiresAt: Date } {
  const exp = Date.now() + DOWNLOAD_TTL_MS;
  const token = signDocumentToken(secret, { op: 'down', sg: subgraph, doc: documentId, sub: caller.userId, org: caller.organisation.id, exp });
  return { url: documentPath(token), expiresAt: new Date(exp) };
}

// ------------------------------------------------------------------ the subgraph's endpoint

/** What a subgraph says about the record a document belongs to, for one caller. */
export interface DocumentRecordAccess {
  /** the audited entity of the document (WithdrawalReferralDocument, ...) */
  entity: string;
  personId: string | null;
  /** the organisation whose record it is (its log reviewer sees the events) */
  owner: string;
  basis: string;
}

/** A subgraph's documents: the access to a record, for attaching or reading (throws NOT_FOUND / FORBIDDEN). */
export interface DocumentHooks<C> {
  access: (ctx: C, recordType: string, recordId: string, purpose: 'attach' | 'read') => Promise<DocumentRecordAccess>;
}

interface EndpointContext {
  caller: Caller;
  now: Date;
  db: AnyDb;
  audit: AuditBuffer;
}

const STATUS: Record<ErrorCode, number> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409 };

function answer(res: express.Response, status: number, code: string, text: Wording, field?: string) {
  const message = String(text);
  res
    .status(status)
    .set('cache-control', 'no-store')
    .json({ errors: [{ message, extensions: { code, ...(field ? { field } : {}) } }] });
}

/** Answers a HubError as its status, anything else as 500 (and says so in the log, without the request's content). */
function answerError(res: express.Response, err: unknown, log: { error: (o: object, m: string) => void }) {
  if (err instanceof HubError) {
    const code = err.extensions.code as ErrorCode;
    return answer(res, STATUS[code] ?? 400, code, err.text, err.extensions.field as string | undefined);
  }
  log.error({ err: err instanceof Error ? { name: err.name } : {} }, 'document request failed');
  return answer(res, 500, 'INTERNAL_SERVER_ERROR', t`The document could not be handled. Please try again.`);
}

/** `Content-Disposition: attachment` with the file name, safe for any character. */
function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Where a subgraph's documents' bytes are: PostgreSQL (`content`) or an S3-compatible bucket. */
export type DocumentStorage = { kind: 'postgresql' } | { kind: 's3'; store: DocumentObjectStore };

type Log = { error: (o: object, m: string) => void; info: (o: object, m: string) => void };

const MISSING_OBJECT = t`The document's content is missing from the document store, so it cannot be downloaded. The hub's operators can see which document it is in the log.`;

/**
 * The subgraph's `/documents/:token` (POST/PUT: upload, GET: download), after the request's
 * signature is checked. `contextOf` builds the request's context as GraphQL's (the caller's token
 * verified again).
 */
export function documentsHandler<C extends EndpointContext>(options: {
  subgraph: string;
  secret: string;
  maxBytes: number;
  storage: DocumentStorage;
  hooks: DocumentHooks<C>;
  contextOf: (req: express.Request) => Promise<C>;
  log: Log;
}): express.RequestHandler {
  return async (req, res) => {
    try {
      const ctx = await options.contextOf(req);
      const check = verifyDocumentToken(options.secret, String(req.params.token ?? ''));
      if (!check.ok) return answer(res, check.status, check.code, check.message);
      const token = check.token;
      const upload = req.method === 'POST' || req.method === 'PUT';
      if (token.sg !== options.subgraph || token.op !== (upload ? 'up' : 'down'))
        return answer(res, 404, 'NOT_FOUND', t`There is no document link like this one.`);
      if (token.sub !== ctx.caller.userId || token.org !== ctx.caller.organisation.id) {
        return answer(res, 403, 'FORBIDDEN', t`This document link was made for another user; ask for your own.`);
      }
      const { content: _content, ...columns } = getTableColumns(document);
      const [row] = await ctx.db.select(columns).from(document).where(eq(document.id, token.doc));
      if (!row) return answer(res, 404, 'NOT_FOUND', t`There is no document link like this one.`);
      if (upload) return await receive(req, res, ctx, row, options);
      if (row.uploadedAt === null) return answer(res, 404, 'NOT_FOUND', t`There is no document link like this one.`);
      const access = await options.hooks.access(ctx, row.recordType, row.recordId, 'read');
      if (row.removedAt !== null) return answer(res, 410, 'GONE', t`This document was removed; its content can no longer be downloaded.`);
      // the bytes (or the stream of them) first: a document whose content is missing is reported, and no read is logged
      let body: Buffer | Readable | null;
      if (options.storage.kind === 's3') {
        body = row.storageKey ? await options.storage.store.get(row.storageKey) : null;
      } else {
        const [stored] = await ctx.db.select({ content: document.content }).from(document).where(eq(document.id, row.id));
        body = stored?.content ?? null;
      }
      if (body === null) {
        options.log.error({ document: row.id, store: options.storage.kind }, 'document content missing: the row has no object or bytes');
        return answer(res, 500, 'DOCUMENT_CONTENT_MISSING', MISSING_OBJECT);
      }
      // the read is in the log before any byte leaves; if it cannot be written, nothing is sent
      try {
        await appendAudit(ctx.db, ctx.caller, [
          { action: 'READ', entity: access.entity, entityId: row.id, personId: access.personId, fields: ['content'], basis: access.basis, owner: access.owner },
        ]);
      } catch (err) {
        if (!Buffer.isBuffer(body)) body.destroy();
        throw err;
      }
      res.status(200).set({
        'content-type': row.contentType,
        'content-length': String(row.size),
        'content-disposition': attachment(row.fileName),
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'none'; sandbox",
      });
      if (Buffer.isBuffer(body)) return res.end(body);
      await streamChecked(body, res, row, options.log);
    } catch (err) {
      answerError(res, err, options.log);
    }
  };
}

/**
 * The object's bytes on to the response as they come, their SHA-256 and length checked against the
 * row's: bytes that are not the document's are cut off (the response is aborted, so the client
 * sees a broken download, never a whole wrong one) and reported in the log.
 */
async function streamChecked(body: Readable, res: express.Response, row: DocumentMeta, log: Log) {
  const hash = createHash('sha256');
  let length = 0;
  try {
    for await (const chunk of body) {
      const bytes = chunk as Buffer;
      length += bytes.length;
      hash.update(bytes);
      if (length > row.size) throw new Error('longer than stored');
      // the last chunk is held back until the hash is known
      if (length === row.size && row.sha256 && hash.copy().digest('hex') !== row.sha256) throw new Error('checksum');
      if (!res.write(bytes)) await once(res, 'drain');
    }
    if (length !== row.size) throw new Error('shorter than stored');
    res.end();
  } catch (err) {
    body.destroy();
    log.error({ document: row.id, reason: err instanceof Error ? err.message : 'stream' }, 'document content does not match its row; download cut off');
    // nothing sent yet (a document of one chunk): said plainly; else the response is cut off
    if (!res.headersSent) {
      for (const h of ['content-type', 'content-length', 'content-disposition', 'content-security-policy']) res.removeHeader(h);
      return answer(res, 500, 'DOCUMENT_CONTENT_MISMATCH', t`The document's content in the store is not the bytes that were uploaded, so it is not sent.`);
    }
    res.destroy();
  }
}

async function receive<C extends EndpointContext>(
  req: express.Request,
  res: express.Response,
  ctx: C,
  row: DocumentMeta,
  options: { maxBytes: number; storage: DocumentStorage; hooks: DocumentHooks<C>; log: Log },
) {
  const used = () => answer(res, 409, 'CONFLICT', t`This upload link was used already; ask for a new one to attach another document.`);
  if (row.uploadedAt !== null) return used();
  if (row.uploadExpiresAt.getTime() < Date.now()) return answer(res, 410, 'GONE', t`This document link has expired; ask for a new one.`);
  const access = await options.hooks.access(ctx, row.recordType, row.recordId, 'attach');
  const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (bytes.length > options.maxBytes) return answer(res, 413, 'BAD_USER_INPUT', t`A document may be at most ${options.maxBytes} bytes.`, 'content');
  if (bytes.length !== row.size) {
    return answer(res, 400, 'BAD_USER_INPUT', t`The upload is ${bytes.length} bytes; the link was made for ${row.size}.`, 'size');
  }
  if (bareContentType(req.headers['content-type']) !== row.contentType) {
    return answer(res, 415, 'BAD_USER_INPUT', t`The upload must be sent with Content-Type ${row.contentType}, as the link was made for.`, 'contentType');
  }
  const sniffed = sniffContentType(bytes);
  if (sniffed !== row.contentType) {
    return answer(
      res,
      415,
      'BAD_USER_INPUT',
      sniffed
        ? t`The content is a ${sniffed} file, not the declared ${row.contentType}.`
        : t`The content is none of PDF, PNG, JPEG or plain text, not the declared ${row.contentType}.`,
      'content',
    );
  }
  const sha256 = createHash('sha256').update(bytes).digest();
  const pending = and(eq(document.id, row.id), isNull(document.uploadedAt), sql`${document.uploadExpiresAt} >= now()`);
  let key: string | null = null;
  if (options.storage.kind === 's3') {
    const { store } = options.storage;
    // the attempt claims the row with its key before the object exists, so that an object is never
    // left behind unknown: if this process stops before the row is filled, the pruner deletes both
    key = store.newKey();
    const claimed = await ctx.db
      .update(document)
      .set({ storageKey: key })
      .where(and(pending, isNull(document.storageKey)))
      .returning({ id: document.id });
    if (claimed.length !== 1) return used();
    try {
      await store.put(key, bytes, sha256, row.contentType);
    } catch (err) {
      // nothing stored: the claim is let go (the link stays good) and any part of the object removed
      await ctx.db
        .update(document)
        .set({ storageKey: null })
        .where(and(eq(document.id, row.id), eq(document.storageKey, key), isNull(document.uploadedAt)));
      await store.remove(key).catch(() => {});
      options.log.error({ document: row.id, err: err instanceof Error ? { name: err.name } : {} }, 'document store refused the upload; nothing stored');
      return answer(res, 503, 'DOCUMENT_STORE_UNAVAILABLE', t`The document store could not take the document; nothing was stored. Please send it again.`);
    }
  }
  const stored = await ctx.db.transaction(async (tx) => {
    const rows = await tx
      .update(document)
      .set({ ...(key ? {} : { content: bytes }), sha256: sha256.toString('hex'), uploadedAt: ctx.now })
      .where(and(pending, key ? eq(document.storageKey, key) : isNull(document.storageKey)))
      .returning({ id: document.id });
    if (rows.length !== 1) return false;
    await appendAudit(tx, ctx.caller, [
      { action: 'CREATE', entity: access.entity, entityId: row.id, personId: access.personId, fields: ['content'], basis: access.basis, owner: access.owner },
    ]);
    return true;
  });
  if (!stored) {
    // the row was used, or pruned, meanwhile: the object of this attempt goes again
    if (key && options.storage.kind === 's3') await options.storage.store.remove(key).catch(() => {});
    return used();
  }
  options.log.info({ document: row.id, size: bytes.length, contentType: row.contentType, store: options.storage.kind }, 'document stored');
  res
    .status(201)
    .set('cache-control', 'no-store')
    .json({ id: row.id, kind: row.kind, contentType: row.contentType, size: row.size, uploadedAt: formatStockholm(ctx.now) });
}

// ------------------------------------------------------------------ removal

/** The longest reason a removal may give. */
export const MAX_REMOVAL_REASON = 2000;

/**
 * Removes an uploaded document of a record: its bytes go (the bytea cleared in the same
 * transaction, or the S3 object deleted right after it), its row stays as a tombstone naming who
 * removed it, when and why, and the removal is an audit DELETE event. The caller's right to remove
 * is decided by the subgraph before this (`access`). An object the store could not delete at once
 * is deleted by the pruner later (the row keeps its key until then).
 */
export async function removeDocument(
  db: AnyDb,
  storage: DocumentStorage,
  options: { caller: Caller; now: Date; row: DocumentMeta; reason: string; access: DocumentRecordAccess; log: Log },
): Promise<DocumentMeta> {
  const { row, caller, now } = options;
  const reason = options.reason.trim();
  if (reason.length === 0) throw badInput('reason', t`A reason for removing the document is required.`);
  if (reason.length > MAX_REMOVAL_REASON) throw badInput('reason', t`The reason may be at most ${MAX_REMOVAL_REASON} characters.`);
  const removed = await db.transaction(async (tx) => {
    const { content: _content, ...columns } = getTableColumns(document);
    const rows = await tx
      .update(document)
      .set({
        content: null,
        removedAt: now,
        removedBy: caller.userId,
        removedByName: caller.name,
        removedByOrganisationId: caller.organisation.id,
        removalReason: reason,
      })
      .where(and(eq(document.id, row.id), isNotNull(document.uploadedAt), isNull(document.removedAt)))
      .returning(columns);
    if (rows.length !== 1) return null;
    const { access } = options;
    await appendAudit(tx, caller, [
      { action: 'DELETE', entity: access.entity, entityId: row.id, personId: access.personId, fields: ['content'], basis: access.basis, owner: access.owner },
    ]);
    return rows[0]!;
  });
  if (!removed) throw new HubError('CONFLICT', t`This document was removed already.`, { field: 'documentId' });
  if (storage.kind === 's3' && removed.storageKey) await deleteObject(db, storage.store, removed.id, removed.storageKey, options.log);
  options.log.info({ document: row.id, store: storage.kind }, 'document removed');
  return removed;
}

/** Deletes a removed (or abandoned) document's object, then forgets its key; a failure is left for the pruner's next run. */
async function deleteObject(db: AnyDb, store: DocumentObjectStore, id: string, key: string, log: Log): Promise<boolean> {
  try {
    await store.remove(key);
  } catch (err) {
    log.error({ document: id, err: err instanceof Error ? { name: err.name } : {} }, 'document object not deleted yet; the pruner tries again');
    return false;
  }
  await db
    .update(document)
    .set({ storageKey: null })
    .where(and(eq(document.id, id), eq(document.storageKey, key), isNotNull(document.removedAt)));
  return true;
}

// ------------------------------------------------------------------ pruning

/** How long after its expiry an unused upload link's row is kept (a late attempt is told GONE, not NOT_FOUND). */
export const PRUNE_GRACE = '1 hour';
/** The most objects of removed documents one run deletes. */
const PRUNE_BATCH = 100;

/**
 * One pruning run: the rows of upload links that expired unused more than PRUNE_GRACE ago go, in one
 * statement (safe with any number of replicas: each row is deleted by one of them, which then
 * deletes its object, if an attempt had put one); and the objects of removed documents that could
 * not be deleted at once are deleted now. Answers what it pruned.
 */
export async function pruneDocuments(db: AnyDb, storage: DocumentStorage, log: Log): Promise<{ uploadLinks: number; objects: number }> {
  const gone = await db
    .delete(document)
    .where(and(isNull(document.uploadedAt), sql`${document.uploadExpiresAt} < now() - ${sql.raw(`interval '${PRUNE_GRACE}'`)}`))
    .returning({ id: document.id, storageKey: document.storageKey });
  let objects = 0;
  if (storage.kind === 's3') {
    for (const { id, storageKey } of gone) {
      if (!storageKey) continue;
      await storage.store.remove(storageKey).then(
        () => objects++,
        (err: unknown) => log.error({ document: id, err: err instanceof Error ? { name: err.name } : {} }, 'abandoned upload object not deleted'),
      );
    }
    const removed = await db
      .select({ id: document.id, storageKey: document.storageKey })
      .from(document)
      .where(and(isNotNull(document.removedAt), isNotNull(document.storageKey)))
      .limit(PRUNE_BATCH);
    for (const r of removed) if (await deleteObject(db, storage.store, r.id, r.storageKey!, log)) objects++;
  }
  if (gone.length || objects) log.info({ uploadLinks: gone.length, objects }, 'documents pruned');
  return { uploadLinks: gone.length, objects };
}

/** Prunes every `intervalMs` (0: never) until stopped; a run that fails is logged and tried again at the next. */
export function startDocumentPruner(db: AnyDb, storage: DocumentStorage, intervalMs: number, log: Log): { stop: () => Promise<void> } {
  if (intervalMs === 0) return { stop: async () => {} };
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(() =>
      pruneDocuments(db, storage, log).catch((err: unknown) =>
        log.error({ err: err instanceof Error ? { name: err.name } : {} }, 'document pruning failed; tried again at the next run'),
      ),
    );
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/** An uploaded document (live or removed) of a record type, without its bytes; null for an id that is no such document (or not a UUID). */
export async function uploadedDocument(db: AnyDb, recordType: string, id: string): Promise<DocumentMeta | null> {
  if (!isUuid(id)) return null;
  const { content: _content, ...columns } = getTableColumns(document);
  const [row] = await db
    .select(columns)
    .from(document)
    .where(and(eq(document.id, id), eq(document.recordType, recordType), isNotNull(document.uploadedAt)));
  return row ?? null;
}

/** The resolvers of a removed document's derived fields, the same in every subgraph that has documents. */
export const removedDocumentFields = <K extends string>() => ({
  kind: (d: DocumentMeta) => d.kind as K,
  uploadedAt: (d: DocumentMeta) => d.uploadedAt ?? d.createdAt,
  uploadedBy: (d: DocumentMeta) => `${d.uploadedByName} (${organisation(d.uploadedByOrganisationId)?.name ?? d.uploadedByOrganisationId})`,
  removedAt: (d: DocumentMeta) => d.removedAt ?? d.createdAt,
  removedBy: (d: DocumentMeta) => `${d.removedByName ?? ''} (${organisation(d.removedByOrganisationId ?? '')?.name ?? d.removedByOrganisationId ?? ''})`,
  reason: (d: DocumentMeta) => d.removalReason ?? '',
});

/** The resolvers of a listed document's derived fields, the same in every subgraph that has documents. */
export const listedDocumentFields = <K extends string>() => ({
  kind: (d: ListedDocument) => d.kind as K,
  // a listed document is an uploaded one (documentsLoader leaves pending rows out)
  uploadedAt: (d: ListedDocument) => d.uploadedAt ?? d.createdAt,
  uploadedBy: (d: ListedDocument) => `${d.uploadedByName} (${organisation(d.uploadedByOrganisationId)?.name ?? d.uploadedByOrganisationId})`,
  downloadUrl: (d: ListedDocument) => d.download.url,
  downloadUrlExpiresAt: (d: ListedDocument) => d.download.expiresAt,
});
