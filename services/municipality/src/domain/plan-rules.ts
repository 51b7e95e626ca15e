/**
 * The rules of a joint care plan as pure functions: its status, who still has
 * to sign, when its follow-up is overdue, and the rows each step writes
 * (version 1, a new version, an effort, a signature, a follow-up, the end).
 * The mutations in plans.ts write these rows inside their transaction, and the
 * demo data (demo.ts) builds its plans from the same steps, so the seeds keep
 * the rules the mutations keep.
 */
import { randomUUID } from 'node:crypto';
import type { Caller } from '../../../shared/src/caller.ts';
import { organisation } from '../../../shared/src/directory.ts';
import { badInput } from '../../../shared/src/errors.ts';
import { stockholmDate } from '../../../shared/src/time.ts';
import type { ConsentRow, EffortRow, FollowUpRow, PlanRow, SignatureRow, VersionRow, VoiceRow } from '../db/schema.ts';
import { consentInactiveReason } from './policy.ts';
import * as valid from './validation.ts';
import { t } from '../../../shared/src/i18n.ts';

export type CarePlanStatus = 'DRAFT' | 'ACTIVE' | 'COMPLETED' | 'ENDED';

// ---------------------------------------------------------------- derived state

export function signaturesOf(all: SignatureRow[], version: number): SignatureRow[] {
  return all.filter((s) => s.version === version);
}

/** Who still has to sign a version before the plan is active: the individual always; for contract care also all three organisations. */
export function missingSignatures(kind: PlanRow['kind'], signatures: SignatureRow[]): string[] {
  const missing: string[] = [];
  if (!signatures.some((s) => s.asIndividual)) missing.push('the individual');
  if (kind === 'CONTRACT_CARE') {
    const agencies = new Set(signatures.filter((s) => !s.asIndividual).map((s) => s.organisationAgency));
    if (!agencies.has('MUNICIPALITY')) missing.push('social services');
    if (!agencies.has('PSYCHIATRY') && !agencies.has('CLINIC')) missing.push('the care provider');
    if (!agencies.has('PROBATION')) missing.push('the probation service');
  }
  return missing;
}

export function statusOf(row: Pick<PlanRow, 'endedAt' | 'completed' | 'kind'>, currentSignatures: SignatureRow[]): CarePlanStatus {
  if (row.endedAt) return row.completed ? 'COMPLETED' : 'ENDED';
  return missingSignatures(row.kind, currentSignatures).length === 0 ? 'ACTIVE' : 'DRAFT';
}

/** Past its follow-up date with no follow-up held since that date was set; an ended plan is never overdue. */
export function followUpOverdue(row: Pick<PlanRow, 'endedAt' | 'followUpOn' | 'followUpSetOn'>, followUps: Array<{ heldOn: string }>, now: Date): boolean {
  if (row.endedAt) return false;
  if (stockholmDate(now) <= row.followUpOn) return false;
  return !followUps.some((f) => f.heldOn >= row.followUpSetOn);
}

/** Who ended the plan, with their organisation's name. */
export function endedByText(row: Pick<PlanRow, 'endedBy' | 'endedByOrganisationId'>): string | null {
  if (!row.endedBy) return null;
  const org = row.endedByOrganisationId ?? '';
  return `${row.endedBy} (${organisation(org)?.name ?? org})`;
}

/** Why the plan is shared with no other organisation now (its consent is no longer active); null while it is shared. */
export function sharingStopped(row: Pick<PlanRow, 'ownerOrganisationId'>, planConsent: ConsentRow, now: Date): string | null {
  const reason = consentInactiveReason(planConsent, now);
  const owner = organisation(row.ownerOrganisationId)?.name ?? row.ownerOrganisationId;
  return reason ? String(t`Shared with no other organisation: ${reason}. Only ${owner} sees this plan.`) : null;
}

// ---------------------------------------------------------------- steps

export interface CreateInput {
  kind: valid.CarePlanKind;
  personnummer: string;
  consentId: string;
  goals: string[];
  participants: valid.ParticipantInput[];
  followUpOn: string;
  withdrawalReferralId?: string | null;
  contractCareOrderId?: string | null;
}

/**
 * Version 1 of a plan drawn up by the caller's organisation, from checked input. The
 * consent it names is checked by policy (requirePlanConsent) before the row is written.
 */
