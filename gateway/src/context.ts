/**
 * The gateway's per-request context: the caller's verified token (401 before
 * any planning when it is missing or bad), the development clock header,
 * and the per-subgraph figures shown to developers.
 */
import { GraphQLError } from 'graphql';
import type { GatewayConfig } from '../../services/shared/src/env.ts';
import type { Caller } from '../../services/shared/src/caller.ts';
import type { TokenVerifier } from '../../services/shared/src/auth.ts';
import { parseDateTime } from '../../services/shared/src/time.ts';

export const CLOCK_HEADER = 'x-hub-clock';

export interface GatewayContext {
  caller: Caller;
  authorization: string;
  clock?: string;
  /** per subgraph: requests sent and SQL statements they ran (development diagnostics) */
  subgraphs: Record<string, { requests: number; sqlStatements: number }>;
}

type Headers = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export function createContextFunction(config: GatewayConfig, verifyToken: TokenVerifier) {
  return async ({ req }: { req: { headers: Headers } }): Promise<GatewayContext> => {
    const authorization = one(req.headers.authorization) ?? '';
    const caller = await verifyToken(authorization);
    const clock = one(req.headers[CLOCK_HEADER]);
    if (clock !== undefined) {
      if (config.mode !== 'development') {
        throw new GraphQLError(`The ${CLOCK_HEADER} header is accepted only in development mode.`, {
          extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
        });
      }
      if (!parseDateTime(clock)) {
        throw new GraphQLError(`The ${CLOCK_HEADER} header must be an ISO 8601 date-time with an offset, e.g. 2026-03-02T09:00:00+01:00.`, {
          extensions: { code: 'BAD_USER_INPUT', field: CLOCK_HEADER, http: { status: 400 } },
        });
      }
    }
    return { caller, authorization, ...(clock !== undefined ? { clock } : {}), subgraphs: {} };
  };
}
