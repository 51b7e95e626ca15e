/**
 * Contract care (kontraktsvård) through the gateway: registering an order and
 * each validation rule; who sees an order by every path (a table of role ×
 * organisation × path × expected); deviations reported by a partner and seen
 * by the office on its next request; evaluations at the 90-day boundary; the
 * status derived from the clock and a breach; refused changes; the audit
 * trail; cursor pagination; and batching (50 orders cost what 5 cost).
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, hub, subgraphRequest, type As } from '../helpers/hub.ts';
import { participants } from '../helpers/plans.ts';
import {
  accessMatrix,
  expectUnknownIdsAbsent,
  personRecordOutcomes,
  personRecordPaths,
  rowsByCaller,
  type AccessPath,
  type AccessRow,
} from '../helpers/access-matrix.ts';
import { dropDatabase, ensureDatabase, migrateDatabase, withDatabase } from '../../services/shared/src/db.ts';
import { verifyAuditSeals } from '../../services/shared/src/audit-seal.ts';
import { parseIdentityNumber } from '../../services/shared/src/personnummer.ts';
import { stockholmDate } from '../../services/shared/src/time.ts';
import { probation } from '../../services/probation/src/server.ts';
import { seedDemo } from '../../services/probation/src/demo.ts';
import * as rules from '../../services/probation/src/domain/rules.ts';
import { personnummer } from '../helpers/people.ts';
import { withAuditKey } from '../../services/shared/src/audit.ts';
import {
  auditOfUser,
  BREACH,
  DEVIATION,
  EVALUATION,
  ok,
  ORDER,
  orderInput,
  refused,
  register,
  REGISTER,
  staff,
  withSql,
  fromToday,
} from '../helpers/probation.ts';

const FIND = 'query($n: String!) { findPerson(personnummer: $n) { id } }';
const officer = (org = 'probation:vasteras') => staff(org, 'PROBATION_OFFICER', 'Petra Frivård');

async function storedOrdersFor(pnr: string): Promise<number> {
  const rows = await withSql('probation', (sql) => sql`select count(*)::int as n from contract_care_order where personnummer = ${pnr.replace(/\D/g, '')}`);
  return rows[0]!.n as number;
}

describe('registering an order', () => {
  it('a probation officer registers an order for their office; the order shows what was registered', async () => {
    const me = officer();
    const clock = '2026-03-01T09:00:00+01:00';
    const { input, order } = await register(
      me,
      { courtDecisionOn: '2026-02-20', endsOn: '2026-08-31', partnerOrganisationIds: ['municipality:1980', 'psychiatry:19', 'clinic:0180-sodermalm'] },
      clock,
    );
    const personId = ok(await gql(FIND, { n: input.personnummer }, { as: me })).findPerson.id;
    expect(order).toMatchObject({
      status: 'ACTIVE',
      courtDecisionOn: '2026-02-20',
      endsOn: '2026-08-31',
      person: { id: personId },
      clientName: 'Klient Klientsson',
      personnummer: input.personnummer,
      probationOffice: { id: 'probation:vasteras', name: 'Frivården Västerås', agency: 'PROBATION' },
      partnerOrganisations: [
        { id: 'municipality:1980', agency: 'MUNICIPALITY' },
        { id: 'psychiatry:19', agency: 'PSYCHIATRY' },
        { id: 'clinic:0180-sodermalm', agency: 'CLINIC' },
      ],
      deviations: [],
      evaluations: [],
      nextEvaluationDueBy: '2026-05-21',
      evaluationOverdue: false,
      breach: null,
    });
    // probation's own record: the normalised number and the name, with the shared pseudonymous id
    const rows = await withSql(
      'probation',
      (sql) => sql`select personnummer, name, person_id, probation_office_id, registered_by from contract_care_order where id = ${order.id}`,
    );
    expect(rows).toEqual([
      {
        personnummer: input.personnummer.replace('-', ''),
        name: 'Klient Klientsson',
        person_id: personId,
        probation_office_id: 'probation:vasteras',
        registered_by: me.sub,
      },
    ]);
  });

  it('accepts a samordningsnummer and a 10-digit number, stored normalised', async () => {
    const pnr = personnummer('WOMEN', { samordning: true });
    const { order } = await register(officer(), { personnummer: pnr.slice(2) });
    expect(order.personnummer).toBe(pnr);
  });

  const future = '2026-12-01';
  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['a personnummer with a wrong check digit', { personnummer: '19800101-0000' }, 'input.personnummer', /check digit/],
    ['a personnummer that is not one', { personnummer: 'abc' }, 'input.personnummer', /10 or 12 digits/],
    ['an empty name', { name: '   ' }, 'input.name', /name must be filled in/],
    ['a court decision in the future', { courtDecisionOn: future, endsOn: '2027-06-01' }, 'input.courtDecisionOn', /cannot be in the future/],
    ['an end on the day of the court decision', { courtDecisionOn: '2026-01-15', endsOn: '2026-01-15' }, 'input.endsOn', /must end after the court decision/],
    ['an end before the court decision', { courtDecisionOn: '2026-01-15', endsOn: '2025-12-31' }, 'input.endsOn', /must end after/],
    [
      'an unknown partner',
      { partnerOrganisationIds: ['municipality:1980', 'psychiatry:19', 'municipality:9999'] },
      'input.partnerOrganisationIds',
      /municipality:9999 is not an organisation/,
    ],
    ['no social services among the partners', { partnerOrganisationIds: ['psychiatry:19'] }, 'input.partnerOrganisationIds', /social services/],
    ['no care provider among the partners', { partnerOrganisationIds: ['municipality:1980'] }, 'input.partnerOrganisationIds', /care provider/],
    [
      'a probation office among the partners',
      { partnerOrganisationIds: ['municipality:1980', 'psychiatry:19', 'probation:stockholm'] },
      'input.partnerOrganisationIds',
      /is a probation office/,
    ],
    [
      'a partner named twice',
      { partnerOrganisationIds: ['municipality:1980', 'psychiatry:19', 'municipality:1980'] },
      'input.partnerOrganisationIds',
      /named twice/,
    ],
    ['no partners at all', { partnerOrganisationIds: [] }, 'input.partnerOrganisationIds', /social services/],
  ])('refuses %s (BAD_USER_INPUT, stores nothing)', async (_label, overrides, field, message) => {
    const input = orderInput({ courtDecisionOn: '2026-01-15', endsOn: '2026-12-31', ...overrides });
    const res = await gql(REGISTER, { input }, { as: officer(), clock: '2026-11-23T10:00:00+01:00' });
    expect(refused(res, 'BAD_USER_INPUT', field).message).toMatch(message);
    expect(res.data).toBeNull();
    if (typeof input.personnummer === 'string' && /^\d{8}-\d{4}$/.test(input.personnummer)) expect(await storedOrdersFor(input.personnummer)).toBe(0);
  });

  it.each<[string, As]>([
    ['a partner caseworker', staff('municipality:1980', 'CASEWORKER')],
    ['a psychiatry coordinator', staff('psychiatry:19', 'COORDINATOR')],
    ['clinic staff', staff('clinic:0180-sodermalm', 'CLINIC_STAFF')],
    ['a probation log reviewer', staff('probation:vasteras', 'LOG_REVIEWER')],
    ['a council member', staff('municipality:1980', 'COUNCIL_MEMBER')],
  ])('refuses %s (FORBIDDEN, even with invalid input; stores nothing)', async (_label, caller) => {
    const input = orderInput();
    expect(refused(await gql(REGISTER, { input }, { as: caller }), 'FORBIDDEN').message).toMatch(/does not allow you to register a contract-care order/);
    expect(refused(await gql(REGISTER, { input: { ...input, name: '' } }, { as: caller }), 'FORBIDDEN'));
    expect(await storedOrdersFor(input.personnummer)).toBe(0);
  });
});

// ------------------------------------------------------------------ who sees an order

describe('who sees an order, by every path', () => {
  const own = officer();
  let orderId = '';
  let personId = '';
  let pnr = '';

  beforeAll(async () => {
    const { input, order } = await register(own, {
      name: 'Tabell Tabellsson',
      partnerOrganisationIds: ['municipality:1980', 'psychiatry:19', 'clinic:0180-sodermalm'],
    });
    orderId = order.id;
    personId = order.person.id;
    pnr = input.personnummer;
  });

  const F = 'id status clientName personnummer probationOffice { id } deviations { id } evaluations { id }';
  type Row = AccessRow & { identity: boolean; plansPerson?: string };
  const planOrder = (row: Row) =>
    // what the gateway sends probation for a plan's order: the plan's key and the @requires fields from social services
    subgraphRequest(
      'probation',
      `{ _entities(representations: [{ __typename: "JointCarePlan", id: "plan-1", contractCareOrderId: "${orderId}", person: { id: "${row.plansPerson ?? personId}" } }]) { ... on JointCarePlan { contractCareOrder { ${F} } } } }`,
      { as: row.as },
    ).then(({ body }) => ({ res: body, value: body.data?._entities?.[0]?.contractCareOrder }));
  const PATHS = {
    ...personRecordPaths<'contractCareOrder', 'contractCareOrders', Row>({
      single: 'contractCareOrder',
      list: 'contractCareOrders',
      typename: 'ContractCareOrder',
      subgraph: 'probation',
      fields: F,
      target: () => ({ id: orderId, personId, personnummer: pnr }),
    }),
    'JointCarePlan.contractCareOrder': { shape: 'record', run: planOrder } as AccessPath<Row>,
  };
  const { sees, hidden, hiddenNoList, hiddenNoSearch } = personRecordOutcomes(PATHS, 'contractCareOrders');

  /** role × organisation → what each path gives; `identity`: whether the client's name and number show */
  accessMatrix(
    rowsByCaller<keyof typeof PATHS, { identity: boolean }>([
      ['the registering officer (probation:vasteras)', own, sees, { identity: true }],
      ['another officer of the same office', officer(), sees, { identity: true }],
      ['a partner caseworker (municipality:1980)', staff('municipality:1980', 'CASEWORKER'), sees, { identity: false }],
      ['a partner psychiatry nurse (psychiatry:19)', staff('psychiatry:19', 'NURSE'), sees, { identity: false }],
      ['a partner psychiatry coordinator', staff('psychiatry:19', 'COORDINATOR'), sees, { identity: false }],
      ['a partner psychiatry physician', staff('psychiatry:19', 'PHYSICIAN'), sees, { identity: false }],
      ['partner clinic staff (clinic:0180-sodermalm)', staff('clinic:0180-sodermalm', 'CLINIC_STAFF'), sees, { identity: false }],
      ['a partner clinic nurse', staff('clinic:0180-sodermalm', 'NURSE'), sees, { identity: false }],
      ['an officer of another probation office (stockholm)', officer('probation:stockholm'), hidden, { identity: false }],
      ['a caseworker of a non-partner municipality (1981)', staff('municipality:1981', 'CASEWORKER'), hidden, { identity: false }],
      ['a caseworker of a non-partner municipality (0180)', staff('municipality:0180', 'CASEWORKER'), hidden, { identity: false }],
      ['a coordinator of a non-partner psychiatry (01)', staff('psychiatry:01', 'COORDINATOR'), hidden, { identity: false }],
      ['staff of a non-partner clinic (kista)', staff('clinic:0180-kista', 'CLINIC_STAFF'), hidden, { identity: false }],
      ['a council member of the partner municipality', staff('municipality:1980', 'COUNCIL_MEMBER'), hiddenNoSearch, { identity: false }],
      ['a council member of the partner psychiatry', staff('psychiatry:19', 'COUNCIL_MEMBER'), hiddenNoSearch, { identity: false }],
      ['a log reviewer of the registering office', staff('probation:vasteras', 'LOG_REVIEWER'), hiddenNoList, { identity: false }],
      ['a log reviewer of the partner municipality', staff('municipality:1980', 'LOG_REVIEWER'), hiddenNoList, { identity: false }],
      ['a log reviewer of the partner clinic', staff('clinic:0180-sodermalm', 'LOG_REVIEWER'), hiddenNoList, { identity: false }],
    ]),
    {
      paths: PATHS,
      record: ({ identity }) => ({
        id: orderId,
        status: 'ACTIVE',
        clientName: identity ? 'Tabell Tabellsson' : null,
        personnummer: identity ? pnr : null,
        probationOffice: { id: 'probation:vasteras' },
        deviations: [],
        evaluations: [],
      }),
      // nothing of the order leaks in data, errors or extensions
      secrets: () => [orderId, 'Tabell'],
    },
  );

  it('a plan that names the order but another person does not reach it, even for the registering officer', async () => {
    const other = ok(await gql(FIND, { n: personnummer() }, { as: own })).findPerson.id;
    const { res, value } = await planOrder({
      who: 'the registering officer',
      as: own,
      path: 'JointCarePlan.contractCareOrder',
      expected: 'hidden',
      identity: true,
      plansPerson: other,
    });
    expect(res.errors).toBeUndefined();
    expect(value).toBeNull();
  });

  it('an unknown or malformed id is simply absent', () => expectUnknownIdsAbsent('contractCareOrder', '1; drop table x', own));
});