export function newPlan(input: CreateInput, caller: Caller, now: Date, pseudonym: (normalisedNumber: string) => string): PlanRow {
  const org = caller.organisation.id;
  const person = valid.identity('input.personnummer', input.personnummer, now);
  const goals = valid.goals('input.goals', input.goals);
  const participants = valid.participants('input.participants', input.participants, org);
  const orgIds = [...new Set(participants.map((p) => p.organisationId).filter((id): id is string => id !== null))];
  const today = stockholmDate(now);
  const followUpOn = valid.dateNotBefore('input.followUpOn', input.followUpOn, today, t`The follow-up date cannot be in the past.`);
  valid.kindRules(input.kind, orgIds, input.withdrawalReferralId, input.contractCareOrderId);
  return {
    id: randomUUID(),
    kind: input.kind,
    personId: pseudonym(person.normalised),
    ownerOrganisationId: org,
    consentId: input.consentId,
    withdrawalReferralId: input.withdrawalReferralId ?? null,
    contractCareOrderId: input.contractCareOrderId ?? null,
    version: 1,
    goals,
    followUpOn,
    followUpSetOn: today,
    participants,
    participantOrganisationIds: orgIds,
    createdAt: now,
    createdBy: caller.name,
    endedAt: null,
    endedBy: null,
    endedByOrganisationId: null,
    endReason: null,
    completed: false,
    legalGender: person.gender,
  };
}

export type PlanChange = Partial<Pick<PlanRow, 'goals' | 'followUpOn' | 'followUpSetOn'>>;

/** A change of goals and/or follow-up date, checked: what to set, which fields changed, and the change in words. */
export function planChange(
  goalsIn: string[] | null | undefined,
  followUpOnIn: string | null | undefined,
  now: Date,
): { set: PlanChange; fields: string[]; change: string } {
  if (!goalsIn && !followUpOnIn) throw badInput('goals', t`Give new goals or a new follow-up date: there is nothing to change.`);
  const set: PlanChange = {};
  const changed: string[] = [];
  if (goalsIn) {
    set.goals = valid.goals('goals', goalsIn);
    changed.push('goals');
  }
  if (followUpOnIn) {
    const today = stockholmDate(now);
    set.followUpOn = valid.dateNotBefore('followUpOn', followUpOnIn, today, t`The follow-up date cannot be in the past.`);
    set.followUpSetOn = today;
    changed.push('follow-up date');
  }
  return { set, fields: changed, change: `changed ${changed.join(' and ')}` };
}

/** The plan as its next version (the mutations make the same step atomically in SQL). */
export function nextVersion(row: PlanRow, set: PlanChange = {}): PlanRow {
  return { ...row, ...set, version: row.version + 1 };
}

/** The record of one version as it was, written with every change. */
export function newPlanVersion(row: PlanRow, change: string, caller: Caller, now: Date): VersionRow {
  return {
    planId: row.id,
    version: row.version,
    goals: row.goals,
    followUpOn: row.followUpOn,
    participants: row.participants,
    change,
    changedBy: caller.name,
    changedByOrganisationId: caller.organisation.id,
    changedAt: now,
  };
}

/** The caller's organisation's own effort, added in `version`. */
export function newEffort(planId: string, version: number, input: Parameters<typeof valid.effort>[0], caller: Caller): EffortRow {
  return { id: randomUUID(), planId, organisationId: caller.organisation.id, ...valid.effort(input), addedInVersion: version, addedBy: caller.name };
}

export const effortChange = (effort: Pick<EffortRow, 'organisationId' | 'description'>) =>
  `effort added by ${organisation(effort.organisationId)?.name ?? effort.organisationId}: ${effort.description}`;

export const INDIVIDUAL_SIGNATURE_METHODS = ['IN_PERSON_PAPER', 'ELECTRONIC_ID', 'LEGAL_REPRESENTATIVE'] as const;
export type IndividualSignatureMethod = (typeof INDIVIDUAL_SIGNATURE_METHODS)[number];

/** How the individual's signature was given, as the owner records it. */
export interface IndividualSignatureInput {
  how: IndividualSignatureMethod;
  documentId?: string | null;
  assertion?: string | null;
  representativeName?: string | null;
}

/** the longest identity-provider assertion kept */
export const MAX_ASSERTION = 8_000;

export type SignatureHow = Pick<SignatureRow, 'how' | 'documentId' | 'assertion' | 'representativeName'>;

const given = (v: string | null | undefined): v is string => v !== undefined && v !== null;

