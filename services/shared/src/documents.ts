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
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import DataLoader from 'dataloader';
import { and, asc, eq, getTableColumns, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { customType, index, integer, pgTable, text, uuid, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type express from 'express';
import { instant } from './columns.ts';
import type { Caller } from './caller.ts';
import { appendAudit, type AuditBuffer } from './audit.ts';
import { badInput, HubError, type ErrorCode } from './errors.ts';
import { MAX_NAME } from './input-rules.ts';
import { formatStockholm } from './time.ts';
import { organisation } from './directory.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any subgraph's database or transaction: the document table is the same in each
type AnyDb = PgDatabase<PgQueryResultHKT, any, any>;

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/**
 * One attached document. `content` is null while the upload link is pending; a pending row is
 * never listed, and is filled once (the upload link's single use).
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
  },
  (t) => [index('document_record_idx').on(t.recordId, t.recordType)],
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

export type TokenCheck = { ok: true; token: DocumentToken } | { ok: false; status: number; code: string; message: string };

const unknownLink: TokenCheck = { ok: false, status: 404, code: 'NOT_FOUND', message: 'There is no document link like this one.' };

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
  if (token.exp < now) return { ok: false, status: 410, code: 'GONE', message: 'This document link has expired; ask for a new one.' };
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
  if (fileName.length === 0) throw badInput('fileName', 'The file name is required.');
  if (fileName.length > MAX_NAME) throw badInput('fileName', `The file name may be at most ${MAX_NAME} characters.`);
  if (BAD_NAME.test(fileName)) throw badInput('fileName', 'The file name may not contain control characters, / or \\.');
  const contentType = bareContentType(input.contentType);
  if (!(DOCUMENT_TYPES as readonly string[]).includes(contentType)) {
    throw badInput('contentType', `The content type must be one of ${DOCUMENT_TYPES.join(', ')}.`);
  }
  if (!Number.isInteger(input.size) || input.size < 1) throw badInput('size', 'The size must be a whole number of bytes, at least 1.');
  if (input.size > maxBytes) throw badInput('size', `A document may be at most ${maxBytes} bytes (HUB_DOCUMENT_MAX_BYTES).`);
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

/** Per record id, the uploaded documents of records of one type (pending ones never), oldest first, without their bytes: one query a batch. */
export function documentsLoader(db: AnyDb, recordType: string): DataLoader<string, DocumentMeta[]> {
  return new DataLoader(async (ids) => {
    const { content: _content, ...columns } = getTableColumns(document);
    const rows = await db
      .select(columns)
      .from(document)
      .where(and(eq(document.recordType, recordType), inArray(document.recordId, [...ids]), isNotNull(document.content)))
      .orderBy(asc(document.uploadedAt), asc(document.id));
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

function answer(res: express.Response, status: number, code: string, message: string, field?: string) {
  res
    .status(status)
    .set('cache-control', 'no-store')
    .json({ errors: [{ message, extensions: { code, ...(field ? { field } : {}) } }] });
}

/** Answers a HubError as its status, anything else as 500 (and says so in the log, without the request's content). */
function answerError(res: express.Response, err: unknown, log: { error: (o: object, m: string) => void }) {
  if (err instanceof HubError) {
    const code = err.extensions.code as ErrorCode;
    return answer(res, STATUS[code] ?? 400, code, err.message, err.extensions.field as string | undefined);
  }
  log.error({ err: err instanceof Error ? { name: err.name } : {} }, 'document request failed');
  return answer(res, 500, 'INTERNAL_SERVER_ERROR', 'The document could not be handled. Please try again.');
}

/** `Content-Disposition: attachment` with the file name, safe for any character. */
function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * The subgraph's `/documents/:token` (POST/PUT: upload, GET: download), after the request's
 * signature is checked. `contextOf` builds the request's context as GraphQL's (the caller's token
 * verified again).
 */
export function documentsHandler<C extends EndpointContext>(options: {
  subgraph: string;
  secret: string;
  maxBytes: number;
  hooks: DocumentHooks<C>;
  contextOf: (req: express.Request) => Promise<C>;
  log: { error: (o: object, m: string) => void; info: (o: object, m: string) => void };
}): express.RequestHandler {
  return async (req, res) => {
    try {
      const ctx = await options.contextOf(req);
      const check = verifyDocumentToken(options.secret, String(req.params.token ?? ''));
      if (!check.ok) return answer(res, check.status, check.code, check.message);
      const token = check.token;
      const upload = req.method === 'POST' || req.method === 'PUT';
      if (token.sg !== options.subgraph || token.op !== (upload ? 'up' : 'down'))
        return answer(res, 404, 'NOT_FOUND', 'There is no document link like this one.');
      if (token.sub !== ctx.caller.userId || token.org !== ctx.caller.organisation.id) {
        return answer(res, 403, 'FORBIDDEN', 'This document link was made for another user; ask for your own.');
      }
      const [row] = await ctx.db.select().from(document).where(eq(document.id, token.doc));
      if (!row) return answer(res, 404, 'NOT_FOUND', 'There is no document link like this one.');
      if (upload) return await receive(req, res, ctx, row, options);
      if (row.content === null) return answer(res, 404, 'NOT_FOUND', 'There is no document link like this one.');
      const access = await options.hooks.access(ctx, row.recordType, row.recordId, 'read');
      // the read is in the log before any byte leaves; if it cannot be written, nothing is sent
      await appendAudit(ctx.db, ctx.caller, [
        { action: 'READ', entity: access.entity, entityId: row.id, personId: access.personId, fields: ['content'], basis: access.basis, owner: access.owner },
      ]);
      res
        .status(200)
        .set({
          'content-type': row.contentType,
          'content-length': String(row.content.length),
          'content-disposition': attachment(row.fileName),
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-store',
          'content-security-policy': "default-src 'none'; sandbox",
        })
        .end(row.content);
    } catch (err) {
      answerError(res, err, options.log);
    }
  };
}

async function receive<C extends EndpointContext>(
  req: express.Request,
  res: express.Response,
  ctx: C,
  row: DocumentRow,
  options: { maxBytes: number; hooks: DocumentHooks<C>; log: { info: (o: object, m: string) => void } },
) {
  if (row.content !== null) return answer(res, 409, 'CONFLICT', 'This upload link was used already; ask for a new one to attach another document.');
  if (row.uploadExpiresAt.getTime() < Date.now()) return answer(res, 410, 'GONE', 'This document link has expired; ask for a new one.');
  const access = await options.hooks.access(ctx, row.recordType, row.recordId, 'attach');
  const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (bytes.length > options.maxBytes) return answer(res, 413, 'BAD_USER_INPUT', `A document may be at most ${options.maxBytes} bytes.`, 'content');
  if (bytes.length !== row.size) {
    return answer(res, 400, 'BAD_USER_INPUT', `The upload is ${bytes.length} bytes; the link was made for ${row.size}.`, 'size');
  }
  if (bareContentType(req.headers['content-type']) !== row.contentType) {
    return answer(res, 415, 'BAD_USER_INPUT', `The upload must be sent with Content-Type ${row.contentType}, as the link was made for.`, 'contentType');
  }
  const sniffed = sniffContentType(bytes);
  if (sniffed !== row.contentType) {
    return answer(
      res,
      415,
      'BAD_USER_INPUT',
      `The content is ${sniffed ? `a ${sniffed} file` : 'none of PDF, PNG, JPEG or plain text'}, not the declared ${row.contentType}.`,
      'content',
    );
  }
  const stored = await ctx.db.transaction(async (tx) => {
    const rows = await tx
      .update(document)
      .set({ content: bytes, uploadedAt: ctx.now })
      .where(and(eq(document.id, row.id), isNull(document.content), sql`${document.uploadExpiresAt} >= now()`))
      .returning({ id: document.id });
    if (rows.length !== 1) return false;
    await appendAudit(tx, ctx.caller, [
      { action: 'CREATE', entity: access.entity, entityId: row.id, personId: access.personId, fields: ['content'], basis: access.basis, owner: access.owner },
    ]);
    return true;
  });
  if (!stored) return answer(res, 409, 'CONFLICT', 'This upload link was used already; ask for a new one to attach another document.');
  options.log.info({ document: row.id, size: bytes.length, contentType: row.contentType }, 'document stored');
  res
    .status(201)
    .set('cache-control', 'no-store')
    .json({ id: row.id, kind: row.kind, contentType: row.contentType, size: row.size, uploadedAt: formatStockholm(ctx.now) });
}

/** The resolvers of a listed document's derived fields, the same in every subgraph that has documents. */
export const listedDocumentFields = <K extends string>() => ({
  kind: (d: ListedDocument) => d.kind as K,
  // a listed document is an uploaded one (documentsLoader leaves pending rows out)
  uploadedAt: (d: ListedDocument) => d.uploadedAt ?? d.createdAt,
  uploadedBy: (d: ListedDocument) => `${d.uploadedByName} (${organisation(d.uploadedByOrganisationId)?.name ?? d.uploadedByOrganisationId})`,
  downloadUrl: (d: ListedDocument) => d.download.url,
  downloadUrlExpiresAt: (d: ListedDocument) => d.download.expiresAt,
});
