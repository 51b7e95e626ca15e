/**
 * Every mutation of the composed supergraph, with arguments made from its input types, sent
 * through the gateway by a caller allowed to perform it, with values that break the input
 * rules (NUL, another C0 character, a lone surrogate, over-long text, the years 0000 and 9999)
 * and with clean values that carry a personnummer and a name as markers. No answer is an
 * INTERNAL_SERVER_ERROR, every broken rule is BAD_USER_INPUT, and no line the hub's processes
 * log (at the most verbose level) contains a marker: nothing personal is logged, whatever fails.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildASTSchema,
  getNamedType,
  getNullableType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  parse,
  type GraphQLField,
  type GraphQLInputType,
} from 'graphql';
import { captureLogs } from '../../services/shared/src/logger.ts';
import { addDays, stockholmDate } from '../../services/shared/src/time.ts';
import { gql, ok, type As } from '../helpers/hub.ts';
import { caseworker1980, chiefPhysician19, coordinator19, createWard, physician19, submit } from '../helpers/withdrawal.ts';
import { caseworkerSthlm, clinicStaff, createPlan, recordConsent, sip } from '../helpers/plans.ts';
import { register, staff } from '../helpers/probation.ts';
import { personnummer } from '../helpers/people.ts';

// Every line every logger of this file's hub writes (the hub starts after this file is loaded).
const lines: string[] = [];
captureLogs({ destination: { write: (line: string) => void lines.push(line) }, level: 'trace' });
afterAll(() => captureLogs());

const PNR = '19121212-1212';
const NAME = 'Tolvan Tolvansson';
const MARKERS = /Tolvan|19121212|121212-?1212/;

const supergraph = buildASTSchema(parse(readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8')), { assumeValidSDL: true });
const mutations = Object.values(supergraph.getMutationType()!.getFields());

const officer = staff('probation:vasteras', 'PROBATION_OFFICER', 'Olle Frivård');
const member1980: As = { org: 'municipality:1980', roles: ['COUNCIL_MEMBER'], sub: 'vera', name: 'Vera Västerås' };

/** Who may perform each mutation (a new mutation without a caller here fails the first test). */
const CALLERS: Record<string, As> = {
  enrolInClinic: clinicStaff,
  recordClinicEffort: clinicStaff,
  addCooperationAgreement: member1980,
  recordConsent: caseworkerSthlm,
  revokeConsent: caseworkerSthlm,
  createJointCarePlan: caseworkerSthlm,
  updateJointCarePlan: caseworkerSthlm,
  addCarePlanEffort: caseworkerSthlm,
  signJointCarePlan: caseworkerSthlm,
  endJointCarePlan: caseworkerSthlm,
  recordCarePlanFollowUp: caseworkerSthlm,
  recordIndividualView: caseworkerSthlm,
  requestPlanEnd: caseworkerSthlm,
  registerContractCareOrder: officer,
  reportContractCareDeviation: officer,
  recordContractCareEvaluation: officer,
  recordContractCareBreach: officer,
  submitWithdrawalReferral: caseworker1980,
  bookAssessmentMeeting: coordinator19,
  bookCarePlanningMeeting: coordinator19,
  rescheduleMeeting: coordinator19,
  answerMeetingInvitation: caseworker1980,
  recordMeetingOutcome: coordinator19,
  recordTreatmentDecision: chiefPhysician19,
  prepareTreatmentDecision: physician19,
  amendWithdrawalReferral: caseworker1980,
  assignWithdrawalReferral: coordinator19,
  offerPlace: coordinator19,
  recordAdmission: coordinator19,
  moveOfferedPlace: coordinator19,
  recordRefusedAdmission: coordinator19,
  recordDischarge: coordinator19,
  requestNewAssessment: caseworker1980,
  withdrawWithdrawalReferral: caseworker1980,
  createReferralDocumentUpload: caseworker1980,
  createPlanDocumentUpload: caseworkerSthlm,
  removeReferralDocument: caseworker1980,
  removePlanDocument: caseworkerSthlm,
  changeExpectedDischarge: coordinator19,
  markPsychiatryNotificationsRead: caseworker1980,
  runPsychiatryDeadlineSweep: coordinator19,
  markMunicipalityNotificationsRead: caseworkerSthlm,
  runMunicipalityDeadlineSweep: caseworkerSthlm,
  markProbationNotificationsRead: officer,
  runProbationDeadlineSweep: officer,
  markWithdrawalWorkRead: caseworker1980,
  sendReferralMessage: caseworker1980,
  markReferralMessagesRead: caseworker1980,
  markCarePlanWorkRead: caseworkerSthlm,
  sendPlanMessage: caseworkerSthlm,
  markPlanMessagesRead: caseworkerSthlm,
  markOrderWorkRead: officer,
  sendOrderMessage: officer,
  markOrderMessagesRead: officer,
};

