/**
 * Clinics and enrolments: listing the clinics, enrolling a person at one's
 * own clinic, reading enrolments (every read audited with its basis) and
 * recording the clinic's efforts. Each change is one transaction with its
 * audit event.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
import { appendAudit } from '../../../shared/src/audit.ts';
import { isUuid } from '../../../shared/src/ids.ts';
import { paginate } from '../../../shared/src/pagination.ts';
import { requirePermission } from '../../../shared/src/access.ts';
import { badInput, conflict, forbidden } from '../../../shared/src/errors.ts';
import { requirePersonId } from '../../../shared/src/federation.ts';
import { isPseudonym } from '../../../shared/src/person-id.ts';
import { parseIdentityNumber } from '../../../shared/src/personnummer.ts';
import { stockholmDate } from '../../../shared/src/time.ts';
import { clinic, clinicEffort, clinicEnrolment, type EffortKind, type EffortRow, type EnrolmentRow, type TargetGroup } from '../db/schema.ts';
import type { ClinicsContext } from '../context.ts';
import { BASIS_OWN_CLINIC, enrolmentAccess, notVisible, requireChange, visibleTo } from './policy.ts';

const ENTITY = 'ClinicEnrolment';
export const isEnrolmentId = isUuid;

// ------------------------------------------------------------------ clinics

export async function listClinics(ctx: ClinicsContext) {
  requirePermission(ctx.caller, 'clinic.list');
  return ctx.db.select().from(clinic).orderBy(asc(clinic.name));
}

export const clinicById = (ctx: ClinicsContext, id: string) => ctx.loaders.clinic.load(id);

// ------------------------------------------------------------------ reads

const visibleAndAudited = enrolmentAccess.see;

/** One enrolment; null when it does not exist or the caller may not see it (the same answer, on purpose). */
export async function enrolmentById(ctx: ClinicsContext, id: string, fields: string[] | null): Promise<EnrolmentRow | null> {
  if (!isEnrolmentId(id)) return null;
  const row = await ctx.loaders.enrolment.load(id);
  if (!row) return null;
  return visibleAndAudited(ctx, [row], fields)[0] ?? null;
}

export const enrolmentByReference = (ctx: ClinicsContext, id: string) => enrolmentById(ctx, id, null);

export async function enrolmentsOfPerson(ctx: ClinicsContext, personId: string, fields: string[] | null): Promise<EnrolmentRow[]> {
  if (!isPseudonym(personId)) return [];
  return visibleAndAudited(ctx, await ctx.loaders.enrolmentsOfPerson.load(personId), fields);
}

export const effortsOf = (ctx: ClinicsContext, e: EnrolmentRow): Promise<EffortRow[]> => ctx.loaders.efforts.load(e.id);

export interface ListArgs {
  first?: number | null;
  after?: string | null;
  personId?: string | null;
}

/** The enrolments at the caller's own clinic, newest first. */
export async function listEnrolments(ctx: ClinicsContext, args: ListArgs, fields: string[] | null) {
  requirePermission(ctx.caller, 'clinic.readEnrolments');
  const visible = visibleTo(ctx.caller);
  if (!visible) throw forbidden('Only the staff of a local integrated clinic read its enrolments.');
  const filters: SQL[] = [visible];
  if (args.personId !== null && args.personId !== undefined) filters.push(eq(clinicEnrolment.personId, requirePersonId(args.personId, 'personId')));
  const page = await paginate(args, {
    what: 'enrolments',
    maxSize: 100,
    direction: 'desc',
    keys: [
      { column: clinicEnrolment.enrolledAt, kind: 'instant', of: (e: EnrolmentRow) => e.enrolledAt },
      { column: clinicEnrolment.id, kind: 'uuid', of: (e: EnrolmentRow) => e.id },
    ],
    where: filters,
    count: async (where) => (await ctx.db.select({ n: count() }).from(clinicEnrolment).where(where))[0]?.n ?? 0,
    rows: (where, limit) => ctx.db.select().from(clinicEnrolment).where(where).orderBy(desc(clinicEnrolment.enrolledAt), desc(clinicEnrolment.id)).limit(limit),
  });
  return { ...page, nodes: visibleAndAudited(ctx, page.nodes, fields) };
}

