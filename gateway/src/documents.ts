/**
 * The gateway's document links (services/shared/src/documents.ts): `/documents/<token>`, POST or
 * PUT of a document's raw bytes, GET to download one. A link whose signature does not hold is
 * refused here (404; an expired one 410), before any subgraph sees it; a good one goes on to the
 * subgraph the link names, signed like every request of the gateway's (signing.ts), with the
 * caller's token, which the subgraph checks again with the record's access.
 *
 * CSRF: a link is used with the caller's token in `Authorization: Bearer` only (the hub sets no
 * cookies), which no cross-site form or simple request can send; and a form's body
 * (multipart/form-data, application/x-www-form-urlencoded) is refused outright (415). Browser
 * pages of other origins reach it only as CORS allows (HUB_CORS_ORIGINS), as /graphql.
 * The rate limits are GraphQL's (rate-limit.ts): the caller's bucket, or the address's without a
 * good token. No log line names the link or the file: only the outcome, the size and the subgraph.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express from 'express';
import type { GatewayConfig, SubgraphName } from '../../services/shared/src/env.ts';
import type { TokenVerifier } from '../../services/shared/src/auth.ts';
import { DOCUMENTS_PATH, documentPath, verifyDocumentToken } from '../../services/shared/src/documents.ts';
import type { Logger } from '../../services/shared/src/logger.ts';
import { signRequest } from '../../services/shared/src/signing.ts';
import { REQUEST_ID_HEADER } from '../../services/shared/src/request-log.ts';
import { CLOCK_HEADER } from './context.ts';
import { corsMiddleware } from './cors.ts';
import { RATE_LIMITED, type RateLimiter } from './rate-limit.ts';
import type { Caller } from '../../services/shared/src/caller.ts';
import { LANGUAGE_HEADER, languageOf, t, type Wording } from '../../services/shared/src/i18n.ts';

export { DOCUMENTS_PATH };

const FORM_TYPES = ['multipart/form-data', 'application/x-www-form-urlencoded'];
/** what the subgraph's answer may carry on to the caller */
const PASSED_HEADERS = ['content-type', 'content-length', 'content-disposition', 'x-content-type-options', 'content-security-policy'];

function refuse(res: express.Response, status: number, code: string, text: Wording, field?: string) {
  const message = String(text);
  res
    .status(status)
    .set('cache-control', 'no-store')
    .json({ errors: [{ message, extensions: { code, ...(field ? { field } : {}) } }] });
}

/** 429 with Retry-After, as the GraphQL endpoint answers a caller over the rate limit. */
function limited(res: express.Response, err: unknown): boolean {
  const ext = (err as { extensions?: { code?: string; http?: { headers?: Record<string, string> } } }).extensions;
  if (ext?.code !== RATE_LIMITED) return false;
  res.set(ext.http?.headers ?? {});
  refuse(res, 429, RATE_LIMITED, (err as Error).message);
  return true;
}

export function documentsRouter(config: GatewayConfig, log: Logger, verifyToken: TokenVerifier, limiter: Pick<RateLimiter, 'check'>): express.Router {
  const router = express.Router();
  router.use(corsMiddleware(config.corsOrigins, config.mode));
  const forward: express.RequestHandler = async (req, res) => {
    // the same rate limits as GraphQL: the caller's bucket, or the address's without a good token
    const request = new Request(`http://gateway${req.originalUrl.split('?')[0] ?? ''}`);
    const authorization = req.headers.authorization;
    let caller: Caller | null = null;
    let refusal: Wording = t`A document link is used with your token (Authorization: Bearer).`;
    if (typeof authorization === 'string' && /^Bearer /i.test(authorization)) {
      try {
        caller = await verifyToken(authorization);
      } catch (err) {
        refusal = err instanceof Error ? err.message : t`The token was refused.`;
      }
    }
    try {
      limiter.check(request, { req }, caller);
    } catch (err) {
      if (limited(res, err)) return;
      throw err;
    }
    if (!caller || typeof authorization !== 'string') return refuse(res, 401, 'UNAUTHENTICATED', refusal);
    const text = String(req.params.token ?? '');
    const check = verifyDocumentToken(config.gatewaySecret, text);
    if (!check.ok) return refuse(res, check.status, check.code, check.message);
    const upload = req.method !== 'GET';
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (upload && FORM_TYPES.includes(type)) {
      return refuse(res, 415, 'BAD_USER_INPUT', t`A document is sent as its raw bytes with its own Content-Type, not as a form.`, 'contentType');
    }
    const target = check.token.sg as SubgraphName;
    const base = config.subgraphUrls[target];
    if (!base) return refuse(res, 404, 'NOT_FOUND', t`There is no document link like this one.`);
    const path = documentPath(text);
    const body = upload ? (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)) : Buffer.alloc(0);
    const clock = config.mode === 'development' && typeof req.headers[CLOCK_HEADER] === 'string' ? req.headers[CLOCK_HEADER] : undefined;
    const language = languageOf(req.headers[LANGUAGE_HEADER]);
    const headers: Record<string, string> = {
      authorization,
      ...(upload && req.headers['content-type'] ? { 'content-type': req.headers['content-type'] } : {}),
      ...(clock ? { [CLOCK_HEADER]: clock } : {}),
      ...(typeof req.headers[REQUEST_ID_HEADER] === 'string' ? { [REQUEST_ID_HEADER]: req.headers[REQUEST_ID_HEADER] } : {}),
      [LANGUAGE_HEADER]: language,
      ...signRequest(config.gatewaySecret, { method: req.method, target, path, body, authorization, clock, language }),
    };
    try {
      const answer = await fetch(new URL(path, base), { method: req.method, headers, ...(upload ? { body: new Uint8Array(body) } : {}) });
      res.status(answer.status).set('cache-control', 'no-store');
      for (const h of PASSED_HEADERS) {
        const v = answer.headers.get(h);
        if (v) res.set(h, v);
      }
      // a download is passed on as it comes from the subgraph, never held whole
      let sent = 0;
      if (answer.body) {
        const stream = Readable.fromWeb(answer.body as import('node:stream/web').ReadableStream);
        stream.on('data', (chunk: Buffer) => (sent += chunk.length));
        await pipeline(stream, res);
      } else res.end();
      log.info({ subgraph: target, method: req.method, status: answer.status, bytes: upload ? body.length : sent }, 'document request');
    } catch (err) {
      log.error({ subgraph: target, err: err instanceof Error ? { name: err.name } : {} }, 'document request failed');
      // a download cut off on the way (the subgraph found the bytes were not the document's) stays cut off
      if (res.headersSent) res.destroy();
      else refuse(res, 502, 'INTERNAL_SERVER_ERROR', t`The document could not be reached. Please try again.`);
    }
  };
  const raw = express.raw({ type: () => true, limit: config.documentMaxBytes });
  router.get('/:token', forward);
  router.post('/:token', raw, forward);
  router.put('/:token', raw, forward);
  // an oversized or unreadable body: a clear error naming the limit, nothing forwarded
  router.use((err: { type?: string; status?: number }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!err) return next();
    if (err.type === 'entity.too.large') return refuse(res, 413, 'BAD_USER_INPUT', t`A document may be at most ${config.documentMaxBytes} bytes.`, 'content');
    return refuse(res, err.status ?? 400, 'BAD_REQUEST', t`The request body could not be read.`);
  });
  return router;
}
