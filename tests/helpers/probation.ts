/** Shared pieces of the contract-care and clinics tests: callers, inputs, queries and SQL checks. */
import { randomUUID } from 'node:crypto';
import type { SubgraphName } from '../../services/shared/src/env.ts';
import { gql, ok, withSql, type As } from './hub.ts';
import { personnummer } from './people.ts';
import { addDays, stockholmDate } from '../../services/shared/src/time.ts';
import { recordPersonSql } from '../../services/shared/src/audit.ts';

export { ok, refused, withSql } from './hub.ts';

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

/** Registers an order as `as` (a probation officer) and returns it. */
export async function register(as: As, overrides: Record<string, unknown> = {}, clock?: string) {
  const input = orderInput(overrides);
  const order = ok(await gql(REGISTER, { input }, { as, ...(clock ? { clock } : {}) })).registerContractCareOrder as Record<string, any>;
  return { input, order };
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
    (sql) =>
      sql`select e.action, e.entity, x.entity_id, ${sql.unsafe(recordPersonSql('x.n'))} as person_id, e.organisation_id, e.basis, e.fields
        from audit_event e, unnest(e.entity_ids) with ordinality as x(entity_id, n) where e.user_id = ${userId} order by e.seq, x.n`,
  ) as Promise<AuditRow[]>;
}
