/**
 * The role-to-permission table (docs/design/rules.md 2: need-based access, kept in one
 * readable place). Domain functions ask `require(caller, permission)` before
 * they touch data; record-level rules (own organisation, referral, plan and
 * consent) live in each subgraph's policy module and come on top of this.
 */
import type { Caller, Role } from './caller.ts';
import { forbidden } from './errors.ts';
import { t, type Msg } from './i18n.ts';

const STAFF_WITH_CLIENTS: Role[] = ['CASEWORKER', 'COORDINATOR', 'PHYSICIAN', 'CHIEF_PHYSICIAN', 'NURSE', 'PROBATION_OFFICER', 'CLINIC_STAFF'];

export const PERMISSIONS = {
  /** look up a person's pseudonymous id from a personnummer (the search itself is audited) */
  'person.search': [...STAFF_WITH_CLIENTS, 'LOG_REVIEWER'],
  /** read the organisation directory */
  'directory.read': [
    'CASEWORKER',
    'COORDINATOR',
    'PHYSICIAN',
    'CHIEF_PHYSICIAN',
    'NURSE',
    'PROBATION_OFFICER',
    'CLINIC_STAFF',
    'COUNCIL_MEMBER',
    'LOG_REVIEWER',
  ],

  // Pathway 1, planned withdrawal treatment. Record-level rules on top (psychiatry's policy.ts):
  // the sender is the caller's own municipality, the receiver the caller's own psychiatry organisation.
  /** send a request for withdrawal treatment to psychiatry, and follow its status */
  'withdrawal.submit': ['CASEWORKER'],
  /** read the requests one's own organisation sent (status, meeting, decision, place, timeline) */
  'withdrawal.readSent': ['CASEWORKER'],
  /** read the requests one's own psychiatry organisation received (the coordinator's inbox) */
  'withdrawal.readReceived': ['COORDINATOR', 'PHYSICIAN', 'CHIEF_PHYSICIAN', 'NURSE'],
  /** read and write psychiatry's internal notes (and a prepared decision) on a received request */
  'withdrawal.internalNotes': ['COORDINATOR', 'PHYSICIAN', 'CHIEF_PHYSICIAN', 'NURSE'],
  /** correct or add fields of a request one's own organisation sent, while it is open */
  'withdrawal.amend': ['CASEWORKER'],
  /** assign a received request to a coordinator */
  'withdrawal.assign': ['COORDINATOR'],
  /** book the assessment and planning meeting */
  'withdrawal.bookMeeting': ['COORDINATOR'],
  /**
   * see and answer the invitations to meetings (assessment, care planning) that one's own organisation
   * received: the referring municipality's caseworkers, and the staff of any other organisation invited
   * (a probation office, a clinic, another municipality or psychiatry organisation); the host is refused
   */
  'withdrawal.answerMeeting': ['CASEWORKER', 'PROBATION_OFFICER', 'CLINIC_STAFF', 'COORDINATOR'],
  /** prepare the referral group's decision for the chief physician */
  'withdrawal.prepareDecision': ['PHYSICIAN', 'CHIEF_PHYSICIAN'],
  /** record the referral group's decision: the routine gives it to the chief physician (överläkare) */
  'withdrawal.decide': ['CHIEF_PHYSICIAN'],
  /** offer a place on a ward */
  'withdrawal.offerPlace': ['COORDINATOR'],
  /** record admission to, and discharge from, the ward */
  'withdrawal.admit': ['COORDINATOR'],
  /** ask for a new assessment after an offered place lapsed, or withdraw the request */
  'withdrawal.followUp': ['CASEWORKER'],
  /** see the wards that take withdrawal treatment, their places and occupancy (no personal data) */
  'ward.read': ['CASEWORKER', 'COORDINATOR', 'PHYSICIAN', 'CHIEF_PHYSICIAN', 'NURSE'],

  // Joint care plans and consent (municipality's policy.ts adds: own organisation, or participant
  // named by an active consent).
  /** document consent, and see the consents one's organisation is party to */
  'consent.record': [...STAFF_WITH_CLIENTS],
  /** see the joint care plans one's organisation owns or takes part in under consent */
  'plan.read': [...STAFF_WITH_CLIENTS],
  /** draw up, change, sign, follow up or end a joint care plan one may see */
  'plan.write': [...STAFF_WITH_CLIENTS],

  // Contract care (probation subgraph). Record-level rules on top (probation's policy.ts): the
  // registering office's officers, and staff of the partner organisations the order names.
  /** register a contract-care order for one's own probation office */
  'contractCare.register': ['PROBATION_OFFICER'],
  /** read the contract-care orders one's own probation office registered */
  'contractCare.readOwnOffice': ['PROBATION_OFFICER'],
  /** read the contract-care orders one's organisation takes part in (social services, care provider) */
  'contractCare.readAsPartner': ['CASEWORKER', 'COORDINATOR', 'PHYSICIAN', 'CHIEF_PHYSICIAN', 'NURSE', 'CLINIC_STAFF'],
  /** report a deviation on an order one's organisation takes part in or registered */
  'contractCare.reportDeviation': ['PROBATION_OFFICER', 'CASEWORKER', 'COORDINATOR', 'PHYSICIAN', 'CHIEF_PHYSICIAN', 'NURSE', 'CLINIC_STAFF'],
  /** record an evaluation of, or a breach of, an order of one's own probation office */
  'contractCare.follow': ['PROBATION_OFFICER'],

  // Local integrated clinics (clinics subgraph). Record-level rule on top (clinics' policy.ts):
  // enrolments and efforts belong to the clinic that is the caller's own organisation.
  /** list the local integrated clinics (no personal data) */
  'clinic.list': ['CASEWORKER', 'COORDINATOR', 'PHYSICIAN', 'CHIEF_PHYSICIAN', 'NURSE', 'PROBATION_OFFICER', 'CLINIC_STAFF', 'COUNCIL_MEMBER', 'LOG_REVIEWER'],
  /** enrol a person at one's own clinic, and read its enrolments */
  'clinic.enrol': ['CLINIC_STAFF', 'PHYSICIAN', 'NURSE'],
  /** read the enrolments (and their efforts) of one's own clinic */
  'clinic.readEnrolments': ['CLINIC_STAFF', 'PHYSICIAN', 'NURSE'],
  /** record an effort (maintenance treatment, infection testing, ...) for an enrolment at one's own clinic */
  'clinic.recordEffort': ['CLINIC_STAFF', 'PHYSICIAN', 'NURSE'],

  // Councils (record-level: the caller's organisation must be a member of the council).
  /** read a council, its agreements and its aggregate indicators */
  'council.read': ['COUNCIL_MEMBER'],
  /** add a cooperation agreement to a council */
  'council.write': ['COUNCIL_MEMBER'],

  // The audit log (record-level: only the events on one's own organisation's records).
  /** read the audit events on one's own organisation's records (each review is itself logged) */
  'audit.read': ['LOG_REVIEWER'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

const DESCRIPTIONS: Record<Permission, Msg> = {
  'audit.read': t`read your organisation's audit log`,
  'council.read': t`read a council's agreements and indicators`,
  'council.write': t`add a cooperation agreement to a council`,
  'consent.record': t`document an individual's consent`,
  'plan.read': t`read joint care plans`,
  'plan.write': t`draw up or change joint care plans`,
  'person.search': t`search for a person by personnummer`,
  'directory.read': t`read the organisation directory`,
  'withdrawal.submit': t`send a request for withdrawal treatment`,
  'withdrawal.readSent': t`read the requests for withdrawal treatment your organisation sent`,
  'withdrawal.readReceived': t`read the requests for withdrawal treatment your organisation received`,
  'withdrawal.internalNotes': t`read or write psychiatry's internal notes on a request`,
  'withdrawal.bookMeeting': t`book an assessment meeting`,
  'withdrawal.answerMeeting': t`answer an invitation to a meeting`,
  'withdrawal.decide': t`record the referral group's treatment decision (the chief physician's)`,
  'withdrawal.prepareDecision': t`prepare the referral group's treatment decision`,
  'withdrawal.amend': t`correct or add to a request for withdrawal treatment`,
  'withdrawal.assign': t`assign a request to a coordinator`,
  'withdrawal.offerPlace': t`offer a place for withdrawal treatment`,
  'withdrawal.admit': t`record admission to or discharge from a ward`,
  'withdrawal.followUp': t`ask for a new assessment or withdraw a request`,
  'ward.read': t`see the wards and their places`,
  'contractCare.register': t`register a contract-care order`,
  'contractCare.readOwnOffice': t`read your probation office's contract-care orders`,
  'contractCare.readAsPartner': t`read the contract-care orders your organisation takes part in`,
  'contractCare.reportDeviation': t`report a deviation from a contract-care order`,
  'contractCare.follow': t`record an evaluation or a breach of a contract-care order`,
  'clinic.list': t`list the local integrated clinics`,
  'clinic.enrol': t`enrol a person at a local integrated clinic`,
  'clinic.readEnrolments': t`read your clinic's enrolments`,
  'clinic.recordEffort': t`record an effort for a clinic enrolment`,
};

export function can(caller: Caller, permission: Permission): boolean {
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return caller.roles.some((r) => allowed.includes(r));
}

export function requirePermission(caller: Caller, permission: Permission): void {
  if (!can(caller, permission)) {
    throw forbidden(t`Your role (${caller.roles.join(', ')}) does not allow you to ${DESCRIPTIONS[permission]}.`);
  }
}
