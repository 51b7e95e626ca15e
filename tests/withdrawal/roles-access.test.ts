/**
 * Who may use what issue 14 added, as tables of role × organisation: the mutations
 * (amendWithdrawalReferral, assignWithdrawalReferral, prepareTreatmentDecision,
 * recordTreatmentDecision with the chief physician's role, submitWithdrawalReferral's
 * newCycleOf) and the fields (amendments, assignedCoordinator, newCycleOf, preparedDecision,
 * Organisation.contacts), by the direct query and by `_entities`. A refused mutation changes
 * nothing; a referral the caller may not see is absent, with none of its secrets anywhere.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, type As, type GqlResult } from '../helpers/hub.ts';
import { accessMatrix, entitiesPath, gatewayPath, rowsByCaller, type Seen } from '../helpers/access-matrix.ts';
import {
  BOOK,
  caseworker0180,
  caseworker1980,
  caseworker1981,
  chiefPhysician19,
  coordinator01,
  coordinator19,
  nurse19,
  ok,
  physician19,
  referralInput,
  submit,
} from '../helpers/withdrawal.ts';

const as = (org: string, role: As['roles'][number]): As => ({ org, roles: [role], sub: `${org}-${role}`.toLowerCase(), name: `${role} ${org}` });

const RECEIVED = '2026-05-04T09:00:00+02:00';
const MEETING = '2026-05-11T13:00:00+02:00';
const AFTER = '2026-05-11T15:00:00+02:00';

/** role × organisation */
const CALLERS: Array<[string, As]> = [
  ['the referring caseworker (municipality:1980)', caseworker1980],
  ['another caseworker of the referring municipality', as('municipality:1980', 'CASEWORKER')],
  ['a caseworker of another municipality in the region (1981)', caseworker1981],
  ['a caseworker of another region (0180)', caseworker0180],
  ['the receiving coordinator (psychiatry:19)', coordinator19],
  ['a physician of the receiving organisation', physician19],
  ['the chief physician of the receiving organisation', chiefPhysician19],
  ['a nurse of the receiving organisation', nurse19],
  ['a council member of the receiving psychiatry', as('psychiatry:19', 'COUNCIL_MEMBER')],
  ['a log reviewer of the receiving psychiatry', as('psychiatry:19', 'LOG_REVIEWER')],
  ["the other region's coordinator (psychiatry:01)", coordinator01],
  ["the other region's chief physician", as('psychiatry:01', 'CHIEF_PHYSICIAN')],
  ['a council member of the referring municipality', as('municipality:1980', 'COUNCIL_MEMBER')],
  ['a probation officer in the same town', as('probation:vasteras', 'PROBATION_OFFICER')],
  ['a clinic physician', as('clinic:0180-sodermalm', 'PHYSICIAN')],
];

type Outcome = 'ok' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT';

/** What each mutation gives each caller, in CALLERS' order. */
const MUTATIONS: Record<string, Outcome[]> = {
  //                      cw1980 cw1980b cw1981 cw0180 coord19 phys19 chief19 nurse19 council19 log19 coord01 chief01 council1980 probation clinicPhys
  amendWithdrawalReferral: ['ok', 'ok', 'NOT_FOUND', 'NOT_FOUND', ...Array<Outcome>(9).fill('FORBIDDEN'), 'FORBIDDEN', 'FORBIDDEN'],
  assignWithdrawalReferral: [
    ...Array<Outcome>(4).fill('FORBIDDEN'),
    'ok',
    ...Array<Outcome>(5).fill('FORBIDDEN'),
    'NOT_FOUND',
    ...Array<Outcome>(4).fill('FORBIDDEN'),
  ],
  prepareTreatmentDecision: [
    ...Array<Outcome>(5).fill('FORBIDDEN'),
    'ok',
    'ok',
    ...Array<Outcome>(4).fill('FORBIDDEN'),
    'NOT_FOUND',
    'FORBIDDEN',
    'FORBIDDEN',
    'NOT_FOUND',
  ],
  recordTreatmentDecision: [
    ...Array<Outcome>(5).fill('FORBIDDEN'),
    'ok',
    'ok',
    ...Array<Outcome>(4).fill('FORBIDDEN'),
    'NOT_FOUND',
    'FORBIDDEN',
    'FORBIDDEN',
    'NOT_FOUND',
  ],
  // only a caseworker sends; another municipality cannot name Västerås' request (the same answer as an id that names none)
  'submitWithdrawalReferral(newCycleOf)': ['ok', 'ok', 'BAD_USER_INPUT', 'BAD_USER_INPUT', ...Array<Outcome>(11).fill('FORBIDDEN')],
};

