/**
 * The rules a request for withdrawal treatment and the coordinator's and
 * physician's inputs must keep, as pure functions: each refusal is a
 * BAD_USER_INPUT naming the field (input.personnummer,
 * input.assessments[0].score, ...) in words a caseworker understands.
 */
import { badInput, FieldProblems } from '../../../shared/src/errors.ts';
import { parseIdentityNumber } from '../../../shared/src/personnummer.ts';
import { addDays, isCalendarDate, stockholmDate } from '../../../shared/src/time.ts';
import type { StoredAssessment } from '../db/schema.ts';
import { t, type Wording } from '../../../shared/src/i18n.ts';

export const SUBSTANCES = ['ALCOHOL', 'OPIOIDS', 'BENZODIAZEPINES', 'CANNABIS', 'CENTRAL_STIMULANTS', 'GHB', 'OTHER'] as const;
export type Substance = (typeof SUBSTANCES)[number];
export type Instrument = StoredAssessment['instrument'];

/** The score range of each screening instrument that has a total score. */
export const SCORE_RANGE: Partial<Record<Instrument, { min: number; max: number }>> = {
  AUDIT: { min: 0, max: 40 },
  DUDIT: { min: 0, max: 44 },
};

const MAX_TEXT = 10_000;
const MAX_SHORT = 200;

export interface ReferralInput {
  personnummer: string;
  name: string;
  substances: Substance[];
  currentProblems: string;
  postTreatmentPlan: string;
  otherIllnesses?: string[] | null;
  medications?: string[] | null;
  assessments?: Array<{ instrument: Instrument; performedOn: string; score?: number | null; summary?: string | null }> | null;
  caseworker: { name: string; phone: string; email: string };
  individualConsents: boolean;
  idempotencyKey?: string | null;
}

export interface ValidReferral {
  personnummer: string;
  name: string;
  substances: Substance[];
  currentProblems: string;
  postTreatmentPlan: string;
  otherIllnesses: string[] | null;
  medications: string[] | null;
  assessments: StoredAssessment[];
  caseworker: { name: string; phone: string; email: string };
  idempotencyKey: string | null;
}

function required(value: string, field: string, what: Wording, max = MAX_TEXT): string {
  const v = value.trim();
  if (v.length === 0) throw badInput(field, t`${what} must be filled in.`);
  if (v.length > max) throw badInput(field, t`${what} is too long (at most ${max} characters).`);
  return v;
}

function optionalText(value: string | null | undefined, field: string, what: Wording): string | null {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (v.length > MAX_TEXT) throw badInput(field, t`${what} is too long (at most ${MAX_TEXT} characters).`);
  return v.length === 0 ? null : v;
}

/** null (not known) stays null, [] (known to be none) stays []; each entry must say something. */
function knownList(list: string[] | null | undefined, field: string, what: Wording): string[] | null {
  if (list === null || list === undefined) return null;
  return list.map((entry, i) => required(entry, `${field}[${i}]`, t`Each entry of ${what}`, MAX_SHORT * 5));
}

/** A phone number: digits with optional +, spaces, hyphens and brackets; 7 to 15 digits. */
export function isPhoneNumber(text: string): boolean {
  if (!/^\+?[\d\s\-()]+$/.test(text)) return false;
  const digits = text.replace(/\D/g, '').length;
  return digits >= 7 && digits <= 15;
}

/** An e-mail address: one @, something before it, a domain with a dot after it, no spaces. */
export function isEmail(text: string): boolean {
  return /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(text) && text.length <= 254;
}

type AssessmentInput = NonNullable<ReferralInput['assessments']>[number];

/** The attached documents, each checked (dates not in the future, scores in their range); `at` names the input list. */
function assessmentsOf(list: readonly AssessmentInput[], at: string, now: Date, p: FieldProblems): StoredAssessment[] {
  const today = stockholmDate(now);
  return list.map((a, i) => {
    const field = `${at}[${i}]`;
    p.take(() => {
      if (!isCalendarDate(a.performedOn)) throw badInput(`${field}.performedOn`, t`The date the assessment was performed must be written YYYY-MM-DD.`);
      if (a.performedOn > today) throw badInput(`${field}.performedOn`, t`The ${a.instrument} assessment cannot be dated in the future (${a.performedOn}).`);
    });
    const score = a.score ?? null;
    if (score !== null) {
      const range = SCORE_RANGE[a.instrument];
      if (range && (score < range.min || score > range.max)) {
        p.add(`${field}.score`, t`An ${a.instrument} score must be between ${range.min} and ${range.max}; ${score} is outside that range.`);
      }
      if (!range && score < 0) p.add(`${field}.score`, t`A ${a.instrument} score cannot be negative.`);
    }
    const summary = p.take(() => optionalText(a.summary, `${field}.summary`, t`The summary`)) ?? null;
    return { instrument: a.instrument, performedOn: a.performedOn, score, summary };
  });
}

const PHONE_WORDS = t`The caseworker's phone number must be 7 to 15 digits, e.g. 021-17 44 13 or +46 21 17 44 13.`;
const EMAIL_WORDS = t`The caseworker's e-mail address is not valid, e.g. name@kommun.se.`;