describe('the order of a contract-care plan, through the gateway (social services owns the plan)', () => {
  it('each party of the plan reaches the same order through the plan as directly; others reach neither', async () => {
    const office = officer('probation:stockholm');
    const caseworker = staff('municipality:0180', 'CASEWORKER');
    const { input, order } = await register(office, { partnerOrganisationIds: ['municipality:0180', 'clinic:0180-sodermalm'] });
    const parties = ['municipality:0180', 'clinic:0180-sodermalm', 'probation:stockholm'];
    const consent = ok(
      await gql(
        'mutation($i: ConsentInput!) { recordConsent(input: $i) { id } }',
        { i: { personnummer: input.personnummer, purpose: 'Kontraktsvård', organisationIds: parties, validUntil: fromToday(200) } },
        { as: caseworker },
      ),
    ).recordConsent;
    const plan = ok(
      await gql(
        'mutation($i: JointCarePlanInput!) { createJointCarePlan(input: $i) { id } }',
        {
          i: {
            kind: 'CONTRACT_CARE',
            personnummer: input.personnummer,
            consentId: consent.id,
            goals: ['Drogfrihet'],
            followUpOn: fromToday(30),
            contractCareOrderId: order.id,
            participants: participants(
              'Klient Klientsson',
              ['municipality:0180', 'caseworker', 'Karin Ek'],
              ['clinic:0180-sodermalm', 'nurse', 'Nina Sköterska'],
              ['probation:stockholm', 'probation officer', 'Petra Frivård'],
            ),
          },
        },
        { as: caseworker },
      ),
    ).createJointCarePlan;
    const Q =
      'query($p: ID!, $o: ID!) { jointCarePlan(id: $p) { id contractCareOrder { id status clientName } } contractCareOrder(id: $o) { id status clientName } }';
    for (const [caller, identity] of [
      [office, true],
      [caseworker, false],
      [staff('clinic:0180-sodermalm', 'CLINIC_STAFF'), false],
    ] as Array<[As, boolean]>) {
      const data = ok(await gql(Q, { p: plan.id, o: order.id }, { as: caller }));
      const expected = { id: order.id, status: 'ACTIVE', clientName: identity ? 'Klient Klientsson' : null };
      expect(data).toEqual({ jointCarePlan: { id: plan.id, contractCareOrder: expected }, contractCareOrder: expected });
    }
    const outsider = ok(await gql(Q, { p: plan.id, o: order.id }, { as: staff('municipality:1981', 'CASEWORKER') }));
    expect(outsider).toEqual({ jointCarePlan: null, contractCareOrder: null });
  });
});

