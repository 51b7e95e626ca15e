/**
 * CORS for browser front-ends on other origins: an allow-list of exact origins
 * (HUB_CORS_ORIGINS, none by default). A preflight (OPTIONS with
 * Access-Control-Request-Method) from an allowed origin is answered 204 with the methods and
 * headers a client of the hub sends; from any other origin 403 without any
 * Access-Control-Allow-* header, so the browser does not send the request. Answers to an
 * allowed origin carry Access-Control-Allow-Origin (that origin, never `*`) and expose
 * Retry-After and x-request-id. No credentials: the token is a bearer header, never a cookie.
 * Yoga's own CORS is off (runtime.ts): this is the only place that answers cross-origin.
 */
import type express from 'express';
import { t } from '../../services/shared/src/i18n.ts';

export const CORS_METHODS = ['GET', 'POST', 'OPTIONS'];
export const CORS_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'x-request-id',
  'traceparent',
  'tracestate',
  'x-apollo-operation-name',
  'apollo-require-preflight',
];
/** the development clock header, accepted only by a development gateway */
const DEVELOPMENT_HEADERS = ['x-hub-clock'];
export const CORS_EXPOSED_HEADERS = ['retry-after', 'x-request-id'];
export const CORS_MAX_AGE_SECONDS = 600;

export function corsMiddleware(origins: readonly string[], mode: 'development' | 'production'): express.RequestHandler {
  const allowed = new Set(origins);
  const headers = [...CORS_HEADERS, ...(mode === 'development' ? DEVELOPMENT_HEADERS : [])].join(', ');
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined) return next();
    res.vary('Origin');
    const ok = allowed.has(origin);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      if (!ok) {
        res
          .status(403)
          .type('text/plain')
          .send(String(t`This origin may not call the gateway (HUB_CORS_ORIGINS).`));
        return;
      }
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': CORS_METHODS.join(', '),
        'Access-Control-Allow-Headers': headers,
        'Access-Control-Max-Age': String(CORS_MAX_AGE_SECONDS),
      });
      res.status(204).end();
      return;
    }
    if (ok) res.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': CORS_EXPOSED_HEADERS.join(', ') });
    next();
  };
}

/**
 * The same allow-list for WebSocket connections, which CORS does not cover: a browser sends
 * its page's Origin with the upgrade; one that is neither the gateway's own host nor allowed is
 * refused (403) before any message. Clients that are not browsers send no Origin.
 */
export function webSocketOriginAllowed(origins: readonly string[]): (origin: string | undefined, host: string | undefined) => boolean {
  const allowed = new Set(origins);
  return (origin, host) => {
    if (origin === undefined || allowed.has(origin)) return true;
    try {
      return host !== undefined && new URL(origin).host === host;
    } catch {
      return false;
    }
  };
}