function substancesOf(list: readonly Substance[], field: string): Substance[] {
  if (list.length === 0) throw badInput(field, t`Name at least one substance the individual uses.`);
  return [...new Set(list)];
}

/** Every field of a request checked; all invalid fields are refused together, each naming its field. */
export function validateReferral(input: ReferralInput, now: Date): ValidReferral {
  const p = new FieldProblems();
  const parsed = parseIdentityNumber(input.personnummer, now);
  if (!parsed.ok) p.add('input.personnummer', t`The personnummer or samordningsnummer ${parsed.reason}.`);
  const name = p.take(() => required(input.name, 'input.name', t`The individual's name`, MAX_SHORT));

  const substances = p.take(() => substancesOf(input.substances, 'input.substances'));
  const currentProblems = p.take(() => required(input.currentProblems, 'input.currentProblems', t`The description of the current problems and symptoms`));
  const postTreatmentPlan = p.take(() =>
    required(input.postTreatmentPlan, 'input.postTreatmentPlan', t`The plan for after the withdrawal treatment (the routine requires one)`),
  );
  const otherIllnesses = p.take(() => knownList(input.otherIllnesses, 'input.otherIllnesses', t`other illnesses`));
  const medications = p.take(() => knownList(input.medications, 'input.medications', t`medications`));
  const assessments = assessmentsOf(input.assessments ?? [], 'input.assessments', now, p);

  const caseworker = {
    name: p.take(() => required(input.caseworker.name, 'input.caseworker.name', t`The caseworker's name`, MAX_SHORT)) ?? '',
    phone: input.caseworker.phone.trim(),
    email: input.caseworker.email.trim(),
  };
  if (!isPhoneNumber(caseworker.phone)) p.add('input.caseworker.phone', PHONE_WORDS);
  if (!isEmail(caseworker.email)) p.add('input.caseworker.email', EMAIL_WORDS);

  if (input.individualConsents !== true) {
    p.add('input.individualConsents', t`The individual must be positive to planned withdrawal treatment before a request is sent (the routine requires it).`);
  }
  let idempotencyKey: string | null = null;
  if (input.idempotencyKey !== null && input.idempotencyKey !== undefined) {
    idempotencyKey = input.idempotencyKey.trim();
    if (idempotencyKey.length === 0 || idempotencyKey.length > MAX_SHORT) {
      p.add('input.idempotencyKey', t`The idempotency key must be 1 to ${MAX_SHORT} characters.`);
    }
  }
  p.throwIfAny();
  if (!parsed.ok) throw new Error('unreachable: an invalid personnummer is refused above');
  return {
    personnummer: parsed.value.normalised,
    name: name!,
    substances: substances!,
    currentProblems: currentProblems!,
    postTreatmentPlan: postTreatmentPlan!,
    otherIllnesses: otherIllnesses ?? null,
    medications: medications ?? null,
    assessments,
    caseworker,
    idempotencyKey,
  };
}

/** An amendment as the mutation receives it: a field left out does not change; null for the two lists means "not known". */
export interface AmendmentInput {
  name?: string | null;
  substances?: Substance[] | null;
  currentProblems?: string | null;
  postTreatmentPlan?: string | null;
  otherIllnesses?: string[] | null;
  medications?: string[] | null;
  addAssessments?: AssessmentInput[] | null;
  caseworker?: { name?: string | null; phone?: string | null; email?: string | null } | null;
  reason?: string | null;
}

/** The new values of the fields an amendment gives, checked (all invalid fields together); undefined: unchanged. */
export interface ValidAmendment {
  name?: string;
  substances?: Substance[];
  currentProblems?: string;
  postTreatmentPlan?: string;
  otherIllnesses?: string[] | null;
  medications?: string[] | null;
  addAssessments: StoredAssessment[];
  caseworkerName?: string;
  caseworkerPhone?: string;
  caseworkerEmail?: string;
  reason: string | null;
}

const given = <K extends string>(o: Partial<Record<K, unknown>>, k: K): boolean => Object.prototype.hasOwnProperty.call(o, k) && o[k] !== undefined;

