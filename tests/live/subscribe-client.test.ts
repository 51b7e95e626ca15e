/**
 * The README's example live client (scripts/subscribe.ts, `npm run subscribe`) against the test
 * hub's gateway, over SSE and over WebSocket: it prints the notification a new request gives the
 * coordinator as one JSON line and stops after --count; a bad `after` prints the hub's error
 * (code, field, the rule in words) and exits 1; with --subgraph probation, the office gets a
 * partner's deviation.
 */
import { describe, expect, it } from 'vitest';
import { gql, hub, ok, tokenFor } from '../helpers/hub.ts';
import { newestId } from '../helpers/live.ts';
import { startCommand } from '../helpers/processes.ts';
import { caseworker1980, coordinator19, submit } from '../helpers/withdrawal.ts';
import { DEVIATION, register, staff } from '../helpers/probation.ts';

function client(args: string[], token: string) {
  const started = startCommand('node', ['--import', 'tsx', 'scripts/subscribe.ts', '--url', hub().gatewayUrl, '--seconds', '30', ...args], {
    HUB_TOKEN: token,
  });
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', (code) => resolve(code)));
  const lines = () =>
    started
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { exited, lines };
}

describe.each(['sse', 'ws'])('npm run subscribe over %s', (transport) => {
  it('prints the coordinator the new request as a JSON line and stops after --count 1', async () => {
    const token = await tokenFor(coordinator19);
    // after the newest notification: what comes before the subscription is open is replayed, so nothing is missed
    const live = client(['--transport', transport, '--after', await newestId(coordinator19), '--count', '1'], token);
    const { referral } = await submit(caseworker1980, '2026-03-20T09:00:00+01:00');
    expect(await live.exited).toBe(0);
    expect(live.lines()).toEqual([
      {
        id: expect.stringMatching(/^psychiatry:\d+$/),
        kind: 'SUBMITTED',
        recordKind: 'WithdrawalReferral',
        recordId: referral.id,
        createdAt: '2026-03-20T09:00:00.000+01:00',
        read: false,
      },
    ]);
  });

  it('with --subgraph probation prints the office the deviation a partner reported', async () => {
    const officer = staff('probation:vasteras', 'PROBATION_OFFICER');
    const clock = '2026-03-10T10:00:00+01:00';
    const { order } = await register(officer, { courtDecisionOn: '2026-01-10', endsOn: '2026-12-31' }, clock);
    const live = client(
      ['--transport', transport, '--subgraph', 'probation', '--after', await newestId(officer, 'probation'), '--count', '1'],
      await tokenFor(officer),
    );
    ok(await gql(DEVIATION, { id: order.id, on: '2026-03-09', d: 'Uteblev.' }, { as: staff('municipality:1980', 'CASEWORKER'), clock }));
    expect(await live.exited).toBe(0);
    expect(live.lines()).toEqual([
      {
        id: expect.stringMatching(/^probation:\d+$/),
        kind: 'DEVIATION_REPORTED',
        recordKind: 'ContractCareOrder',
        recordId: order.id,
        createdAt: '2026-03-10T10:00:00.000+01:00',
        read: false,
      },
    ]);
  });

  it('prints the error of a bad after and exits 1', async () => {
    const live = client(['--transport', transport, '--after', 'municipality:3'], await tokenFor(coordinator19));
    expect(await live.exited).toBe(1);
    expect(live.lines()).toEqual([{ error: expect.stringContaining('municipality:3'), code: 'BAD_USER_INPUT', field: 'after', serviceName: 'psychiatry' }]);
  });
});