interface Variant {
  name: string;
  /** every String and ID leaf is made from its clean value */
  text: (clean: string) => string;
  date: string;
  dateTime: string;
  /** true: every request must be refused as BAD_USER_INPUT (dates only where the mutation takes one) */
  breaks: 'text' | 'date' | false;
}

const today = stockholmDate(new Date());
const meeting = `${addDays(today, 1)}T10:00:00+01:00`;
// Clean values first, so that they meet records in their first state and reach the domain rules.
const VARIANTS: Variant[] = [
  { name: 'clean, with markers', text: (s) => s, date: today, dateTime: meeting, breaks: false },
  { name: 'NUL', text: (s) => `${s}\u0000`, date: today, dateTime: meeting, breaks: 'text' },
  { name: 'C0 (ESC)', text: (s) => `\u001b${s}`, date: today, dateTime: meeting, breaks: 'text' },
  { name: 'lone surrogate', text: (s) => `${s}\ud800`, date: today, dateTime: meeting, breaks: 'text' },
  { name: 'over-long', text: (s) => s.padEnd(10_001, '.'), date: today, dateTime: meeting, breaks: 'text' },
  { name: 'year 0000', text: (s) => s, date: '0000-01-01', dateTime: '0000-01-01T10:00:00+01:00', breaks: 'date' },
  { name: 'year 9999', text: (s) => s, date: '9999-12-31', dateTime: '9999-12-31T10:00:00+01:00', breaks: 'date' },
];

/** Real records for the id arguments, so that clean values reach the domain rules. */
let ids: Record<string, string> = {};

function idFor(mutation: string, arg: string): string {
  if (arg === 'id') return mutation === 'revokeConsent' ? ids.consent! : ids.plan!;
  const byName: Record<string, string | undefined> = {
    referralId: ids.referral,
    withdrawalReferralId: ids.referral,
    planId: ids.plan,
    consentId: ids.consent,
    orderId: ids.order,
    contractCareOrderId: ids.order,
    enrolmentId: ids.enrolment,
    wardId: ids.ward,
    clinicId: 'clinic:0180-sodermalm',
    councilId: 'council:local-1980',
    organisationId: 'municipality:0180',
    organisationIds: 'municipality:0180',
    partnerOrganisationIds: 'municipality:1980',
  };
  return byName[arg] ?? ids.referral!;
}

function textFor(name: string): string {
  if (name === 'personnummer') return PNR;
  if (name === 'name' || name === 'signedBy' || name === 'responsible') return NAME;
  if (name === 'email') return 'tolvan@example.se';
  return `${NAME}, ${PNR}: sover inte`;
}

function valueOf(type: GraphQLInputType, mutation: string, name: string, v: Variant): unknown {
  const t = getNullableType(type);
  if (isListType(t)) return [valueOf(t.ofType, mutation, name, v)];
  if (isInputObjectType(t)) {
    return Object.fromEntries(Object.values(t.getFields()).map((f) => [f.name, valueOf(f.type, mutation, f.name, v)]));
  }
  if (isEnumType(t)) return t.getValues()[0]!.value;
  switch (t.name) {
    case 'Int':
      return 1;
    case 'Float':
      return 1;
    case 'Boolean':
      return true;
    case 'Date':
      return v.date;
    case 'DateTime':
      return v.dateTime;
    case 'ID':
      return v.text(idFor(mutation, name));
    default:
      return v.text(textFor(name));
  }
}