/** A referral awaiting the decision, for one case of the table. */
async function fresh() {
  const { referral, input } = await submit(caseworker1980, RECEIVED);
  ok(await gql(BOOK, { id: referral.id, at: MEETING }, { as: coordinator19, clock: '2026-05-05T10:00:00+02:00' }));
  return { id: referral.id as string, input };
}

const STATE = `query($id: ID!) { withdrawalReferral(id: $id) { status amendments { by } assignedCoordinator { userId } preparedDecision { preparedBy } decision { decidedBy } } }`;
const UNCHANGED = { status: 'AWAITING_DECISION', amendments: [], assignedCoordinator: null, preparedDecision: null, decision: null };

/** Each mutation: the call, and what the referral looks like after it succeeded for `caller`. */
const RUN: Record<string, { call: (id: string, input: Record<string, unknown>, caller: As) => Promise<GqlResult>; after: (caller: As) => unknown }> = {
  amendWithdrawalReferral: {
    call: (id, _i, caller) =>
      gql('mutation($id: ID!) { amendWithdrawalReferral(referralId: $id, input: { medications: ["Antabus"] }) { id } }', { id }, { as: caller, clock: AFTER }),
    after: (c) => ({ ...UNCHANGED, amendments: [{ by: `${c.name} (Västerås stad, socialtjänsten)` }] }),
  },
  assignWithdrawalReferral: {
    call: (id, _i, caller) => gql('mutation($id: ID!) { assignWithdrawalReferral(referralId: $id) { id } }', { id }, { as: caller, clock: AFTER }),
    after: (c) => ({ ...UNCHANGED, assignedCoordinator: { userId: c.sub } }),
  },
  prepareTreatmentDecision: {
    call: (id, _i, caller) =>
      gql('mutation($id: ID!) { prepareTreatmentDecision(referralId: $id, needed: true, setting: OUTPATIENT) { id } }', { id }, { as: caller, clock: AFTER }),
    after: (c) => ({ ...UNCHANGED, preparedDecision: { preparedBy: c.name } }),
  },
  recordTreatmentDecision: {
    call: (id, _i, caller) =>
      gql('mutation($id: ID!) { recordTreatmentDecision(referralId: $id, needed: true, setting: OUTPATIENT) { id } }', { id }, { as: caller, clock: AFTER }),
    // the chief physician decides; a physician's call prepares
    after: (c) =>
      c.roles.includes('CHIEF_PHYSICIAN')
        ? { ...UNCHANGED, status: 'CARE_PLANNING', decision: { decidedBy: c.name } }
        : { ...UNCHANGED, preparedDecision: { preparedBy: c.name } },
  },
  'submitWithdrawalReferral(newCycleOf)': {
    call: (id, input, caller) =>
      gql(
        'mutation($input: WithdrawalReferralInput!, $of: ID) { submitWithdrawalReferral(input: $input, newCycleOf: $of) { id newCycleOf { id } } }',
        {
          input,
          of: id,
        },
        { as: caller, clock: AFTER },
      ),
    after: () => UNCHANGED,
  },
};

describe('the mutations issue 14 added, by role × organisation', () => {
  for (const [mutation, outcomes] of Object.entries(MUTATIONS)) {
    if (outcomes.length !== CALLERS.length) throw new Error(`${mutation}: one outcome per caller`);
    CALLERS.forEach(([who, caller], i) => {
      const outcome = outcomes[i]!;
      it(`${mutation} · ${who} → ${outcome}`, async () => {
        const { id, input } = await fresh();
        const res = await RUN[mutation]!.call(id, input, caller);
        if (outcome === 'ok') {
          expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
          if (mutation.startsWith('submit')) expect(res.data?.submitWithdrawalReferral.newCycleOf).toEqual({ id });
        } else {
          expect(res.errors?.map((e) => e.extensions?.code)).toEqual([outcome]);
          expect(res.data ?? null).toBeNull();
        }
        const state = ok(await gql(STATE, { id }, { as: coordinator19, clock: AFTER })).withdrawalReferral;
        expect(state).toEqual(outcome === 'ok' ? RUN[mutation]!.after(caller) : UNCHANGED);
      });
    });
  }
});

