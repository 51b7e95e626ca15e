/**
 * What the unit tests of the record-level policies and the withdrawal
 * pathway share: callers from the directory, the error a call throws, a
 * condition as PostgreSQL receives it, and the fields of a request for
 * withdrawal treatment and of the caseworker who sends it.
 */
import { PgDialect } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import type { Caller, Role } from '../../services/shared/src/caller.ts';
import { organisation } from '../../services/shared/src/directory.ts';
import { HubError } from '../../services/shared/src/errors.ts';
import type { ValidReferral } from '../../services/psychiatry/src/domain/validation.ts';
import type { Actor } from '../../services/psychiatry/src/domain/transitions.ts';

/** A caller of an organisation in the directory, with these roles; the user id names both. */
export function caller(organisationId: string, ...roles: Role[]): Caller {
  const org = organisation(organisationId);
  if (!org) throw new Error(`${organisationId} is not in the directory`);
  return { userId: `${organisationId}:${roles.join('+')}`, name: 'Test Testsson', organisation: org, roles };
}

/** The HubError a call throws; a failure when it throws none, or something else. */
export function thrown(f: () => unknown): HubError {
  try {
    f();
  } catch (e) {
    if (e instanceof HubError) return e;
    throw e;
  }
  throw new Error('expected a HubError, nothing was thrown');
}

/** The refusal a call throws, as its code and message. */
export function codeAndMessage(f: () => unknown): { code: unknown; message: string } {
  const e = thrown(f);
  return { code: e.extensions.code, message: e.message };
}

/** A condition as PostgreSQL receives it: the text and its parameters. */
export function render(condition: SQL | null): { sql: string; params: unknown[] } | null {
  if (!condition) return null;
  const { sql, params } = new PgDialect().sqlToQuery(condition);
  return { sql, params };
}

/** The caseworker of Västerås who sends the requests for withdrawal treatment. */
export const CASEWORKER: Actor = { userId: 'u-cw', name: 'Anna Svensson', organisationId: 'municipality:1980' };

/** The fields of a request for withdrawal treatment that are the same in every unit test of the pathway. */
export const REFERRAL_FIELDS: Pick<ValidReferral, 'name' | 'substances' | 'currentProblems' | 'postTreatmentPlan' | 'otherIllnesses' | 'caseworker'> = {
  name: 'Test Testsson',
  substances: ['ALCOHOL'],
  currentProblems: 'Abstinens.',
  postTreatmentPlan: 'Öppenvård.',
  otherIllnesses: null,
  caseworker: { name: 'Anna Svensson', phone: '021-17 44 13', email: 'anna@vasteras.se' },
};

/** The ids a submission is given: the referral, the person, and Västmanland's psychiatry as receiver. */
export const REFERRAL_IDS = { id: '00000000-0000-4000-8000-000000000001', personId: 'p_test', receivingOrganisationId: 'psychiatry:19' };