const takesDate = (t: GraphQLInputType, depth = 0): boolean => {
  const n = getNamedType(t);
  if (n.name === 'Date' || n.name === 'DateTime') return true;
  return depth < 4 && isInputObjectType(n) && Object.values(n.getFields()).some((f) => takesDate(f.type, depth + 1));
};

function request(field: GraphQLField<unknown, unknown>, v: Variant) {
  const defs = field.args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
  const query = `mutation${defs ? `(${defs})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`;
  const variables = Object.fromEntries(field.args.map((a) => [a.name, valueOf(a.type, field.name, a.name, v)]));
  return { query, variables };
}

beforeAll(async () => {
  const { referral } = await submit(caseworker1980);
  const pnr = personnummer();
  const consent = await recordConsent(caseworkerSthlm, pnr, ['municipality:0180', 'clinic:0180-sodermalm']);
  const plan = ok(await createPlan(caseworkerSthlm, sip(pnr, consent.id))).createJointCarePlan as { id: string };
  const { order } = await register(officer);
  const enrolment = ok(
    await gql(
      'mutation($p: String!) { enrolInClinic(clinicId: "clinic:0180-sodermalm", personnummer: $p, targetGroups: [HOMELESS]) { id } }',
      { p: personnummer() },
      { as: clinicStaff },
    ),
  ).enrolInClinic as { id: string };
  ids = { referral: referral.id as string, consent: consent.id, plan: plan.id, order: order.id as string, enrolment: enrolment.id, ward: await createWard(2) };
});

describe('every mutation, with broken and with marked input', () => {
  it('has a caller allowed to perform it, for every mutation of the supergraph', () => {
    expect(mutations.length).toBeGreaterThan(20);
    expect(mutations.map((m) => m.name).filter((m) => !CALLERS[m])).toEqual([]);
  });

  it('answers no INTERNAL_SERVER_ERROR, refuses every broken rule as BAD_USER_INPUT, and logs no marker', async () => {
    const unexpected: string[] = [];
    let sent = 0;
    for (const v of VARIANTS) {
      for (const field of mutations) {
        const { query, variables } = request(field, v);
        const res = await gql(query, variables, { as: CALLERS[field.name]! });
        sent++;
        // A body over GATEWAY_MAX_BODY_BYTES (many over-long texts) is refused before GraphQL: 413, BAD_REQUEST.
        const codes = (res.errors ?? []).map((e) => String(e.extensions?.code)).map((c) => (res.status === 413 && c === 'BAD_REQUEST' ? 'BAD_USER_INPUT' : c));
        const where = `${field.name} (${v.name})`;
        if (res.status >= 500 || codes.some((c) => !['BAD_USER_INPUT', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'].includes(c))) {
          unexpected.push(`${where}: status ${res.status}, ${JSON.stringify(res.errors?.map((e) => [e.extensions?.code, e.message.slice(0, 120)]))}`);
        }
        const mustRefuse = v.breaks === 'text' || (v.breaks === 'date' && field.args.some((a) => takesDate(a.type)));
        if (mustRefuse && !codes.includes('BAD_USER_INPUT')) unexpected.push(`${where}: not refused as BAD_USER_INPUT but ${JSON.stringify(codes)}`);
      }
    }
    expect(sent).toBe(VARIANTS.length * mutations.length);
    expect(unexpected).toEqual([]);
    const leaked = lines.filter((l) => MARKERS.test(l)).map((l) => l.slice(0, 300));
    expect(leaked).toEqual([]);
    // The capture saw every process's lines, the gateway's debug lines of each subgraph request included (it would find nothing if it saw none).
    for (const name of ['gateway', 'subgraph:municipality', 'subgraph:psychiatry', 'subgraph:probation', 'subgraph:clinics']) {
      expect(
        lines.some((l) => l.includes(`"name":"${name}"`)),
        name,
      ).toBe(true);
    }
    expect(lines.filter((l) => l.includes('[useSubgraphExecuteDebug]')).length).toBeGreaterThan(mutations.length);
  });
});
