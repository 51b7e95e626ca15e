/**
 * DataLoaders of the clinics subgraph, built fresh for every request (the
 * caller is fixed for the loaders' lifetime, so visibility filters may be
 * part of a batch). Each batch is one query and returns rows in key order.
 */
import DataLoader from 'dataloader';
import { and, desc, inArray } from 'drizzle-orm';
import type { Db } from '../../shared/src/db.ts';
import type { Caller } from '../../shared/src/caller.ts';
import { groupLoader, rowLoader } from '../../shared/src/loaders.ts';
import * as schema from './db/schema.ts';
import { visibleTo } from './domain/policy.ts';

const { clinic, clinicEnrolment, clinicEffort } = schema;

export interface Loaders {
  clinic: DataLoader<string, schema.ClinicRow | null>;
  /** enrolments by id, unfiltered: the domain layer applies the policy */
  enrolment: DataLoader<string, schema.EnrolmentRow | null>;
  /** the enrolments of a person that the caller may see */
  enrolmentsOfPerson: DataLoader<string, schema.EnrolmentRow[]>;
  /** an enrolment's efforts, newest first */
  efforts: DataLoader<string, schema.EffortRow[]>;
}

export function createLoaders(db: Db<typeof schema>, caller: Caller): Loaders {
  const visible = visibleTo(caller);
  return {
    clinic: rowLoader(
      (ids) => db.select().from(clinic).where(inArray(clinic.id, ids)),
      (r) => r.id,
    ),
    enrolment: rowLoader(
      (ids) => db.select().from(clinicEnrolment).where(inArray(clinicEnrolment.id, ids)),
      (r) => r.id,
    ),
    enrolmentsOfPerson: groupLoader(
      (personIds) =>
        visible
          ? db
              .select()
              .from(clinicEnrolment)
              .where(and(inArray(clinicEnrolment.personId, personIds), visible))
              .orderBy(desc(clinicEnrolment.enrolledAt), desc(clinicEnrolment.id))
          : Promise.resolve([]),
      (r) => r.personId,
    ),
    efforts: groupLoader(
      (ids) => db.select().from(clinicEffort).where(inArray(clinicEffort.enrolmentId, ids)).orderBy(desc(clinicEffort.performedOn), desc(clinicEffort.seq)),
      (r) => r.enrolmentId,
    ),
  };
}
