/**
 * DataLoaders of the clinics subgraph, built fresh for every request (the
 * caller is fixed for the loaders' lifetime, so visibility filters may be
 * part of a batch). Each batch is one query and returns rows in key order.
 */
import DataLoader from 'dataloader';
import { and, desc, inArray } from 'drizzle-orm';
import type { Db } from '../../shared/src/db.ts';
import type { Caller } from '../../shared/src/caller.ts';
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

function group<T, K>(rows: T[], keyOf: (row: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const row of rows) {
    const k = keyOf(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

export function createLoaders(db: Db<typeof schema>, caller: Caller): Loaders {
  return {
    clinic: new DataLoader(async (ids) => {
      const rows = await db.select().from(clinic).where(inArray(clinic.id, [...ids]));
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    enrolment: new DataLoader(async (ids) => {
      const rows = await db.select().from(clinicEnrolment).where(inArray(clinicEnrolment.id, [...ids]));
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    enrolmentsOfPerson: new DataLoader(async (personIds) => {
      const visible = visibleTo(caller);
      if (!visible) return personIds.map(() => []);
      const rows = await db
        .select()
        .from(clinicEnrolment)
        .where(and(inArray(clinicEnrolment.personId, [...personIds]), visible))
        .orderBy(desc(clinicEnrolment.enrolledAt), desc(clinicEnrolment.id));
      const byPerson = group(rows, (r) => r.personId);
      return personIds.map((id) => byPerson.get(id) ?? []);
    }),
    efforts: new DataLoader(async (ids) => {
      const rows = await db
        .select()
        .from(clinicEffort)
        .where(inArray(clinicEffort.enrolmentId, [...ids]))
        .orderBy(desc(clinicEffort.performedOn), desc(clinicEffort.seq));
      const byEnrolment = group(rows, (r) => r.enrolmentId);
      return ids.map((id) => byEnrolment.get(id) ?? []);
    }),
  };
}
