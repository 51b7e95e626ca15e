/**
 * Clinics and enrolments: listing the clinics, enrolling a person at one's
 * own clinic, reading enrolments (every read audited with its basis) and
 * recording the clinic's efforts. Each change is one transaction with its
 * audit event.
 */
import { recordReaders } from '../../../shared/src/record-access.ts';
import { and, asc, eq } from 'drizzle-orm';
import { appendAudit } from '../../../shared/src/audit.ts';
import { isUuid } from '../../../shared/src/ids.ts';
import { paginateTable, personListFilters, thenById, type PersonListArgs } from '../../../shared/src/pagination.ts';
import { badInput, conflict } from '../../../shared/src/errors.ts';
import { clinic, clinicEffort, clinicEnrolment, type ClinicRow, type EffortKind, type EffortRow, type EnrolmentRow, type TargetGroup } from '../db/schema.ts';
import type { ClinicsContext } from '../context.ts';
import {
  enrolmentAccess,
  listCondition,
  notVisible,
  requireChange,
  requireChangeRole,
  requireEnrolAt,
  requireEnrolRole,
  requireListClinics,
} from './policy.ts';
import { newEffort, newEnrolment, validateEffortDay } from './rules.ts';
import { t } from '../../../shared/src/i18n.ts';

export const isEnrolmentId = isUuid;

// ------------------------------------------------------------------ clinics

export async function listClinics(ctx: ClinicsContext) {
  requireListClinics(ctx.caller);
  return ctx.db.select().from(clinic).orderBy(asc(clinic.name));
}

export const clinicById = (ctx: ClinicsContext, id: string) => ctx.loaders.clinic.load(id);

/** The clinic of an enrolment: the row its foreign key points to, so always there. */
export async function clinicOf(ctx: ClinicsContext, e: EnrolmentRow): Promise<ClinicRow> {
  const row = await ctx.loaders.clinic.load(e.clinicId);
  if (!row) throw new Error(`clinic ${e.clinicId} of enrolment ${e.id} is missing`);
  return row;
}

// ------------------------------------------------------------------ reads

const readers = recordReaders(enrolmentAccess, { byId: (ctx: ClinicsContext) => ctx.loaders.enrolment, ofPerson: (ctx) => ctx.loaders.enrolmentsOfPerson });
/** One enrolment; null when it does not exist or the caller may not see it (the same answer, on purpose). */
export const enrolmentById = readers.byId;
/** An enrolment reached as an entity from another subgraph: exactly what the direct query gives. */
export const enrolmentByReference = readers.byReference;
/** The enrolments of a person that the caller may see; empty for anyone else. */
export const enrolmentsOfPerson = readers.ofPerson;

export const effortsOf = (ctx: ClinicsContext, e: EnrolmentRow): Promise<EffortRow[]> => ctx.loaders.efforts.load(e.id);

export type ListArgs = PersonListArgs;

/** The enrolments at the caller's own clinic, newest first. */
export async function listEnrolments(ctx: ClinicsContext, args: ListArgs, fields: string[] | null) {
  const filters = personListFilters(listCondition(ctx.caller), clinicEnrolment.personId, args);
  const page = await paginateTable(args, ctx.db, clinicEnrolment, {
    what: t`enrolments`,
    maxSize: 100,
    direction: 'desc',
    keys: thenById(clinicEnrolment, 'enrolledAt', 'instant'),
    where: filters,
  });
  return { ...page, nodes: enrolmentAccess.see(ctx, page.nodes, fields) };
}

// ------------------------------------------------------------------ changes

export async function enrol(ctx: ClinicsContext, clinicId: string, personnummer: string, targetGroups: TargetGroup[]): Promise<EnrolmentRow> {
  const { caller, now } = ctx;
  requireEnrolRole(caller);
  const target = await ctx.loaders.clinic.load(clinicId);
  if (!target) throw badInput('clinicId', t`${clinicId} is not a local integrated clinic of the hub; see the clinics query for their ids.`);
  const basis = requireEnrolAt(caller, target);
  const enrolment = newEnrolment(target, personnummer, targetGroups, caller, now, ctx.pseudonym);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(clinicEnrolment)
      .values(enrolment)
      // a second enrolment (even a concurrent one) meets the unique constraint and inserts nothing
      .onConflictDoNothing({ target: [clinicEnrolment.clinicId, clinicEnrolment.personId] })
      .returning();
    if (!row) {
      const [existing] = await tx
        .select({ id: clinicEnrolment.id, enrolledOn: clinicEnrolment.enrolledOn })
        .from(clinicEnrolment)
        .where(and(eq(clinicEnrolment.clinicId, target.id), eq(clinicEnrolment.personId, enrolment.personId)));
      throw conflict(t`This person is already enrolled at ${target.name} (since ${existing?.enrolledOn ?? 'earlier'}).`, { enrolmentId: existing?.id ?? null });
    }
    await appendAudit(tx, caller, [
      { action: 'CREATE', entity: 'ClinicEnrolment', entityId: row.id, personId: row.personId, fields: ['personnummer', 'targetGroups'], basis },
    ]);
    return row;
  });
}

export async function recordEffort(ctx: ClinicsContext, enrolmentId: string, kind: EffortKind, on: string): Promise<EffortRow> {
  const { caller, now } = ctx;
  requireChangeRole(caller, 'clinic.recordEffort');
  validateEffortDay(on, now);
  if (!isEnrolmentId(enrolmentId)) throw notVisible(enrolmentId);
  return ctx.db.transaction(async (tx) => {
    const [locked] = await tx.select().from(clinicEnrolment).where(eq(clinicEnrolment.id, enrolmentId)).for('share');
    const { enrolment, basis } = requireChange(caller, locked, enrolmentId, 'clinic.recordEffort');
    const effort = newEffort(enrolment, kind, on, caller, now);
    const [row] = await tx.insert(clinicEffort).values(effort).returning();
    await appendAudit(tx, caller, [
      { action: 'CREATE', entity: 'ClinicEffort', entityId: effort.id, personId: enrolment.personId, fields: ['kind', 'on'], basis },
    ]);
    if (!row) throw new Error('the effort was not stored');
    return row;
  });
}
