/**
 * The development clock header, read the same way by the gateway and every subgraph:
 * absent means the real clock; present, it must be an ISO 8601 date-time with an offset,
 * and only development mode accepts it (production answers 400, so no caller can move
 * deadlines).
 */
import { GraphQLError } from 'graphql';
import type { AuthConfig } from './env.ts';
import { parseDateTime } from './time.ts';
import { t } from './i18n.ts';

export const CLOCK_HEADER = 'x-hub-clock';

/** The header's value as sent, after the checks; undefined when the request did not send one. */
export function clockHeader(value: string | string[] | undefined, mode: AuthConfig['mode']): { text: string; at: Date } | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  if (mode !== 'development') {
    throw new GraphQLError(String(t`The ${CLOCK_HEADER} header is accepted only in development mode.`), {
      extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
    });
  }
  const at = parseDateTime(text);
  if (!at) {
    throw new GraphQLError(String(t`The ${CLOCK_HEADER} header must be an ISO 8601 date-time with an offset, e.g. 2026-03-02T09:00:00+01:00.`), {
      extensions: { code: 'BAD_USER_INPUT', field: CLOCK_HEADER, http: { status: 400 } },
    });
  }
  return { text, at };
}