// ------------------------------------------------------------------ deviations

describe('deviations', () => {
  const office = officer();
  const clinicStaff = staff('clinic:0180-sodermalm', 'CLINIC_STAFF', 'Klara Mottagning');
  let orderId = '';

  beforeAll(async () => {
    const { order } = await register(
      office,
      { courtDecisionOn: '2026-02-01', endsOn: '2026-09-30', partnerOrganisationIds: ['municipality:0180', 'clinic:0180-sodermalm'] },
      '2026-02-02T10:00:00+01:00',
    );
    orderId = order.id;
  });

  it('a partner clinic reports a deviation; the office sees it on its next request, with the days it took to report', async () => {
    // 23:30 UTC on 9 March is 00:30 on 10 March in Stockholm: three Stockholm days after the 7th
    const reported = ok(
      await gql(DEVIATION, { id: orderId, on: '2026-03-07', d: 'Uteblev från behandlingen två dagar.' }, { as: clinicStaff, clock: '2026-03-09T23:30:00Z' }),
    );
    expect(reported.reportContractCareDeviation).toMatchObject({
      occurredOn: '2026-03-07',
      reportedAt: '2026-03-10T00:30:00.000+01:00',
      description: 'Uteblev från behandlingen två dagar.',
      reportedBy: { id: 'clinic:0180-sodermalm', agency: 'CLINIC' },
      daysToReport: 3,
    });
    const seen = ok(await gql(ORDER, { id: orderId }, { as: office, clock: '2026-03-10T08:00:00+01:00' })).contractCareOrder;
    expect(seen.deviations).toEqual([
      {
        id: reported.reportContractCareDeviation.id,
        occurredOn: '2026-03-07',
        reportedAt: '2026-03-10T00:30:00.000+01:00',
        description: 'Uteblev från behandlingen två dagar.',
        reportedBy: { id: 'clinic:0180-sodermalm', name: 'Lokal integrerad mottagning Södermalm', agency: 'CLINIC' },
        daysToReport: 3,
      },
    ]);
    // the office reports one too (same day: 0 days); newest report first
    const own = ok(await gql(DEVIATION, { id: orderId, on: '2026-03-12', d: 'Positivt drogtest.' }, { as: office, clock: '2026-03-12T15:00:00+01:00' }));
    expect(own.reportContractCareDeviation).toMatchObject({ daysToReport: 0, reportedBy: { id: 'probation:vasteras', agency: 'PROBATION' } });
    const again = ok(await gql(ORDER, { id: orderId }, { as: staff('municipality:0180', 'CASEWORKER'), clock: '2026-03-13T08:00:00+01:00' })).contractCareOrder;
    expect(again.deviations.map((d: { description: string }) => d.description)).toEqual(['Positivt drogtest.', 'Uteblev från behandlingen två dagar.']);
  });

  it.each<[string, string, string, string, RegExp]>([
    ['in the future', '2026-03-21', 'Något', 'occurredOn', /cannot be in the future/],
    ['before the court decision', '2026-01-31', 'Något', 'occurredOn', /before the court decision/],
    ['with an empty description', '2026-03-01', '  ', 'description', /must be filled in/],
  ])('refuses a deviation %s (BAD_USER_INPUT)', async (_label, on, d, field, message) => {
    const res = await gql(DEVIATION, { id: orderId, on, d }, { as: clinicStaff, clock: '2026-03-20T12:00:00+01:00' });
    expect(refused(res, 'BAD_USER_INPUT', field).message).toMatch(message);
  });

  it('refuses a deviation after the contract care ended', async () => {
    const res = await gql(DEVIATION, { id: orderId, on: '2026-10-02', d: 'Något' }, { as: clinicStaff, clock: '2026-10-05T12:00:00+02:00' });
    expect(refused(res, 'BAD_USER_INPUT', 'occurredOn').message).toMatch(/after the contract care ended \(2026-09-30\)/);
  });

  it.each<[string, As, string, RegExp]>([
    ['a non-partner municipality caseworker', staff('municipality:1980', 'CASEWORKER'), 'NOT_FOUND', /no contract-care order .* that you can see/],
    ['another probation office', officer('probation:stockholm'), 'NOT_FOUND', /that you can see/],
    ['staff of a non-partner clinic', staff('clinic:0180-kista', 'CLINIC_STAFF'), 'NOT_FOUND', /that you can see/],
    ['a council member of the partner municipality', staff('municipality:0180', 'COUNCIL_MEMBER'), 'FORBIDDEN', /does not allow you to report a deviation/],
    ['a log reviewer of the office', staff('probation:vasteras', 'LOG_REVIEWER'), 'FORBIDDEN', /does not allow you/],
  ])('refuses a deviation from %s', async (_label, caller, code, message) => {
    const res = await gql(DEVIATION, { id: orderId, on: '2026-03-01', d: 'Något' }, { as: caller, clock: '2026-03-20T12:00:00+01:00' });
    expect(refused(res, code).message).toMatch(message);
    const rows = await withSql(
      'probation',
      (sql) => sql`select count(*)::int as n from contract_care_deviation where order_id = ${orderId} and reported_by = ${caller.sub!}`,
    );
    expect(rows[0]!.n).toBe(0);
  });
});

