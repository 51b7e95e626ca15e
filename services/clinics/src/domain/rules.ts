/**
 * The rules of enrolments and efforts as pure functions of the input, the
 * stored rows and the request's clock (each refusal a BAD_USER_INPUT naming
 * the field), and the rows each step writes: the mutations and the demo seed
 * build them here, so the two cannot drift apart.
 */
import { randomUUID } from 'node:crypto';
import type { Caller } from '../../../shared/src/caller.ts';
import { badInput } from '../../../shared/src/errors.ts';
import { parseIdentityNumber } from '../../../shared/src/personnummer.ts';
import { stockholmDate } from '../../../shared/src/time.ts';
import type { ClinicRow, EffortKind, EffortRow, EnrolmentRow, TargetGroup } from '../db/schema.ts';
import { t } from '../../../shared/src/i18n.ts';

/** A person enrolled at `clinic` today (Stockholm) by `by`; `pseudonym` gives the person's shared id. */
export function newEnrolment(
  clinic: Pick<ClinicRow, 'id'>,
  personnummer: string,
  targetGroups: readonly TargetGroup[],
  by: Caller,
  now: Date,
  pseudonym: (normalised: string) => string,
): EnrolmentRow {
  const parsed = parseIdentityNumber(personnummer, now);
  if (!parsed.ok) throw badInput('personnummer', t`The personnummer ${parsed.reason}.`);
  const repeated = targetGroups.find((g, i) => targetGroups.indexOf(g) !== i);
  if (repeated) throw badInput('targetGroups', t`${repeated} is named twice; name each target group once.`);
  const normalised = parsed.value.normalised;
  return {
    id: randomUUID(),
    clinicId: clinic.id,
    personId: pseudonym(normalised),
    personnummer: normalised,
    enrolledOn: stockholmDate(now),
    targetGroups: [...targetGroups],
    enrolledAt: now,
    enrolledBy: by.userId,
    enrolledByName: by.name,
  };
}

/** An effort is given on a day that has come (Stockholm), before the enrolment is known. */
export function validateEffortDay(on: string, now: Date): void {
  const today = stockholmDate(now);
  if (on > today) throw badInput('on', t`The day of the effort (${on}) cannot be in the future; today is ${today}.`);
}

/** An effort for `enrolment`, given on `on` (from the enrolment to today), recorded by `by` at `now`. */
export function newEffort(enrolment: Pick<EnrolmentRow, 'id' | 'enrolledOn'>, kind: EffortKind, on: string, by: Caller, now: Date): Omit<EffortRow, 'seq'> {
  validateEffortDay(on, now);
  if (on < enrolment.enrolledOn) throw badInput('on', t`The effort (${on}) cannot be before the enrolment (${enrolment.enrolledOn}).`);
  return { id: randomUUID(), enrolmentId: enrolment.id, kind, performedOn: on, recordedAt: now, recordedBy: by.userId, recordedByName: by.name };
}