export function validateAmendment(input: AmendmentInput, now: Date): ValidAmendment {
  const p = new FieldProblems();
  const out: ValidAmendment = { addAssessments: [], reason: null };
  const nonNull = (k: 'name' | 'substances' | 'currentProblems' | 'postTreatmentPlan', what: Wording) => {
    if (input[k] === null) p.add(`input.${k}`, t`${what} cannot be removed; leave the field out to keep it.`);
    return given(input, k) && input[k] !== null;
  };
  if (nonNull('name', t`The individual's name`)) out.name = p.take(() => required(input.name!, 'input.name', t`The individual's name`, MAX_SHORT));
  if (nonNull('substances', t`The substances`)) out.substances = p.take(() => substancesOf(input.substances!, 'input.substances'));
  if (nonNull('currentProblems', t`The description of the current problems`)) {
    out.currentProblems = p.take(() => required(input.currentProblems!, 'input.currentProblems', t`The description of the current problems and symptoms`));
  }
  if (nonNull('postTreatmentPlan', t`The plan for after the withdrawal treatment`)) {
    out.postTreatmentPlan = p.take(() => required(input.postTreatmentPlan!, 'input.postTreatmentPlan', t`The plan for after the withdrawal treatment`));
  }
  if (given(input, 'otherIllnesses') || input.otherIllnesses === null) {
    out.otherIllnesses = p.take(() => knownList(input.otherIllnesses, 'input.otherIllnesses', t`other illnesses`)) ?? null;
  }
  if (given(input, 'medications') || input.medications === null) {
    out.medications = p.take(() => knownList(input.medications, 'input.medications', t`medications`)) ?? null;
  }
  if (input.addAssessments) out.addAssessments = assessmentsOf(input.addAssessments, 'input.addAssessments', now, p);
  const cw = input.caseworker ?? {};
  if (cw.name !== undefined && cw.name !== null)
    out.caseworkerName = p.take(() => required(cw.name!, 'input.caseworker.name', t`The caseworker's name`, MAX_SHORT));
  if (cw.phone !== undefined && cw.phone !== null) {
    out.caseworkerPhone = cw.phone.trim();
    if (!isPhoneNumber(out.caseworkerPhone)) p.add('input.caseworker.phone', PHONE_WORDS);
  }
  if (cw.email !== undefined && cw.email !== null) {
    out.caseworkerEmail = cw.email.trim();
    if (!isEmail(out.caseworkerEmail)) p.add('input.caseworker.email', EMAIL_WORDS);
  }
  out.reason = p.take(() => optionalText(input.reason, 'input.reason', t`The reason`)) ?? null;
  p.throwIfAny();
  return out;
}

/** A meeting time must not lie in the past. */
export function validateMeetingTime(at: Date, now: Date): void {
  if (at.getTime() < now.getTime()) throw badInput('at', t`The assessment meeting cannot be booked for a time that has passed.`);
}

export interface DecisionInput {
  needed: boolean;
  setting?: 'INPATIENT' | 'OUTPATIENT' | null;
  rationale?: string | null;
}

/** Needed: a setting is required. Not needed: a rationale is required (the caseworker sees why) and no setting. */
export function validateDecision(d: DecisionInput): { needed: boolean; setting: 'INPATIENT' | 'OUTPATIENT' | null; rationale: string | null } {
  const rationale = optionalText(d.rationale, 'rationale', t`The rationale`);
  if (d.needed) {
    if (!d.setting) throw badInput('setting', t`Say whether the treatment is INPATIENT or OUTPATIENT when it is needed.`);
    return { needed: true, setting: d.setting, rationale };
  }
  if (d.setting) throw badInput('setting', t`A setting is given only when treatment is needed.`);
  if (!rationale) throw badInput('rationale', t`Give the rationale when treatment is not needed, so that social services sees why.`);
  return { needed: false, setting: null, rationale };
}

/**
 * A place offer: the start date may not lie in the past; a start date after
 * the due date (decision + 14 days) needs a reason.
 */
export function validatePlaceOffer(o: { startDate: string; reason?: string | null }, dueBy: string, now: Date): { reason: string | null } {
  const today = stockholmDate(now);
  if (o.startDate < today) throw badInput('startDate', t`The start date cannot be in the past (today is ${today}).`);
  const reason = optionalText(o.reason, 'reason', t`The reason`);
  if (o.startDate > dueBy && !reason) {
    throw badInput('reason', t`The start date ${o.startDate} is after the due date ${dueBy} (14 days after the decision); give the reason.`);
  }
  return { reason };
}

export function validateNote(note: string | null | undefined, field: string): string | null {
  return optionalText(note, field, t`The note`);
}

export function validateWithdrawalReason(reason: string): string {
  return required(reason, 'reason', t`The reason for withdrawing the request`);
}

/** Moving an offered place: a reason always (for both sides), and the offer's own rules for the new start date. */
export function validatePlaceMove(o: { startDate: string; reason: string }, dueBy: string, now: Date): { reason: string } {
  const reason = required(o.reason, 'reason', t`The reason for moving the place`);
  validatePlaceOffer({ startDate: o.startDate, reason }, dueBy, now);
  return { reason };
}

/** The reason the ward refused the admission, for both sides. */
export function validateRefusalReason(reason: string): string {
  return required(reason, 'reason', t`The reason the admission was refused`);
}

/** The expected discharge: after the admission date, at most `maxDays` later. */
export function validateExpectedDischarge(date: string | null | undefined, admittedOn: string, maxDays: number): string | null {
  if (date === null || date === undefined) return null;
  if (date <= admittedOn) throw badInput('expectedDischargeOn', t`The expected discharge must be after the admission date ${admittedOn}.`);
  if (date > addDays(admittedOn, maxDays)) {
    throw badInput('expectedDischargeOn', t`The expected discharge can be at most ${maxDays} days after the admission date ${admittedOn}.`);
  }
  return date;
}