// ------------------------------------------------------------------ evaluations and status

describe('evaluations: due every 90 days from the court decision, then from the latest evaluation', () => {
  const office = officer();
  const DUE =
    'query($id: ID!) { contractCareOrder(id: $id) { status nextEvaluationDueBy evaluationOverdue evaluations { heldOn dueBy heldByDueDate summary } } }';

  it('the first is due 90 days after the court decision; held on the due date it is in time; the next is due 90 days after it', async () => {
    const { order } = await register(office, { courtDecisionOn: '2026-01-15', endsOn: '2026-12-31' }, '2026-01-16T09:00:00+01:00');
    const id = order.id;
    const on = async (clock: string) => ok(await gql(DUE, { id }, { as: office, clock })).contractCareOrder;
    expect(await on('2026-04-15T23:59:00+02:00')).toMatchObject({ nextEvaluationDueBy: '2026-04-15', evaluationOverdue: false });
    expect(await on('2026-04-16T00:01:00+02:00')).toMatchObject({ nextEvaluationDueBy: '2026-04-15', evaluationOverdue: true });

    const first = ok(await gql(EVALUATION, { id, on: '2026-04-15', s: 'Följer planen.' }, { as: office, clock: '2026-04-16T10:00:00+02:00' }));
    expect(first.recordContractCareEvaluation).toMatchObject({ heldOn: '2026-04-15', dueBy: '2026-04-15', heldByDueDate: true, summary: 'Följer planen.' });
    expect(await on('2026-04-16T10:00:00+02:00')).toMatchObject({ nextEvaluationDueBy: '2026-07-14', evaluationOverdue: false });

    const second = ok(await gql(EVALUATION, { id, on: '2026-07-15', s: 'En dag sent.' }, { as: office, clock: '2026-07-20T10:00:00+02:00' }));
    expect(second.recordContractCareEvaluation).toMatchObject({ heldOn: '2026-07-15', dueBy: '2026-07-14', heldByDueDate: false });
    expect(await on('2026-07-20T10:00:00+02:00')).toEqual({
      status: 'ACTIVE',
      nextEvaluationDueBy: '2026-10-13',
      evaluationOverdue: false,
      evaluations: [
        { heldOn: '2026-07-15', dueBy: '2026-07-14', heldByDueDate: false, summary: 'En dag sent.' },
        { heldOn: '2026-04-15', dueBy: '2026-04-15', heldByDueDate: true, summary: 'Följer planen.' },
      ],
    });
    // partners see the evaluations too (read-only)
    const partner = ok(await gql(DUE, { id }, { as: staff('psychiatry:19', 'PHYSICIAN'), clock: '2026-07-20T10:00:00+02:00' })).contractCareOrder;
    expect(partner.evaluations).toHaveLength(2);
  });

  it('an evaluation one day after the due date is not in time', async () => {
    const { order } = await register(office, { courtDecisionOn: '2026-01-15', endsOn: '2026-12-31' }, '2026-01-16T09:00:00+01:00');
    const late = ok(await gql(EVALUATION, { id: order.id, on: '2026-04-16', s: 'Sent.' }, { as: office, clock: '2026-04-16T12:00:00+02:00' }));
    expect(late.recordContractCareEvaluation).toMatchObject({ dueBy: '2026-04-15', heldByDueDate: false });
  });

  it.each<[string, string, string, string, RegExp]>([
    ['in the future', '2026-05-02', 'Bra', 'heldOn', /cannot be in the future/],
    ['before the court decision', '2026-01-14', 'Bra', 'heldOn', /before the court decision/],
    ['with an empty summary', '2026-04-01', ' ', 'summary', /must be filled in/],
  ])('refuses an evaluation %s (BAD_USER_INPUT)', async (_label, on, s, field, message) => {
    const { order } = await register(office, { courtDecisionOn: '2026-01-15', endsOn: '2026-12-31' }, '2026-01-16T09:00:00+01:00');
    expect(
      refused(await gql(EVALUATION, { id: order.id, on, s }, { as: office, clock: '2026-05-01T12:00:00+02:00' }), 'BAD_USER_INPUT', field).message,
    ).toMatch(message);
  });

  it.each<[string, As, string, RegExp]>([
    ['a partner caseworker', staff('municipality:1980', 'CASEWORKER'), 'FORBIDDEN', /does not allow you to record an evaluation/],
    ['partner clinic staff', staff('clinic:0180-sodermalm', 'CLINIC_STAFF'), 'FORBIDDEN', /does not allow you/],
    ['an officer of another office', officer('probation:stockholm'), 'NOT_FOUND', /no contract-care order .* that you can see/],
  ])('refuses an evaluation by %s', async (_label, caller, code, message) => {
    const { order } = await register(office, { partnerOrganisationIds: ['municipality:1980', 'clinic:0180-sodermalm'] });
    expect(refused(await gql(EVALUATION, { id: order.id, on: fromToday(0), s: 'Bra' }, { as: caller }), code).message).toMatch(message);
    expect(ok(await gql(ORDER, { id: order.id }, { as: office })).contractCareOrder.evaluations).toEqual([]);
  });
});

