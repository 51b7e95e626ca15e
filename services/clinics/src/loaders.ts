/**
 * DataLoaders of the clinics subgraph, built fresh for every request (the
 * caller is fixed for the loaders' lifetime, so visibility filters may be
 * part of a batch). Each batch is one query and returns rows in key order.
 */
import DataLoader from 'dataloader';
import { desc } from 'drizzle-orm';
import type { Db } from '../../shared/src/db.ts';
import type { Caller } from '../../shared/src/caller.ts';
import { tableGroupLoader, tableRowLoader } from '../../shared/src/loaders.ts';
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
  return {
    clinic: tableRowLoader(db, clinic, 'id'),
    enrolment: tableRowLoader(db, clinicEnrolment, 'id'),
    enrolmentsOfPerson: tableGroupLoader(db, clinicEnrolment, 'personId', [desc(clinicEnrolment.enrolledAt), desc(clinicEnrolment.id)], {
      visible: visibleTo(caller),
    }),
    efforts: tableGroupLoader(db, clinicEffort, 'enrolmentId', [desc(clinicEffort.performedOn), desc(clinicEffort.seq)]),
  };
}