// ------------------------------------------------------------------ changes

export async function enrol(ctx: ClinicsContext, clinicId: string, personnummer: string, targetGroups: TargetGroup[]): Promise<EnrolmentRow> {
  const { caller, now } = ctx;
  requirePermission(caller, 'clinic.enrol');
  const target = await ctx.loaders.clinic.load(clinicId);
  if (!target) throw badInput('clinicId', `${clinicId} is not a local integrated clinic of the hub; see the clinics query for their ids.`);
  if (caller.organisation.id !== target.id) throw forbidden(`Only the staff of ${target.name} can enrol people there.`);
  const parsed = parseIdentityNumber(personnummer, now);
  if (!parsed.ok) throw badInput('personnummer', `The personnummer ${parsed.reason}.`);
  const repeated = targetGroups.find((g, i) => targetGroups.indexOf(g) !== i);
  if (repeated) throw badInput('targetGroups', `${repeated} is named twice; name each target group once.`);
  const normalised = parsed.value.normalised;
  const personId = ctx.pseudonym(normalised);
  const id = randomUUID();
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(clinicEnrolment)
      .values({
        id,
        clinicId: target.id,
        personId,
        personnummer: normalised,
        enrolledOn: stockholmDate(now),
        targetGroups,
        enrolledAt: now,
        enrolledBy: caller.userId,
        enrolledByName: caller.name,
      })
      // a second enrolment (even a concurrent one) meets the unique constraint and inserts nothing
      .onConflictDoNothing({ target: [clinicEnrolment.clinicId, clinicEnrolment.personId] })
      .returning();
    if (!row) {
      const [existing] = await tx
        .select({ id: clinicEnrolment.id, enrolledOn: clinicEnrolment.enrolledOn })
        .from(clinicEnrolment)
        .where(and(eq(clinicEnrolment.clinicId, target.id), eq(clinicEnrolment.personId, personId)));
      throw conflict(`This person is already enrolled at ${target.name} (since ${existing?.enrolledOn ?? 'earlier'}).`, { enrolmentId: existing?.id ?? null });
    }
    await appendAudit(tx, caller, [
      { action: 'CREATE', entity: ENTITY, entityId: id, personId, fields: ['personnummer', 'targetGroups'], basis: BASIS_OWN_CLINIC },
    ]);
    return row;
  });
}

export async function recordEffort(ctx: ClinicsContext, enrolmentId: string, kind: EffortKind, on: string): Promise<EffortRow> {
  const { caller, now } = ctx;
  requirePermission(caller, 'clinic.recordEffort');
  const today = stockholmDate(now);
  if (on > today) throw badInput('on', `The day of the effort (${on}) cannot be in the future; today is ${today}.`);
  if (!isEnrolmentId(enrolmentId)) throw notVisible(enrolmentId);
  return ctx.db.transaction(async (tx) => {
    const [enrolment] = await tx.select().from(clinicEnrolment).where(eq(clinicEnrolment.id, enrolmentId)).for('share');
    const basis = requireChange(caller, enrolment, enrolmentId, 'clinic.recordEffort');
    if (on < enrolment!.enrolledOn) throw badInput('on', `The effort (${on}) cannot be before the enrolment (${enrolment!.enrolledOn}).`);
    const [row] = await tx
      .insert(clinicEffort)
      .values({ id: randomUUID(), enrolmentId, kind, performedOn: on, recordedAt: now, recordedBy: caller.userId, recordedByName: caller.name })
      .returning();
    await appendAudit(tx, caller, [
      { action: 'CREATE', entity: 'ClinicEffort', entityId: row!.id, personId: enrolment!.personId, fields: ['kind', 'on'], basis },
    ]);
    return row!;
  });
}