describe('status: ACTIVE until endsOn, then COMPLETED, unless a breach is recorded', () => {
  const office = officer();
  const STATUS = 'query($id: ID!) { contractCareOrder(id: $id) { status nextEvaluationDueBy evaluationOverdue breach { reason recordedBy recordedAt } } }';

  it('COMPLETED from the Stockholm day after endsOn', async () => {
    const { order } = await register(office, { courtDecisionOn: '2026-05-01', endsOn: '2026-06-30' }, '2026-05-02T09:00:00+02:00');
    const at = async (clock: string) => ok(await gql(STATUS, { id: order.id }, { as: office, clock })).contractCareOrder;
    expect(await at('2026-06-30T23:59:00+02:00')).toEqual({ status: 'ACTIVE', nextEvaluationDueBy: '2026-07-30', evaluationOverdue: false, breach: null });
    // 22:30 UTC on 30 June is 00:30 on 1 July in Stockholm
    expect(await at('2026-06-30T22:30:00Z')).toEqual({ status: 'COMPLETED', nextEvaluationDueBy: null, evaluationOverdue: false, breach: null });
    const refusedBreach = await gql(BREACH, { id: order.id, r: 'För sent' }, { as: office, clock: '2026-07-02T09:00:00+02:00' });
    expect(refused(refusedBreach, 'CONFLICT').message).toMatch(/ended on 2026-06-30/);
  });

  it('BREACHED once the office records a breach; a second breach is a CONFLICT', async () => {
    const { order } = await register(office, { courtDecisionOn: '2026-05-01', endsOn: '2027-04-30' }, '2026-05-02T09:00:00+02:00');
    const clock = '2026-08-10T09:00:00+02:00';
    const breached = ok(await gql(BREACH, { id: order.id, r: 'Har inte följt behandlingsplanen; avvek från boendet.' }, { as: office, clock }));
    expect(breached.recordContractCareBreach).toEqual({
      id: order.id,
      status: 'BREACHED',
      breach: { reason: 'Har inte följt behandlingsplanen; avvek från boendet.', recordedBy: 'Petra Frivård' },
      nextEvaluationDueBy: null,
    });
    const partnerView = ok(await gql(STATUS, { id: order.id }, { as: staff('psychiatry:19', 'NURSE'), clock })).contractCareOrder;
    expect(partnerView).toEqual({
      status: 'BREACHED',
      nextEvaluationDueBy: null,
      evaluationOverdue: false,
      breach: { reason: 'Har inte följt behandlingsplanen; avvek från boendet.', recordedBy: 'Petra Frivård', recordedAt: '2026-08-10T09:00:00.000+02:00' },
    });
    expect(refused(await gql(BREACH, { id: order.id, r: 'Igen' }, { as: office, clock }), 'CONFLICT').message).toMatch(/already recorded on 2026-08-10/);
  });

  it.each<[string, As, string, string | undefined, RegExp]>([
    ['a partner caseworker', staff('municipality:1980', 'CASEWORKER'), 'FORBIDDEN', undefined, /does not allow you to record an evaluation or a breach/],
    ['an officer of another office', officer('probation:stockholm'), 'NOT_FOUND', undefined, /that you can see/],
    ['the office, without a reason', office, 'BAD_USER_INPUT', 'reason', /must be filled in/],
  ])('refuses a breach by %s', async (_label, caller, code, field, message) => {
    const { order } = await register(office);
    const res = await gql(BREACH, { id: order.id, r: field ? '  ' : 'Skäl' }, { as: caller });
    expect(refused(res, code, field).message).toMatch(message);
    expect(ok(await gql(STATUS, { id: order.id }, { as: office })).contractCareOrder.status).toBe('ACTIVE');
  });
});

