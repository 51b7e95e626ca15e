/**
 * Probation's record-level policy (services/probation/src/domain/policy.ts),
 * called directly, without a stack: who reads an order and on which basis,
 * the list's condition, who sees the client's identity, who registers, and
 * for each step on an order whether a refusal is FORBIDDEN (the role, or a
 * step that is the registering office's own) or NOT_FOUND (an order the
 * caller may not see, told apart from nothing).
 */
import { describe, expect, it } from 'vitest';
import { caller, codeAndMessage, render } from './fixtures.ts';
import { AuditBuffer } from '../../services/shared/src/audit.ts';
import type { Caller } from '../../services/shared/src/caller.ts';
import type { OrderRow } from '../../services/probation/src/db/schema.ts';
import {
  BASIS_OWN_OFFICE,
  BASIS_PARTNER,
  STEPS,
  identityFor,
  listCondition,
  orderAccess,
  planReaches,
  readBasis,
  requireRegister,
  requireStep,
  requireStepRole,
  visibleTo,
  type Step,
} from '../../services/probation/src/domain/policy.ts';

const ORDER_ID = '00000000-0000-4000-8000-000000000001';
const ORDER: OrderRow = {
  id: ORDER_ID,
  probationOfficeId: 'probation:vasteras',
  personId: 'p_client',
  personnummer: '198511042736',
  name: 'Mikael Demosson',
  courtDecisionOn: '2026-01-15',
  endsOn: '2026-12-31',
  partnerOrganisationIds: ['municipality:1980', 'psychiatry:19', 'clinic:0180-kista'],
  registeredAt: new Date('2026-01-16T09:00:00+01:00'),
  registeredBy: 'probation:vasteras:PROBATION_OFFICER',
  registeredByName: 'Petra Frivård',
  breachedAt: null,
  breachReason: null,
  breachRecordedByName: null,
};

const OWN_OFFICE_SQL = { sql: '"contract_care_order"."probation_office_id" = $1', params: ['probation:vasteras'] };
const PARTNER_SQL = (org: string) => ({ sql: '"contract_care_order"."partner_organisation_ids" @> $1', params: [`{"${org}"}`] });

describe('who reads an order, and on which basis', () => {
  it.each<[string, Caller, string | null]>([
    ['an officer of the registering office', caller('probation:vasteras', 'PROBATION_OFFICER'), BASIS_OWN_OFFICE],
    ['an officer of another office', caller('probation:stockholm', 'PROBATION_OFFICER'), null],
    ["the registering office's log reviewer", caller('probation:vasteras', 'LOG_REVIEWER'), null],
    ['a caseworker of the partner municipality', caller('municipality:1980', 'CASEWORKER'), BASIS_PARTNER],
    ['a caseworker of another municipality', caller('municipality:1981', 'CASEWORKER'), null],
    ['a council member of the partner municipality', caller('municipality:1980', 'COUNCIL_MEMBER'), null],
    ['a coordinator of the partner psychiatry', caller('psychiatry:19', 'COORDINATOR'), BASIS_PARTNER],
    ['a physician of the partner psychiatry', caller('psychiatry:19', 'PHYSICIAN'), BASIS_PARTNER],
    ['a nurse of the partner psychiatry', caller('psychiatry:19', 'NURSE'), BASIS_PARTNER],
    ['a physician of another region', caller('psychiatry:01', 'PHYSICIAN'), null],
    ['staff of the partner clinic', caller('clinic:0180-kista', 'CLINIC_STAFF'), BASIS_PARTNER],
    ['staff of another clinic', caller('clinic:0180-sodermalm', 'CLINIC_STAFF'), null],
    ['a log reviewer of the partner clinic', caller('clinic:0180-kista', 'LOG_REVIEWER'), null],
    ['a caller without roles at the office', caller('probation:vasteras'), null],
  ])('%s → %s', (_label, who, basis) => {
    expect(readBasis(who, ORDER)).toBe(basis);
  });

  it('the own office comes before the partner basis when both apply', () => {
    expect(readBasis(caller('municipality:1980', 'CASEWORKER', 'PROBATION_OFFICER'), { ...ORDER, probationOfficeId: 'municipality:1980' })).toBe(
      BASIS_OWN_OFFICE,
    );
  });

  it('reads are audited with the basis and the registering office as owner; an order one may not see is left out, unaudited', () => {
    const partner = caller('psychiatry:19', 'NURSE');
    const audit = new AuditBuffer();
    const other = { ...ORDER, id: '00000000-0000-4000-8000-000000000002', partnerOrganisationIds: ['municipality:1980', 'psychiatry:01'] };
    expect(orderAccess.see({ caller: partner, audit }, [ORDER, other], ['status'])).toEqual([ORDER]);
    expect(orderAccess.one({ caller: partner, audit }, other, null)).toBeNull();
    expect(orderAccess.one({ caller: partner, audit }, null, null)).toBeNull();
    expect(audit.entries).toEqual([
      {
        action: 'READ',
        entity: 'ContractCareOrder',
        entityId: ORDER_ID,
        personId: 'p_client',
        owner: 'probation:vasteras',
        fields: ['status'],
        basis: BASIS_PARTNER,
      },
    ]);
  });
});