/**
 * The fields of how the individual signed, checked: each method needs its own field and takes no
 * other (the paper's document, the assertion, the representative); the first problem, by field.
 */
export function signatureHow(input: IndividualSignatureInput | null | undefined, asIndividual: boolean): SignatureHow {
  const none: SignatureHow = { how: null, documentId: null, assertion: null, representativeName: null };
  if (!input) return none;
  if (!asIndividual) throw badInput('individualSignature', t`How the individual signed is given only with asIndividual true.`);
  const f = 'individualSignature';
  const only = { documentId: 'IN_PERSON_PAPER', assertion: 'ELECTRONIC_ID', representativeName: 'LEGAL_REPRESENTATIVE' } as const;
  for (const [key, method] of Object.entries(only) as Array<[keyof typeof only, IndividualSignatureMethod]>) {
    if (given(input[key]) && input.how !== method) throw badInput(`${f}.${key}`, t`${key} is given only when how is ${method}.`);
  }
  switch (input.how) {
    case 'IN_PERSON_PAPER':
      if (!given(input.documentId) || !input.documentId.trim())
        throw badInput(`${f}.documentId`, t`A signature on paper needs the signed paper: upload it to the plan and give its documentId.`);
      return { ...none, how: input.how, documentId: input.documentId.trim() };
    case 'ELECTRONIC_ID':
      if (!given(input.assertion)) throw badInput(`${f}.assertion`, t`An electronic signature needs the identity provider's assertion.`);
      return { ...none, how: input.how, assertion: valid.text(`${f}.assertion`, input.assertion, t`The assertion`, MAX_ASSERTION) };
    case 'LEGAL_REPRESENTATIVE':
      if (!given(input.representativeName))
        throw badInput(`${f}.representativeName`, t`A signature by a legal representative needs the representative's name.`);
      return {
        ...none,
        how: input.how,
        representativeName: valid.text(`${f}.representativeName`, input.representativeName, t`The representative's name`, 200),
      };
  }
}

/** A signature on `version`: the individual's own, or on behalf of the caller's organisation. */
export function newSignature(
  planId: string,
  version: number,
  signedBy: string,
  asIndividual: boolean,
  caller: Caller,
  now: Date,
  how?: IndividualSignatureInput | null,
): SignatureRow {
  const org = caller.organisation;
  return {
    ...signatureHow(how, asIndividual),
    id: randomUUID(),
    planId,
    version,
    signedBy: valid.text('signedBy', signedBy, t`The name of who signs`, 200),
    asIndividual,
    organisationId: asIndividual ? null : org.id,
    organisationAgency: asIndividual ? null : org.agency,
    signedAt: now,
    recordedBy: caller.name,
    recordedByOrganisationId: org.id,
  };
}

/** A follow-up held between the day the plan was drawn up and today. */
export function newFollowUp(plan: Pick<PlanRow, 'id' | 'createdAt'>, heldOn: string, summary: string, caller: Caller, now: Date): FollowUpRow {
  const held = valid.dateNotBefore('heldOn', heldOn, stockholmDate(plan.createdAt), t`A follow-up cannot be held before the plan was drawn up.`);
  if (held > stockholmDate(now)) throw badInput('heldOn', t`A follow-up cannot be recorded before it is held.`);
  return {
    id: randomUUID(),
    planId: plan.id,
    heldOn: held,
    summary: valid.text('summary', summary, t`The summary`),
    recordedBy: caller.name,
    organisationId: caller.organisation.id,
    recordedAt: now,
  };
}

/** The individual's view on a decision, or their request that the plan end, as the caller records it. */
export function newVoice(planId: string, kind: VoiceRow['kind'], text: string, caller: Caller, now: Date): VoiceRow {
  return {
    id: randomUUID(),
    planId,
    kind,
    text: kind === 'VIEW' ? valid.text('text', text, t`The individual's view`) : valid.text('reason', text, t`The reason`),
    recordedBy: caller.name,
    organisationId: caller.organisation.id,
    recordedAt: now,
  };
}

/** The end of a plan: who, when and why, and whether it was carried out. */
export function ending(reason: string, completed: boolean, caller: Caller, now: Date) {
  return {
    endedAt: now,
    endedBy: caller.name,
    endedByOrganisationId: caller.organisation.id,
    endReason: valid.text('reason', reason, t`The reason`),
    completed,
  } satisfies Partial<PlanRow>;
}
