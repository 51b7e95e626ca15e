/**
 * What the gateway knows of each client request, kept per request: the
 * caller's verified token (401 before any parsing or planning when it is
 * missing or bad), the development clock header, and the per-subgraph figures
 * shown to developers. The token is checked in Yoga's `onParams`, which runs
 * for HTTP, SSE and WebSocket operations alike.
 */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { GatewayConfig } from '../../services/shared/src/env.ts';
import type { TokenVerifier } from '../../services/shared/src/auth.ts';
import type { Caller } from '../../services/shared/src/caller.ts';
import { CLOCK_HEADER, clockHeader } from '../../services/shared/src/clock.ts';
import { noteCaller } from '../../services/shared/src/request-log.ts';

export { CLOCK_HEADER };

export interface HubRequest {
  /** the caller's Authorization header, verified, forwarded to every subgraph (which verifies it again) */
  authorization: string;
  /** the development clock, checked, forwarded as sent */
  clock?: string;
  /** per subgraph: requests sent and SQL statements they ran (development diagnostics) */
  subgraphs: Record<string, { requests: number; sqlStatements: number }>;
}

/** Keyed by the client request, which the gateway hands to every hook (and to onFetch as `context.request`). */
const requests = new WeakMap<Request, HubRequest>();

export const hubRequest = (request: Request | undefined): HubRequest | undefined => (request ? requests.get(request) : undefined);

/** Told of each request's caller once the token is checked (null: no good token); throws to refuse the request (rate-limit.ts). */
export type CallerCheck = (request: Request, serverContext: unknown, caller: Caller | null) => void;

/** Checks the token and the clock header before the operation is parsed; the request's state is kept for the upstream hooks. */
export function useHubCaller(config: GatewayConfig, verifyToken: TokenVerifier, check?: CallerCheck): GatewayPlugin {
  return {
    async onParams({ request, context }) {
      // Every operation, also each one on a long-lived WebSocket: a token may expire meanwhile.
      const authorization = request.headers.get('authorization') ?? '';
      let caller: Caller;
      try {
        caller = await verifyToken(authorization);
      } catch (err) {
        check?.(request, context, null);
        throw err;
      }
      noteCaller(caller);
      check?.(request, context, caller);
      const clock = clockHeader(request.headers.get(CLOCK_HEADER) ?? undefined, config.mode)?.text;
      requests.set(request, { authorization, ...(clock !== undefined ? { clock } : {}), subgraphs: {} });
    },
  };
}