// ------------------------------------------------------------------ audit

describe('audit', () => {
  it('registration, each read (with its basis) and each change write an event naming the person', async () => {
    const me = officer();
    const partner = staff('clinic:0180-sodermalm', 'NURSE');
    const outsider = staff('municipality:1981', 'CASEWORKER');
    const { order } = await register(me, { partnerOrganisationIds: ['municipality:1980', 'clinic:0180-sodermalm'] });
    const personId = order.person.id;
    ok(await gql(ORDER, { id: order.id }, { as: me }));
    ok(await gql(ORDER, { id: order.id }, { as: partner }));
    ok(await gql(DEVIATION, { id: order.id, on: fromToday(-3), d: 'Uteblev' }, { as: partner }));
    ok(await gql(EVALUATION, { id: order.id, on: fromToday(-1), s: 'Bra' }, { as: me }));
    ok(await gql('query($p: ID!) { person(id: $p) { contractCareOrders { id } } }', { p: personId }, { as: me }));
    expect(ok(await gql(ORDER, { id: order.id }, { as: outsider })).contractCareOrder).toBeNull();

    const mine = await auditOfUser('probation', me.sub!);
    expect(mine.map((e) => [e.action, e.entity, e.basis, e.person_id, e.organisation_id])).toEqual([
      ['CREATE', 'ContractCareOrder', 'own probation office', personId, 'probation:vasteras'],
      ['READ', 'ContractCareOrder', 'own probation office', personId, 'probation:vasteras'],
      ['CREATE', 'ContractCareEvaluation', 'own probation office', personId, 'probation:vasteras'],
      ['READ', 'ContractCareOrder', 'own probation office', personId, 'probation:vasteras'],
    ]);
    expect(mine[0]!.entity_id).toBe(order.id);
    expect(mine[1]).toMatchObject({ entity_id: order.id });
    expect(mine[1]!.fields).toEqual(expect.arrayContaining(['clientName', 'personnummer', 'deviations', 'evaluations']));
    expect(mine[3]!.fields).toEqual(['id']);

    const theirs = await auditOfUser('probation', partner.sub!);
    expect(theirs.map((e) => [e.action, e.entity, e.basis, e.person_id, e.organisation_id])).toEqual([
      ['READ', 'ContractCareOrder', 'contract-care partner', personId, 'clinic:0180-sodermalm'],
      ['CREATE', 'ContractCareDeviation', 'contract-care partner', personId, 'clinic:0180-sodermalm'],
    ]);
    // a caller who sees nothing leaves no read of the order
    expect(await auditOfUser('probation', outsider.sub!)).toEqual([]);
  });
});

