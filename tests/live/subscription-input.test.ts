/**
 * A subscription with bad input is refused like a query: the error names the field and the rule,
 * with its code, and no stack trace or SQL, over SSE and over WebSocket; no token is refused
 * before anything runs.
 */
import { describe, expect, it } from 'vitest';
import { tokenFor } from '../helpers/hub.ts';
import { subscribe, type Transport } from '../helpers/live.ts';
import { caseworker1980 } from '../helpers/withdrawal.ts';

async function refusal(transport: Transport, after: string, token?: string) {
  const live = subscribe(transport, token ?? (await tokenFor(caseworker1980)), after);
  try {
    await live.until(() => false);
  } catch (err) {
    return err;
  }
  throw new Error('the subscription was not refused');
}

describe.each(['SSE', 'WebSocket'] as const)('a subscription over %s with a malformed after', (transport) => {
  it.each([
    ['an id of another subgraph', 'municipality:3'],
    ['no id at all', 'not an id'],
    ['a negative sequence', 'psychiatry:-1'],
  ])('is refused with BAD_USER_INPUT on after: %s', async (_what, after) => {
    const err = await refusal(transport, after);
    const errors = JSON.parse((err as Error).message) as Array<{ message: string; extensions?: Record<string, unknown> }>;
    expect(errors).toHaveLength(1);
    expect([errors[0]!.extensions?.code, errors[0]!.extensions?.field]).toEqual(['BAD_USER_INPUT', 'after']);
    expect(errors[0]!.message).not.toMatch(/at .*\.ts:\d+|select |postgres/i);
    // development mode names the subgraph too (README, "The gateway"); nothing else travels
    expect(Object.keys(errors[0]!.extensions ?? {}).sort()).toEqual(['code', 'field', 'serviceName']);
    expect(errors[0]!.extensions?.serviceName).toBe('psychiatry');
  });
});
