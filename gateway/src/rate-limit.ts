/**
 * Rate limits at the gateway: a token bucket per caller (the verified token's subject with its
 * organisation) and one per client address for requests without a good token (none, expired,
 * forged), and one per address for development token mints. A bucket holds up to `burst`
 * requests and refills at `perMinute / 60` a second; a request that finds it empty is answered
 * 429 with `Retry-After` (whole seconds until a request fits) and `extensions.code:
 * RATE_LIMITED`.
 *
 * The buckets live in this process's memory. With HUB_GATEWAY_DATABASE_URL the gateway's
 * replicas share what they admitted (rate-limit-store.ts): every few hundred milliseconds each
 * takes the others' requests from its own buckets, so that all of them follow one bucket per key,
 * without a database round trip on any request. Without it, with N gateway replicas a caller may
 * make N times the limit (README, Limits). Memory is bounded: at most MAX_KEYS buckets per kind, the least
 * recently used dropped first (a dropped bucket had been idle longest, so is full or nearly).
 * One Map per kind, no lock: Node runs one request's check at a time.
 *
 * The client address is the socket's, or with HUB_TRUST_PROXY the last X-Forwarded-For entry
 * (the one the proxy in front of the gateway added; earlier entries are the client's word).
 * IPv6 addresses count by their /64 network, which one host can fill at will.
 */
import type { IncomingMessage } from 'node:http';
import type express from 'express';
import { GraphQLError } from 'graphql';
import type { RateLimitConfig } from '../../services/shared/src/env.ts';
import type { Caller } from '../../services/shared/src/caller.ts';
import type { Charge, LimitKind, SharedCounts } from './rate-limit-store.ts';
import { t } from '../../services/shared/src/i18n.ts';

export const RATE_LIMITED = 'RATE_LIMITED';

/** Buckets kept per kind at most; each is a few dozen bytes. */
export const MAX_KEYS = 100_000;

interface Bucket {
  tokens: number;
  updated: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    readonly perMinute: number,
    readonly burst: number,
    private readonly maxKeys = MAX_KEYS,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = perMinute / 60_000;
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Takes one request from the key's bucket: 0 when it fits, otherwise the whole seconds until one would. */
  take(key: string): number {
    if (this.perMinute === 0) return 0;
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket) {
      // Re-inserted so that the Map's order is least recently used first.
      this.buckets.delete(key);
      bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updated) * this.perMs);
      bucket.updated = now;
    } else {
      bucket = { tokens: this.burst, updated: now };
    }
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
  }

  /**
   * Takes what other replicas admitted from the key's bucket, below zero if need be (a debt the
   * caller pays by waiting). A span with `since` is the requests since then, less what the bucket
   * refilled since; of several spans the one that leaves the most is owed. A key without a bucket
   * here is left alone.
   */
  charge(key: string, spans: Array<{ count: number; since?: number }>): void {
    const bucket = this.buckets.get(key);
    if (!bucket || this.perMinute === 0) return;
    const now = this.now();
    const owed = Math.max(0, ...spans.map((s) => s.count - (s.since === undefined ? 0 : Math.max(0, now - s.since) * this.perMs)));
    if (owed === 0) return;
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updated) * this.perMs) - owed;
    bucket.updated = now;
  }
}

/** An IPv6 address's /64 network (written out), an IPv4 address as it is. */
export function addressKey(address: string): string {
  const plain = address.replace(/%.*$/, '');
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(plain);
  if (v4) return v4[1]!;
  if (!plain.includes(':')) return plain;
  const [head = '', tail] = plain.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().padStart(4, '0'))
    .join(':')}::/64`;
}

/** The client's address: the socket's, or behind a trusted proxy the last X-Forwarded-For entry. */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'> | undefined, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req?.headers['x-forwarded-for'];
    const last = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .at(-1);
    if (last) return addressKey(last);
  }
  return addressKey(req?.socket?.remoteAddress ?? 'unknown');
}

/** Requests built by the gateway itself (a WebSocket's operations) carry their connection's address here. */
const addresses = new WeakMap<Request, string>();

export function rememberClientAddress(request: Request, req: Pick<IncomingMessage, 'headers' | 'socket'>, trustProxy: boolean): Request {
  addresses.set(request, clientAddress(req, trustProxy));
  return request;
}

export const rateLimitMessage = (seconds: number) =>
  String(seconds === 1 ? t`Too many requests; try again in 1 second.` : t`Too many requests; try again in ${seconds} seconds.`);

export function rateLimitedError(seconds: number): GraphQLError {
  return new GraphQLError(rateLimitMessage(seconds), {
    extensions: { code: RATE_LIMITED, http: { status: 429, headers: { 'Retry-After': String(seconds) } } },
  });
}

export interface RateLimiter {
  /**
   * After the token was checked (context.ts): the caller's bucket, or the address's when there
   * is no good token. Throws the 429 when the bucket is empty.
   */
  check: (request: Request, serverContext: unknown, caller: Caller | null) => void;
  /** Express middleware for the development token mint (per address). */
  mints: express.RequestHandler;
  /** The counts shared with the other replicas, when HUB_GATEWAY_DATABASE_URL is set. */
  shared?: SharedCounts;
}

/** `openShared`: the counts shared with the other replicas (rate-limit-store.ts), told how to charge this limiter's buckets. */
export function createRateLimiter(config: RateLimitConfig, openShared?: (charge: Charge) => SharedCounts): RateLimiter {
  const buckets: Record<LimitKind, TokenBuckets> = {
    caller: new TokenBuckets(config.perMinute, config.burst),
    address: new TokenBuckets(config.anonPerMinute, config.anonBurst),
    mint: new TokenBuckets(config.anonPerMinute, config.anonBurst),
  };
  const shared = openShared?.((kind, key, spans) => buckets[kind].charge(key, spans));
  const take = (kind: LimitKind, key: string): number => {
    const wait = buckets[kind].take(key);
    if (wait === 0 && shared && buckets[kind].perMinute > 0) shared.note(kind, key);
    return wait;
  };
  const addressOf = (request: Request, serverContext: unknown) => {
    const req = (serverContext as { req?: IncomingMessage } | undefined)?.req;
    return req?.socket ? clientAddress(req, config.trustProxy) : (addresses.get(request) ?? 'unknown');
  };
  return {
    ...(shared ? { shared } : {}),
    check: (request, serverContext, caller) => {
      const wait = caller ? take('caller', `${caller.organisation.id} ${caller.userId}`) : take('address', addressOf(request, serverContext));
      if (wait > 0) throw rateLimitedError(wait);
    },
    mints: (req, res, next) => {
      const wait = take('mint', clientAddress(req, config.trustProxy));
      if (wait === 0) return next();
      res.set({ 'Retry-After': String(wait), 'Cache-Control': 'no-store' });
      res.status(429).json({ error: rateLimitMessage(wait), code: RATE_LIMITED });
    },
  };
}
