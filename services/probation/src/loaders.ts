/**
 * DataLoaders of the probation subgraph, built fresh for every request (the
 * caller is fixed for the loaders' lifetime, so visibility filters may be
 * part of a batch). Each batch is one query and returns rows in key order.
 */
import DataLoader from 'dataloader';
import { and, desc, inArray } from 'drizzle-orm';
import type { Db } from '../../shared/src/db.ts';
import type { Caller } from '../../shared/src/caller.ts';
import * as schema from './db/schema.ts';
import { visibleTo } from './domain/policy.ts';

const { contractCareOrder, contractCareDeviation, contractCareEvaluation } = schema;

export interface Loaders {
  /** orders by id, unfiltered: the domain layer applies the policy */
  order: DataLoader<string, schema.OrderRow | null>;
  /** the orders of a person that the caller may see, newest court decision first */
  ordersOfPerson: DataLoader<string, schema.OrderRow[]>;
  /** an order's deviations, newest report first */
  deviations: DataLoader<string, schema.DeviationRow[]>;
  /** an order's evaluations, newest first */
  evaluations: DataLoader<string, schema.EvaluationRow[]>;
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
    order: new DataLoader(async (ids) => {
      const rows = await db.select().from(contractCareOrder).where(inArray(contractCareOrder.id, [...ids]));
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    ordersOfPerson: new DataLoader(async (personIds) => {
      const visible = visibleTo(caller);
      if (!visible) return personIds.map(() => []);
      const rows = await db
        .select()
        .from(contractCareOrder)
        .where(and(inArray(contractCareOrder.personId, [...personIds]), visible))
        .orderBy(desc(contractCareOrder.courtDecisionOn), desc(contractCareOrder.id));
      const byPerson = group(rows, (r) => r.personId);
      return personIds.map((id) => byPerson.get(id) ?? []);
    }),
    deviations: new DataLoader(async (orderIds) => {
      const rows = await db
        .select()
        .from(contractCareDeviation)
        .where(inArray(contractCareDeviation.orderId, [...orderIds]))
        .orderBy(desc(contractCareDeviation.reportedAt), desc(contractCareDeviation.seq));
      const byOrder = group(rows, (r) => r.orderId);
      return orderIds.map((id) => byOrder.get(id) ?? []);
    }),
    evaluations: new DataLoader(async (orderIds) => {
      const rows = await db
        .select()
        .from(contractCareEvaluation)
        .where(inArray(contractCareEvaluation.orderId, [...orderIds]))
        .orderBy(desc(contractCareEvaluation.heldOn), desc(contractCareEvaluation.seq));
      const byOrder = group(rows, (r) => r.orderId);
      return orderIds.map((id) => byOrder.get(id) ?? []);
    }),
  };
}