describe('the order list', () => {
  it.each<[string, Caller, ReturnType<typeof render>]>([
    ['an officer: their office', caller('probation:vasteras', 'PROBATION_OFFICER'), OWN_OFFICE_SQL],
    ['a caseworker: the orders naming their municipality', caller('municipality:1980', 'CASEWORKER'), PARTNER_SQL('municipality:1980')],
    ['clinic staff: the orders naming their clinic', caller('clinic:0180-kista', 'CLINIC_STAFF'), PARTNER_SQL('clinic:0180-kista')],
  ])('%s', (_label, who, expected) => {
    expect(render(listCondition(who))).toEqual(expected);
    expect(render(visibleTo(who))).toEqual(expected);
  });

  it('a caller with both kinds of role sees either', () => {
    expect(render(visibleTo(caller('municipality:1980', 'CASEWORKER', 'PROBATION_OFFICER')))).toEqual({
      sql: '("contract_care_order"."probation_office_id" = $1 or "contract_care_order"."partner_organisation_ids" @> $2)',
      params: ['municipality:1980', '{"municipality:1980"}'],
    });
  });

  it.each<[string, Caller]>([
    ['a council member', caller('municipality:1980', 'COUNCIL_MEMBER')],
    ['a log reviewer of the office', caller('probation:vasteras', 'LOG_REVIEWER')],
  ])('is FORBIDDEN to %s, whose role never reads an order', (_label, who) => {
    expect(visibleTo(who)).toBeNull();
    expect(codeAndMessage(() => listCondition(who))).toEqual({
      code: 'FORBIDDEN',
      message: `Your role (${who.roles.join(', ')}) does not allow you to read contract-care orders.`,
    });
  });
});

describe("the client's identity", () => {
  it('only the registering office sees the name and personnummer', () => {
    expect(identityFor(caller('probation:vasteras', 'PROBATION_OFFICER'), ORDER)).toEqual({ name: 'Mikael Demosson', personnummer: '198511042736' });
    expect(identityFor(caller('municipality:1980', 'CASEWORKER'), ORDER)).toBeNull();
    expect(identityFor(caller('psychiatry:19', 'PHYSICIAN'), ORDER)).toBeNull();
    expect(identityFor(caller('probation:stockholm', 'PROBATION_OFFICER'), ORDER)).toBeNull();
  });
});

describe('registering an order', () => {
  it('a probation officer registers for their office', () => {
    expect(requireRegister(caller('probation:stockholm', 'PROBATION_OFFICER'))).toBe(BASIS_OWN_OFFICE);
  });

  it.each<[string, Caller, string]>([
    ['a caseworker', caller('municipality:1980', 'CASEWORKER'), 'Your role (CASEWORKER) does not allow you to register a contract-care order.'],
    [
      "the office's log reviewer",
      caller('probation:vasteras', 'LOG_REVIEWER'),
      'Your role (LOG_REVIEWER) does not allow you to register a contract-care order.',
    ],
    [
      'a probation officer role outside a probation office',
      caller('municipality:1980', 'PROBATION_OFFICER'),
      'Only a probation office registers contract-care orders.',
    ],
  ])('is FORBIDDEN to %s', (_label, who, message) => {
    expect(codeAndMessage(() => requireRegister(who))).toEqual({ code: 'FORBIDDEN', message });
  });
});

