/** Document links through the gateway, for the tests of attached documents (tests/withdrawal, tests/plans). */
import { signDocumentToken, type DocumentToken } from '../../services/shared/src/documents.ts';
import { ENGLISH, hub, tokenFor, type As } from './hub.ts';

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR-not-really-an-image')]);
export const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF')]);
export const TEXT = Buffer.from('AUDIT 2026-01-10: 31 poäng.\nDUDIT: 4 poäng.\n', 'utf8');

const gatewayOrigin = () => new URL(hub().gatewayUrl).origin;

/** An HTTP request to a document link on the gateway, with the caller's token (or none, or another). */
export async function send(
  url: string,
  options: { method?: string; as?: As | null; body?: Buffer; contentType?: string; clock?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...ENGLISH, ...options.headers };
  if (options.as) headers.authorization = `Bearer ${await tokenFor(options.as)}`;
  if (options.contentType) headers['content-type'] = options.contentType;
  if (options.clock) headers['x-hub-clock'] = options.clock;
  const res = await fetch(new URL(url, gatewayOrigin()), {
    method: options.method ?? (options.body ? 'POST' : 'GET'),
    headers,
    ...(options.body ? { body: new Uint8Array(options.body) } : {}),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const json = (res.headers.get('content-type') ?? '').startsWith('application/json') ? (JSON.parse(bytes.toString('utf8')) as Record<string, any>) : null;
  return { status: res.status, headers: res.headers, bytes, json };
}

export const errorOf = (r: { json: Record<string, any> | null }) => {
  const e = r.json?.errors?.[0];
  return { code: e?.extensions?.code, field: e?.extensions?.field };
};

/** A document link for `as`, signed as the hub signs them (or with another secret), for cases the API would not give. */
export function linkFor(as: As, t: Partial<DocumentToken> & Pick<DocumentToken, 'doc' | 'sg'>, secret = hub().env.HUB_GATEWAY_SECRET!) {
  return `/documents/${signDocumentToken(secret, { op: 'down', sub: as.sub!, org: as.org, exp: Date.now() + 60_000, ...t })}`;
}