// ------------------------------------------------------------------ lists

describe('the list of orders', () => {
  const LIST =
    'query($first: Int, $after: String, $p: ID) { contractCareOrders(first: $first, after: $after, personId: $p) { totalCount pageInfo { endCursor hasNextPage } nodes { id courtDecisionOn } } }';

  it('pages by cursor, newest court decision first, with the total on all pages', async () => {
    const me = officer();
    const pnr = personnummer();
    const ids: Record<string, string> = {};
    for (const on of ['2026-03-01', '2026-05-01', '2026-01-01']) ids[on] = (await register(me, { personnummer: pnr, courtDecisionOn: on })).order.id;
    const personId = ok(await gql(FIND, { n: pnr }, { as: me })).findPerson.id;
    const first = ok(await gql(LIST, { first: 2, p: personId }, { as: me })).contractCareOrders;
    expect(first.totalCount).toBe(3);
    expect(first.nodes).toEqual([
      { id: ids['2026-05-01'], courtDecisionOn: '2026-05-01' },
      { id: ids['2026-03-01'], courtDecisionOn: '2026-03-01' },
    ]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = ok(await gql(LIST, { first: 2, after: first.pageInfo.endCursor, p: personId }, { as: me })).contractCareOrders;
    expect(second).toMatchObject({ totalCount: 3, nodes: [{ id: ids['2026-01-01'], courtDecisionOn: '2026-01-01' }], pageInfo: { hasNextPage: false } });
  });

  it("the office list holds only the office's orders, newest court decision first", async () => {
    const me = officer('probation:stockholm');
    const { order } = await register(me, { partnerOrganisationIds: ['municipality:0180', 'psychiatry:01'] });
    const data = ok(await gql('{ contractCareOrders(first: 100) { nodes { id courtDecisionOn probationOffice { id } } } }', {}, { as: me })).contractCareOrders;
    expect(new Set(data.nodes.map((n: { probationOffice: { id: string } }) => n.probationOffice.id))).toEqual(new Set(['probation:stockholm']));
    const dates = data.nodes.map((n: { courtDecisionOn: string }) => n.courtDecisionOn);
    expect(dates).toEqual([...dates].sort().reverse());
    // the newest decision is as new as this test's order or newer
    expect(dates[0] >= order.courtDecisionOn).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['first: 0', { first: 0 }, 'first', /1 to 100/],
    ['first: 101', { first: 101 }, 'first', /1 to 100/],
    ['a cursor the hub never gave', { after: 'bm90LWEtY3Vyc29y' }, 'after', /not one the hub gave out/],
    ['a person id that is not one', { p: 'p_nope' }, 'personId', /not a person id/],
  ])('refuses %s (BAD_USER_INPUT)', async (_label, vars, field, message) => {
    expect(refused(await gql(LIST, vars, { as: officer() }), 'BAD_USER_INPUT', field).message).toMatch(message);
  });
});

// ------------------------------------------------------------------ batching

describe('batching', () => {
  const me = officer('probation:stockholm');
  const LIST = `query($first: Int) { contractCareOrders(first: $first) { totalCount nodes {
    id status courtDecisionOn endsOn clientName personnummer nextEvaluationDueBy evaluationOverdue
    person { id contractCareOrders { id } }
    probationOffice { id name agency } partnerOrganisations { id name agency }
    deviations { id description daysToReport reportedBy { id name } }
    evaluations { id heldOn dueBy heldByDueDate } breach { reason } } } }`;

  beforeAll(async () => {
    // at least 50 orders of the office, each with a deviation (from its partner clinic) and an evaluation
    const clinic = staff('clinic:0180-kista', 'NURSE');
    for (let start = 0; start < 55; start += 11) {
      await Promise.all(
        Array.from({ length: 11 }, async (_, k) => {
          const { order } = await register(me, {
            partnerOrganisationIds: ['municipality:0180', 'clinic:0180-kista'],
            courtDecisionOn: fromToday(-20),
            endsOn: fromToday(340),
          });
          ok(await gql(DEVIATION, { id: order.id, on: fromToday(-10), d: `Avvikelse ${start + k}` }, { as: clinic }));
          ok(await gql(EVALUATION, { id: order.id, on: fromToday(-5), s: `Utvärdering ${start + k}` }, { as: me }));
        }),
      );
    }
  }, 120_000);

  it('listing 50 orders with deviations, evaluations, organisations and persons costs the probation subgraph the same statements as 5', async () => {
    const small = await gql(LIST, { first: 5 }, { as: me });
    const large = await gql(LIST, { first: 50 }, { as: me });
    expect(ok(small).contractCareOrders.nodes).toHaveLength(5);
    expect(ok(large).contractCareOrders.nodes).toHaveLength(50);
    expect(
      large.data!.contractCareOrders.nodes.every(
        (n: { deviations: unknown[]; evaluations: unknown[] }) => n.deviations.length >= 1 && n.evaluations.length >= 1,
      ),
    ).toBe(true);
    const s5 = small.extensions?.hub?.subgraphs?.probation?.sqlStatements;
    const s50 = large.extensions?.hub?.subgraphs?.probation?.sqlStatements;
    // one probation request: the page with its total (one statement) + the persons' orders + deviations + evaluations
    // (organisations come from the directory, no SQL), then the read-audit (one insert for all orders, no lock)
    expect([small, large].map((r) => r.extensions?.hub?.subgraphs?.probation?.requests)).toEqual([1, 1]);
    expect([s5, s50]).toEqual([5, 5]);
  });
});

// ------------------------------------------------------------------ demo data

describe('demo data', () => {
  it('seeds orders for both offices, once: active, one overdue for evaluation, completed and breached, with deviations and evaluations', async () => {
    const name = `${hub().prefix}_probation_demo_${randomBytes(3).toString('hex')}`;
    await ensureDatabase(hub().postgresUrl, name);
    const url = withDatabase(hub().postgresUrl, name);
    const now = new Date();
    const today = stockholmDate(now);
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await migrateDatabase(url, probation.migrationsFolder);
      await withAuditKey('k'.repeat(64), () => seedDemo(url, 'x'.repeat(64), now));
      await withAuditKey('k'.repeat(64), () => seedDemo(url, 'x'.repeat(64), now)); // a second start seeds nothing
      const orders =
        await sql`select id, probation_office_id, court_decision_on::text as court, ends_on::text as ends, breached_at, personnummer from contract_care_order`;
      const evaluations = await sql`select id, order_id, held_on::text as held, seq from contract_care_evaluation`;
      const deviations = await sql`select order_id, reported_by_organisation_id from contract_care_deviation`;
      const view = orders.map((o) => {
        const evs = evaluations.filter((e) => e.order_id === o.id).map((e) => ({ id: e.id as string, heldOn: e.held as string, seq: Number(e.seq) }));
        const row = { breachedAt: o.breached_at as Date | null, endsOn: o.ends as string, courtDecisionOn: o.court as string };
        const due = rules.nextEvaluationDueBy(row, evs, now);
        return { office: o.probation_office_id as string, status: rules.deriveStatus(row, now), overdue: due !== null && today > due };
      });
      expect(
        view
          .filter((v) => v.office === 'probation:vasteras')
          .map((v) => v.status)
          .sort(),
      ).toEqual(['ACTIVE', 'ACTIVE', 'BREACHED', 'COMPLETED']);
      expect(view.filter((v) => v.office === 'probation:stockholm').map((v) => v.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
      expect(view.filter((v) => v.overdue)).toEqual([{ office: 'probation:vasteras', status: 'ACTIVE', overdue: true }]);
      expect(new Set(deviations.map((d) => d.reported_by_organisation_id))).toEqual(
        new Set(['psychiatry:19', 'municipality:1981', 'municipality:1980', 'clinic:0180-sodermalm']),
      );
      expect(evaluations).toHaveLength(7);
      for (const o of orders) expect(parseIdentityNumber(o.personnummer as string, now).ok).toBe(true);
      const audit =
        await sql`select organisation_id, sum(cardinality(entity_ids))::int as n from audit_event where user_id = 'system:demo-data' and entity = 'ContractCareOrder' group by organisation_id order by organisation_id`;
      expect(audit.map((a) => [a.organisation_id, a.n])).toEqual([
        ['probation:stockholm', 3],
        ['probation:vasteras', 4],
      ]);
      expect(await verifyAuditSeals(sql, { key: 'k'.repeat(64) })).toMatchObject({ ok: true, events: 7 });
    } finally {
      await sql.end();
      await dropDatabase(hub().postgresUrl, name);
    }
  });
});