describe('steps on an order', () => {
  const NOT_VISIBLE = { code: 'NOT_FOUND', message: `There is no contract-care order ${ORDER_ID} that you can see.` };
  const OFFICE_ONLY = {
    code: 'FORBIDDEN',
    message: 'Only the probation office that registered the order can do this; report a deviation instead if something departed from the contract.',
  };
  const FOLLOW_ROLE = (roles: string) => ({
    code: 'FORBIDDEN',
    message: `Your role (${roles}) does not allow you to record an evaluation or a breach of a contract-care order.`,
  });
  const DEVIATION_ROLE = (roles: string) => ({
    code: 'FORBIDDEN',
    message: `Your role (${roles}) does not allow you to report a deviation from a contract-care order.`,
  });

  it('the partners report deviations; following up the contract is the office’s own', () => {
    expect(STEPS).toEqual({
      reportDeviation: { permission: 'contractCare.reportDeviation', officeOnly: false },
      recordEvaluation: { permission: 'contractCare.follow', officeOnly: true },
      recordBreach: { permission: 'contractCare.follow', officeOnly: true },
    });
  });

  const officer = caller('probation:vasteras', 'PROBATION_OFFICER');
  const partnerCaseworker = caller('municipality:1980', 'CASEWORKER');
  // no real role both follows orders and reads them as a partner; the office-only rule must hold on its own
  const partnerWithFollowRole = caller('municipality:1980', 'CASEWORKER', 'PROBATION_OFFICER');

  it.each<[string, Caller, Step, string]>([
    ['the office reports a deviation', officer, 'reportDeviation', BASIS_OWN_OFFICE],
    ['a partner caseworker reports a deviation', partnerCaseworker, 'reportDeviation', BASIS_PARTNER],
    ['partner clinic staff report a deviation', caller('clinic:0180-kista', 'CLINIC_STAFF'), 'reportDeviation', BASIS_PARTNER],
    ['the office records an evaluation', officer, 'recordEvaluation', BASIS_OWN_OFFICE],
    ['the office records a breach', officer, 'recordBreach', BASIS_OWN_OFFICE],
    ['a partner with both roles reports a deviation', partnerWithFollowRole, 'reportDeviation', BASIS_PARTNER],
  ])('%s (basis %s)', (_label, who, step, basis) => {
    expect(requireStep(who, step, ORDER, ORDER_ID)).toEqual({ order: ORDER, basis });
    expect(() => requireStepRole(who, step)).not.toThrow();
  });

  it.each<[string, Caller, Step, { code: string; message: string }]>([
    ['a non-partner caseworker reports a deviation', caller('municipality:1981', 'CASEWORKER'), 'reportDeviation', NOT_VISIBLE],
    ['another office reports a deviation', caller('probation:stockholm', 'PROBATION_OFFICER'), 'reportDeviation', NOT_VISIBLE],
    ['another office records an evaluation', caller('probation:stockholm', 'PROBATION_OFFICER'), 'recordEvaluation', NOT_VISIBLE],
    ['another office records a breach', caller('probation:stockholm', 'PROBATION_OFFICER'), 'recordBreach', NOT_VISIBLE],
    ['a partner council member reports a deviation', caller('municipality:1980', 'COUNCIL_MEMBER'), 'reportDeviation', DEVIATION_ROLE('COUNCIL_MEMBER')],
    ["the office's log reviewer reports a deviation", caller('probation:vasteras', 'LOG_REVIEWER'), 'reportDeviation', DEVIATION_ROLE('LOG_REVIEWER')],
    ['a partner caseworker records an evaluation', partnerCaseworker, 'recordEvaluation', FOLLOW_ROLE('CASEWORKER')],
    ['partner clinic staff record a breach', caller('clinic:0180-kista', 'CLINIC_STAFF'), 'recordBreach', FOLLOW_ROLE('CLINIC_STAFF')],
    ['a non-partner caseworker records a breach (the role first)', caller('municipality:1981', 'CASEWORKER'), 'recordBreach', FOLLOW_ROLE('CASEWORKER')],
    ['a partner with the follow role records an evaluation', partnerWithFollowRole, 'recordEvaluation', OFFICE_ONLY],
    ['a partner with the follow role records a breach', partnerWithFollowRole, 'recordBreach', OFFICE_ONLY],
  ])('%s is refused', (_label, who, step, refusal) => {
    expect(codeAndMessage(() => requireStep(who, step, ORDER, ORDER_ID))).toEqual(refusal);
  });

  it('the role is checked before the order is known: FORBIDDEN for the role, NOT_FOUND for a missing order', () => {
    expect(codeAndMessage(() => requireStepRole(partnerCaseworker, 'recordEvaluation'))).toEqual(FOLLOW_ROLE('CASEWORKER'));
    expect(codeAndMessage(() => requireStep(partnerCaseworker, 'recordEvaluation', undefined, ORDER_ID))).toEqual(FOLLOW_ROLE('CASEWORKER'));
    expect(codeAndMessage(() => requireStep(officer, 'recordEvaluation', undefined, ORDER_ID))).toEqual(NOT_VISIBLE);
    expect(codeAndMessage(() => requireStep(officer, 'reportDeviation', null, ORDER_ID))).toEqual(NOT_VISIBLE);
  });
});

describe('a joint care plan reaches an order', () => {
  it.each<[string, Parameters<typeof planReaches>[0], boolean]>([
    ['naming it, about the same person', { id: 'plan', contractCareOrderId: ORDER_ID, person: { id: 'p_client' } }, true],
    ['naming it, about another person', { id: 'plan', contractCareOrderId: ORDER_ID, person: { id: 'p_someone_else' } }, false],
    ['naming another order', { id: 'plan', contractCareOrderId: '00000000-0000-4000-8000-000000000009', person: { id: 'p_client' } }, false],
    ['without the person (no @requires fields)', { id: 'plan', contractCareOrderId: ORDER_ID }, false],
    ['with a person without an id', { id: 'plan', contractCareOrderId: ORDER_ID, person: { id: null } }, false],
    ['without an order id', { id: 'plan', contractCareOrderId: null, person: { id: 'p_client' } }, false],
  ])('%s → %s', (_label, plan, reaches) => {
    expect(planReaches(plan, ORDER)).toBe(reaches);
  });
});
