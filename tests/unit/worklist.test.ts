/**
 * The worklist's pure parts, called directly (no stack): the order of a list, a message's text
 * rule, and which kind of work a referral gives each role and side at a given time.
 */
import { describe, expect, it } from 'vitest';
import { caller, thrown } from './fixtures.ts';
import { messageText, sortWork, type WorkItemView } from '../../services/shared/src/messages.ts';
import { workOf } from '../../services/psychiatry/src/domain/work.ts';
import type { ReferralRow } from '../../services/psychiatry/src/db/schema.ts';

const item = (id: string, dueOn: string | null, since: string | null): WorkItemView => ({
  id,
  kind: 'K',
  recordKind: 'R',
  recordId: id,
  dueOn,
  since: since ? new Date(since) : null,
  informational: false,
});

describe('sortWork', () => {
  it('earliest due date first, none last; then the oldest, unknown last; then by id', () => {
    const sorted = sortWork([
      item('e', null, null),
      item('d', null, '2026-01-01T00:00:00Z'),
      item('c', '2026-05-01', null),
      item('b', '2026-05-01', '2026-04-01T00:00:00Z'),
      item('a', '2026-03-01', null),
      item('f', null, null),
    ]);
    expect(sorted.map((i) => i.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });
});

describe('messageText', () => {
  it('trims, and refuses empty or over-long text on the field text', () => {
    expect(messageText('  Hej  ')).toBe('Hej');
    expect(messageText('x'.repeat(2000))).toHaveLength(2000);
    expect(thrown(() => messageText(' \n ')).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'text' });
    expect(thrown(() => messageText('x'.repeat(2001))).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'text' });
  });
});

describe('workOf a referral', () => {
  const base = {
    id: '00000000-0000-4000-8000-000000000009',
    receivingOrganisationId: 'psychiatry:19',
    referringOrganisationId: 'municipality:1980',
    cycle: 1,
    cycleStartedAt: new Date('2026-03-20T08:00:00Z'),
    assessmentDueBy: '2026-04-03',
    assessmentMeetingAt: null,
    decidedAt: null,
    placeOfferedAt: null,
    placeStartDate: null,
    placeLapsesOn: null,
    preparedAt: null,
    admittedAt: null,
    expectedDischargeOn: null,
  } as unknown as ReferralRow;
  const at = new Date('2026-03-24T10:00:00Z');
  const kinds = (r: Partial<ReferralRow>, c: ReturnType<typeof caller>, now = at) => workOf(c, { ...base, ...r }, now).map((i) => [i.kind, i.dueOn]);

  it.each([
    ['coordinator, received', { stage: 'RECEIVED' }, caller('psychiatry:19', 'COORDINATOR'), [['NEW_REQUEST', '2026-04-03']]],
    ['coordinator, cycle 2', { stage: 'RECEIVED', cycle: 2 }, caller('psychiatry:19', 'COORDINATOR'), [['NEW_ASSESSMENT_REQUESTED', '2026-04-03']]],
    ['coordinator of another region', { stage: 'RECEIVED' }, caller('psychiatry:01', 'COORDINATOR'), []],
    ['nurse, received', { stage: 'RECEIVED' }, caller('psychiatry:19', 'NURSE'), []],
    ['caseworker, received', { stage: 'RECEIVED' }, caller('municipality:1980', 'CASEWORKER'), []],
    [
      'chief physician after the meeting',
      { stage: 'ASSESSMENT_BOOKED', assessmentMeetingAt: new Date('2026-03-23T12:00:00Z') },
      caller('psychiatry:19', 'CHIEF_PHYSICIAN'),
      [['DECISION_WAITING', '2026-03-23']],
    ],
    [
      'physician, a decision already prepared',
      { stage: 'ASSESSMENT_BOOKED', assessmentMeetingAt: new Date('2026-03-23T12:00:00Z'), preparedAt: new Date('2026-03-23T14:00:00Z') },
      caller('psychiatry:19', 'PHYSICIAN'),
      [],
    ],
    [
      'coordinator, decided',
      { stage: 'CARE_PLANNING', decidedAt: new Date('2026-03-23T14:00:00Z') },
      caller('psychiatry:19', 'COORDINATOR'),
      [['OFFER_PLACE', '2026-04-06']],
    ],
    [
      'caseworker of another municipality, decided',
      { stage: 'CARE_PLANNING', decidedAt: new Date('2026-03-23T14:00:00Z') },
      caller('municipality:1981', 'CASEWORKER'),
      [],
    ],
    [
      'caseworker, lapsed',
      { stage: 'PLACE_OFFERED', placeOfferedAt: new Date('2026-02-01T10:00:00Z'), placeStartDate: '2026-02-15', placeLapsesOn: '2026-03-14' },
      caller('municipality:1980', 'CASEWORKER'),
      [['PLACE_LAPSED', '2026-03-15']],
    ],
  ] as const)('%s', (_, r, c, expected) => {
    expect(kinds(r as Partial<ReferralRow>, c)).toEqual(expected);
  });
});
