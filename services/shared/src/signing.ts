/**
 * Only the gateway talks to subgraphs. The gateway signs each subgraph
 * request with an HMAC over the method, a timestamp, a one-time nonce and
 * the body; a subgraph refuses a request whose signature is missing, wrong,
 * stale or already used. Entity representations reaching a subgraph are
 * therefore the gateway's, and `_entities` cannot be called around it.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-hub-signature';
export const TIMESTAMP_HEADER = 'x-hub-timestamp';
export const NONCE_HEADER = 'x-hub-nonce';

function mac(secret: string, method: string, timestamp: string, nonce: string, body: string | Buffer): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return createHmac('sha256', secret).update(`${method.toUpperCase()}\n${timestamp}\n${nonce}\n${bodyHash}`).digest('hex');
}

export function signRequest(secret: string, method: string, body: string, now = Date.now()): Record<string, string> {
  const timestamp = String(now);
  const nonce = randomUUID();
  return {
    [TIMESTAMP_HEADER]: timestamp,
    [NONCE_HEADER]: nonce,
    [SIGNATURE_HEADER]: `v1=${mac(secret, method, timestamp, nonce, body)}`,
  };
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** Verifies signatures and remembers nonces for as long as a signature is fresh. */
export class SignatureVerifier {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly secret: string,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  verify(method: string, headers: Record<string, string | string[] | undefined>, body: Buffer | string): SignatureCheck {
    const ts = headers[TIMESTAMP_HEADER];
    const nonce = headers[NONCE_HEADER];
    const sig = headers[SIGNATURE_HEADER];
    if (typeof ts !== 'string' || typeof nonce !== 'string' || typeof sig !== 'string') {
      return { ok: false, reason: 'This service accepts requests from the hub gateway only (the request is not signed).' };
    }
    const expected = Buffer.from(`v1=${mac(this.secret, method, ts, nonce, body)}`);
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: 'This service accepts requests from the hub gateway only (the signature is wrong).' };
    }
    const now = this.now();
    const age = now - Number(ts);
    if (!Number.isFinite(age) || age > this.maxAgeMs || age < -5_000) {
      return { ok: false, reason: 'The request signature is stale; it must be sent again by the gateway.' };
    }
    this.forgetExpired(now);
    if (this.seen.has(nonce)) return { ok: false, reason: 'The request was already received once (replay refused).' };
    this.seen.set(nonce, Number(ts) + this.maxAgeMs + 5_000);
    return { ok: true };
  }

  private forgetExpired(now: number) {
    for (const [nonce, until] of this.seen) {
      if (until >= now) break; // insertion order is close to expiry order
      this.seen.delete(nonce);
    }
  }
}
