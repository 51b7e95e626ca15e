/**
 * The gateway's per-request context: the caller's verified token (401 before
 * any planning when it is missing or bad), the development clock header,
 * and the per-subgraph figures shown to developers.
 */
import type { GatewayConfig } from '../../services/shared/src/env.ts';
import type { Caller } from '../../services/shared/src/caller.ts';
import type { TokenVerifier } from '../../services/shared/src/auth.ts';
import { CLOCK_HEADER, clockHeader } from '../../services/shared/src/clock.ts';

export { CLOCK_HEADER };

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
    const clock = clockHeader(req.headers[CLOCK_HEADER], config.mode)?.text;
    return { caller, authorization, ...(clock !== undefined ? { clock } : {}), subgraphs: {} };
  };
}
