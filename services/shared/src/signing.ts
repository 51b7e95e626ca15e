/**
 * Only hub components talk to subgraphs: the gateway, and a subgraph asking another about a
 * record it links to (services/municipality/src/domain/linked.ts), both with the shared
 * gateway secret. Each subgraph request is signed with an HMAC bound to that one request: the
 * method, the target subgraph, the path, a timestamp, a one-time nonce, the body, the caller's
 * Authorization header and the development clock header (each hashed), and the language the
 * Accept-Language header asks for (sv or en): the language of the answer cannot be changed on the way. A subgraph refuses a
 * request whose signature is missing, wrong, stale, already used, or made for another subgraph,
 * path, caller or clock: a signature captured on its way to one subgraph opens no other, and a
 * token or clock swapped into a signed request breaks it. Entity representations reaching a
 * subgraph are therefore the hub's, and `_entities` cannot be called around it.
 *
 * "Already used" holds across replicas: besides its own memory (a fast first filter), a
 * verifier given a NonceStore claims each nonce in the subgraph's database, which every replica
 * of that subgraph shares, and the first claim wins.
 */
import { createHmac, createSecretKey, hash, randomUUID, timingSafeEqual, type KeyObject } from 'node:crypto';
import { CLOCK_HEADER } from './clock.ts';
import { LANGUAGE_HEADER, languageOf, t, type Msg } from './i18n.ts';

export const SIGNATURE_HEADER = 'x-hub-signature';
export const TIMESTAMP_HEADER = 'x-hub-timestamp';
export const NONCE_HEADER = 'x-hub-nonce';

/** What a signature covers, besides its timestamp and nonce. */
export interface SignedRequest {
  method: string;
  /** the subgraph the request is for, by name (municipality, psychiatry, ...) */
  target: string;
  /** the URL path, e.g. /graphql */
  path: string;
  body: string | Buffer;
  /** the Authorization header sent with it, if any */
  authorization?: string | undefined;
  /** the x-hub-clock header sent with it, if any */
  clock?: string | undefined;
  /** the Accept-Language header sent with it, if any */
  language?: string | undefined;
}

// one-shot hashing (Node ≥ 20.12), about half the cost of a Hash object per value
const sha256 = (v: string | Buffer) => hash('sha256', v, 'hex');
/** the hash of an absent header (no token, no clock): the same every time */
const EMPTY_SHA256 = sha256('');
const sha256OrEmpty = (v: string | Buffer | undefined) => (v === undefined || v.length === 0 ? EMPTY_SHA256 : sha256(v));

/**
 * The gateway secret as an HMAC key, made once by a signer that signs many requests (the
 * gateway): the same key as the secret's text, without preparing it again for each signature.
 */
export const signingKey = (secret: string): KeyObject => createSecretKey(Buffer.from(secret, 'utf8'));

function mac(secret: string | KeyObject, r: SignedRequest, timestamp: string, nonce: string): string {
  const lines = [
    'v3',
    r.method.toUpperCase(),
    r.target,
    r.path,
    timestamp,
    nonce,
    sha256(r.body),
    sha256OrEmpty(r.authorization),
    sha256OrEmpty(r.clock),
    // the language the answer is written in, not the header's spelling (fetch adds `Accept-Language: *` unasked)
    languageOf(r.language),
  ];
  return createHmac('sha256', secret).update(lines.join('\n')).digest('hex');
}

export function signRequest(secret: string | KeyObject, request: SignedRequest, now = Date.now()): Record<string, string> {
  const timestamp = String(now);
  const nonce = randomUUID();
  return {
    [TIMESTAMP_HEADER]: timestamp,
    [NONCE_HEADER]: nonce,
    [SIGNATURE_HEADER]: `v3=${mac(secret, request, timestamp, nonce)}`,
  };
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export type SignatureCheck = { ok: true } | { ok: false; reason: Msg };

const REPLAY = t`The request was already received once (replay refused).`;
/** The replay refusal in English (the words between hub components). */
export const REPLAY_REFUSED = REPLAY.key;

/** Nonces accepted by any replica of one subgraph: claim is true for the first claim of a nonce only. */
export interface NonceStore {
  claim(nonce: string, expiresAt: number): Promise<boolean>;
}

/** Verifies signatures and remembers nonces for as long as a signature is fresh. */
export class SignatureVerifier {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly secret: string,
    /** the name of the subgraph that verifies: a signature made for another is refused */
    private readonly target: string,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
    /** shared with the other replicas; without one, nonces are remembered in this process only */
    private readonly store?: NonceStore,
  ) {}

  /** verify, then (with a store) the nonce's claim in the store: a nonce another replica accepted is a replay here too. */
  async check(method: string, path: string, headers: Record<string, string | string[] | undefined>, body: Buffer | string): Promise<SignatureCheck> {
    const local = this.verify(method, path, headers, body);
    if (!local.ok || !this.store) return local;
    const nonce = headers[NONCE_HEADER] as string;
    const claimed = await this.store.claim(nonce, this.seen.get(nonce) ?? this.now() + this.maxAgeMs + 5_000);
    return claimed ? local : { ok: false, reason: REPLAY };
  }

  verify(method: string, path: string, headers: Record<string, string | string[] | undefined>, body: Buffer | string): SignatureCheck {
    const ts = headers[TIMESTAMP_HEADER];
    const nonce = headers[NONCE_HEADER];
    const sig = headers[SIGNATURE_HEADER];
    if (typeof ts !== 'string' || typeof nonce !== 'string' || typeof sig !== 'string') {
      return { ok: false, reason: t`This service accepts requests from the hub gateway only (the request is not signed).` };
    }
    const signed: SignedRequest = {
      method,
      target: this.target,
      path,
      body,
      authorization: one(headers.authorization),
      clock: one(headers[CLOCK_HEADER]),
      language: one(headers[LANGUAGE_HEADER]),
    };
    const expected = Buffer.from(`v3=${mac(this.secret, signed, ts, nonce)}`);
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: t`This service accepts requests from the hub gateway only (the signature is wrong).` };
    }
    const now = this.now();
    const age = now - Number(ts);
    if (!Number.isFinite(age) || age > this.maxAgeMs || age < -5_000) {
      return { ok: false, reason: t`The request signature is stale; it must be sent again by the gateway.` };
    }
    this.forgetExpired(now);
    if (this.seen.has(nonce)) return { ok: false, reason: REPLAY };
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
