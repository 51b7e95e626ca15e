/** Shared pieces of the contract-care and clinics tests: callers, inputs, queries and SQL checks. */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { expect } from 'vitest';
import type { SubgraphName } from '../../services/shared/src/env.ts';
import { gql, hub, type As, type GqlResult } from './hub.ts';
import { personnummer } from './people.ts';
import { addDays, stockholmDate } from '../../services/shared/src/time.ts';

/** A Stockholm date relative to the real today (for tests that run without a clock). */
export const fromToday = (days: number) => addDays(stockholmDate(new Date()), days);

/** A caller of this test's own (unique user id, so its audit events are its own). */
export function staff(org: string, role: As['roles'][number], name = `${role} ${org}`): As {
  return { org, roles: [role], sub: `${role.toLowerCase()}-${randomUUID().slice(0, 8)}`, name };
}

export const ORDER_FIELDS = `
  id status courtDecisionOn endsOn person { id }
  clientName personnummer
  probationOffice { id name agency }
  partnerOrganisations { id agency }
  deviations { id occurredOn reportedAt description reportedBy { id name agency } daysToReport }
  evaluations { id heldOn summary dueBy heldByDueDate }
  nextEvaluationDueBy evaluationOverdue
  breach { reason recordedBy }
`;

export const REGISTER = `mutation($input: ContractCareOrderInput!) { registerContractCareOrder(input: $input) { ${ORDER_FIELDS} } }`;
export const ORDER = `query($id: ID!) { contractCareOrder(id: $id) { ${ORDER_FIELDS} } }`;
export const DEVIATION = `mutation($id: ID!, $on: Date!, $d: String!) {
  reportContractCareDeviation(orderId: $id, occurredOn: $on, description: $d) { id occurredOn reportedAt description reportedBy { id agency } daysToReport } }`;
export const EVALUATION = `mutation($id: ID!, $on: Date!, $s: String!) {
  recordContractCareEvaluation(orderId: $id, heldOn: $on, summary: $s) { id heldOn summary dueBy heldByDueDate } }`;
export const BREACH = `mutation($id: ID!, $r: String!) { recordContractCareBreach(orderId: $id, reason: $r) { id status breach { reason recordedBy } nextEvaluationDueBy } }`;

export function orderInput(overrides: Record<string, unknown> = {}) {
  return {
    personnummer: personnummer(),
    name: 'Klient Klientsson',
    courtDecisionOn: fromToday(-60),
    endsOn: fromToday(300),
    partnerOrganisationIds: ['municipality:1980', 'psychiatry:19'],
    ...overrides,
  };
}

/** Expects no errors and returns the data. */
export function ok<D = Record<string, any>>(res: GqlResult<D>): D {
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  expect(res.status).toBe(200);
  return res.data as D;
}

/** Expects exactly one error with this code (and field) and returns it. */
export function refused(res: GqlResult, code: string, field?: string) {
  expect(res.errors?.length, JSON.stringify(res)).toBe(1);
  const e = res.errors![0]!;
  expect(e.extensions?.code, e.message).toBe(code);
  if (field !== undefined) expect(e.extensions?.field, e.message).toBe(field);
  return e;
}

/** Registers an order as `as` (a probation officer) and returns it. */
export async function register(as: As, overrides: Record<string, unknown> = {}, clock?: string) {
  const input = orderInput(overrides);
  const order = ok(await gql(REGISTER, { input }, { as, ...(clock ? { clock } : {}) })).registerContractCareOrder as Record<string, any>;
  return { input, order };
}

/** Runs SQL against one subgraph's database (checks the API cannot make). */
export async function withSql<T>(subgraph: SubgraphName, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(hub().databaseUrls[subgraph], { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

export interface AuditRow {
  action: string;
  entity: string;
  entity_id: string | null;
  person_id: string | null;
  organisation_id: string;
  basis: string;
  fields: string[] | null;
}

/** The audit events one user wrote in one subgraph's database, oldest first. */
export async function auditOfUser(subgraph: SubgraphName, userId: string): Promise<AuditRow[]> {
  return withSql(
    subgraph,
    (sql) => sql`select action, entity, entity_id, person_id, organisation_id, basis, fields from audit_event where user_id = ${userId} order by seq`,
  ) as Promise<AuditRow[]>;
}
