/**
 * DataLoaders of the probation subgraph, built fresh for every request (the
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

export function createLoaders(db: Db<typeof schema>, caller: Caller): Loaders {
  const visible = visibleTo(caller);
  return {
    order: rowLoader(
      (ids) => db.select().from(contractCareOrder).where(inArray(contractCareOrder.id, ids)),
      (r) => r.id,
    ),
    ordersOfPerson: groupLoader(
      (personIds) =>
        visible
          ? db
              .select()
              .from(contractCareOrder)
              .where(and(inArray(contractCareOrder.personId, personIds), visible))
              .orderBy(desc(contractCareOrder.courtDecisionOn), desc(contractCareOrder.id))
          : Promise.resolve([]),
      (r) => r.personId,
    ),
    deviations: groupLoader(
      (ids) =>
        db
          .select()
          .from(contractCareDeviation)
          .where(inArray(contractCareDeviation.orderId, ids))
          .orderBy(desc(contractCareDeviation.reportedAt), desc(contractCareDeviation.seq)),
      (r) => r.orderId,
    ),
    evaluations: groupLoader(
      (ids) =>
        db
          .select()
          .from(contractCareEvaluation)
          .where(inArray(contractCareEvaluation.orderId, ids))
          .orderBy(desc(contractCareEvaluation.heldOn), desc(contractCareEvaluation.seq)),
      (r) => r.orderId,
    ),
  };
}