describe('the fields issue 14 added, by role × organisation and path', () => {
  let first = '';
  let id = '';
  let personnummer = '';
  beforeAll(async () => {
    const input = referralInput();
    personnummer = input.personnummer;
    first = ok(await gql('mutation($input: WithdrawalReferralInput!) { submitWithdrawalReferral(input: $input) { id } }', { input }, { as: caseworker1980 }))
      .submitWithdrawalReferral.id;
    id = ok(
      await gql(
        'mutation($input: WithdrawalReferralInput!, $of: ID) { submitWithdrawalReferral(input: $input, newCycleOf: $of) { id } }',
        { input, of: first },
        {
          as: caseworker1980,
          clock: RECEIVED,
        },
      ),
    ).submitWithdrawalReferral.id;
    ok(
      await gql(
        'mutation($id: ID!) { amendWithdrawalReferral(referralId: $id, input: { caseworker: { phone: "021-39 55 55" } }) { id } }',
        { id },
        { as: caseworker1980 },
      ),
    );
    ok(await gql('mutation($id: ID!) { assignWithdrawalReferral(referralId: $id) { id } }', { id }, { as: coordinator19 }));
    ok(await gql(BOOK, { id, at: MEETING }, { as: coordinator19, clock: '2026-05-05T10:00:00+02:00' }));
    ok(
      await gql(
        'mutation($id: ID!) { prepareTreatmentDecision(referralId: $id, needed: true, setting: INPATIENT) { id } }',
        { id },
        { as: physician19, clock: AFTER },
      ),
    );
  });

  const FIELDS = 'id amendments { by changes { field before after } } assignedCoordinator { userId name } newCycleOf { id }';
  const PREPARED = 'preparedDecision { needed setting preparedBy }';
  const paths = {
    'withdrawalReferral(id) { amendments assignedCoordinator newCycleOf }': gatewayPath(
      'record',
      `query($id: ID!) { withdrawalReferral(id: $id) { ${FIELDS} } }`,
      () => ({ id }),
      (d) => d?.withdrawalReferral,
    ),
    '_entities { amendments assignedCoordinator newCycleOf }': entitiesPath('psychiatry', 'WithdrawalReferral', FIELDS, () => id),
    'withdrawalReferral(id).preparedDecision': gatewayPath(
      'record',
      `query($id: ID!) { withdrawalReferral(id: $id) { ${PREPARED} } }`,
      () => ({ id }),
      (d) => d?.withdrawalReferral?.preparedDecision ?? null,
    ),
  };
  type P = keyof typeof paths;
  const [F, E, D] = Object.keys(paths) as [P, P, P];
  const sees = { [F]: 'visible', [E]: 'visible', [D]: 'visible' } as Record<P, Seen>;
  const hidden = { [F]: 'hidden', [E]: 'hidden', [D]: 'hidden' } as Record<P, Seen>;
  const senderSees = { ...sees, [D]: 'FORBIDDEN' } as Record<P, Seen>;
  const expected: Record<string, Record<P, Seen>> = {
    'the referring caseworker (municipality:1980)': senderSees,
    'another caseworker of the referring municipality': senderSees,
    'the receiving coordinator (psychiatry:19)': sees,
    'a physician of the receiving organisation': sees,
    'the chief physician of the receiving organisation': sees,
    'a nurse of the receiving organisation': sees,
  };
  const rows = rowsByCaller(CALLERS.map(([who, caller]) => [who, caller, expected[who] ?? hidden] as [string, As, Record<P, Seen>]));

  accessMatrix(rows, {
    paths,
    record: (row) =>
      row.path === D
        ? { needed: true, setting: 'INPATIENT', preparedBy: 'Lina Falk' }
        : {
            id,
            amendments: [
              { by: 'Anna Svensson (Västerås stad, socialtjänsten)', changes: [{ field: 'caseworker.phone', before: '021-39 00 00', after: '021-39 55 55' }] },
            ],
            assignedCoordinator: { userId: 'maria.berg', name: 'Maria Berg' },
            newCycleOf: { id: first },
          },
    secrets: () => [id, first, '021-39 55 55', 'Lina Falk', personnummer],
  });

  it.each(CALLERS)('Organisation.contacts · %s → the directory details', async (_who, caller) => {
    const res = await gql('{ organisations(agency: PSYCHIATRY) { id contacts { phone } } }', {}, { as: caller });
    expect(ok(res).organisations).toEqual([
      { id: 'psychiatry:19', contacts: [{ phone: '021-17 44 13' }, { phone: '021-17 39 41' }] },
      { id: 'psychiatry:01', contacts: [] },
    ]);
  });
});
