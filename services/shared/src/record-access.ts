/**
 * The one outline of record-level access that every subgraph follows: a record is shown
 * only on a basis its policy names (own organisation, partner, consent, ...), each shown
 * record's read is audited with that basis, and a record the caller may not see is absent:
 * null, left out of lists, NOT_FOUND on a change (never FORBIDDEN, which would tell that
 * it exists). The decisions themselves stay in each subgraph's domain/policy.ts.
 */
import type DataLoader from 'dataloader';
import type { AuditBuffer } from './audit.ts';
import { isUuid } from './ids.ts';
import { isPseudonym } from './person-id.ts';
import type { Caller } from './caller.ts';
import { requirePermission, type Permission } from './access.ts';
import type { HubError } from './errors.ts';

export interface RecordPolicy<R, B extends string = string> {
  /** the audited entity's name, e.g. ClinicEnrolment */
  entity: string;
  /** the basis on which the caller may read the record, or null when they may not */
  basis: (caller: Caller, row: R) => B | null;
  /** whom and whose the record is, for the audit event */
  subject: (row: R) => { entityId: string; personId: string | null; owner?: string | null };
  /** the error for a record the caller may not see (or that does not exist): the same for both */
  notVisible: (id: string) => HubError;
}

interface ReadContext {
  caller: Caller;
  audit: AuditBuffer;
}

export interface RecordAccess<R, B extends string> {
  basis: (caller: Caller, row: R) => B | null;
  /** the rows the caller may see, each read audited with its basis */
  see: (ctx: ReadContext, rows: readonly R[], fields: string[] | null) => R[];
  /** one row, or null when it does not exist or the caller may not see it */
  one: (ctx: ReadContext, row: R | null | undefined, fields: string[] | null) => R | null;
  /**
   * Before a change: the role must allow it (FORBIDDEN names the permission), the record
   * must exist and be visible (else NOT_FOUND, as if absent). Returns the basis.
   */
  change: (caller: Caller, row: R | null | undefined, id: string, permission: Permission) => B;
}

export function recordAccess<R, B extends string>(policy: RecordPolicy<R, B>): RecordAccess<R, B> {
  const see = (ctx: ReadContext, rows: readonly R[], fields: string[] | null): R[] => {
    const out: R[] = [];
    for (const row of rows) {
      const basis = policy.basis(ctx.caller, row);
      if (!basis) continue;
      ctx.audit.read({ entity: policy.entity, ...policy.subject(row), fields, basis });
      out.push(row);
    }
    return out;
  };
  return {
    basis: policy.basis,
    see,
    one: (ctx, row, fields) => (row ? (see(ctx, [row], fields)[0] ?? null) : null),
    change: (caller, row, id, permission) => {
      requirePermission(caller, permission);
      const basis = row ? policy.basis(caller, row) : null;
      if (!row || !basis) throw policy.notVisible(id);
      return basis;
    },
  };
}

/**
 * The reads of a record by key, the same in every subgraph: by id (null when it does not exist or the
 * caller may not see it, the same answer on purpose; a key that is not a UUID cannot exist and is not
 * looked up), by reference from another subgraph (exactly what the direct query gives), and the records
 * of a person that the caller may see (none for a key that is not a pseudonym).
 */
export function recordReaders<C extends ReadContext, R, B extends string>(
  access: RecordAccess<R, B>,
  loaders: { byId: (ctx: C) => DataLoader<string, R | null>; ofPerson: (ctx: C) => DataLoader<string, R[]> },
) {
  const byId = async (ctx: C, id: string, fields: string[] | null): Promise<R | null> =>
    isUuid(id) ? access.one(ctx, await loaders.byId(ctx).load(id), fields) : null;
  return {
    byId,
    byReference: (ctx: C, id: string) => byId(ctx, id, null),
    ofPerson: async (ctx: C, personId: string, fields: string[] | null): Promise<R[]> =>
      isPseudonym(personId) ? access.see(ctx, await loaders.ofPerson(ctx).load(personId), fields) : [],
  };
}
