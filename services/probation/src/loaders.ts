/**
 * DataLoaders of the probation subgraph, built fresh for every request (the
 * caller is fixed for the loaders' lifetime, so visibility filters may be
 * part of a batch). Each batch is one query and returns rows in key order.
 */
import DataLoader from 'dataloader';
import { desc } from 'drizzle-orm';
import type { Db } from '../../shared/src/db.ts';
import type { Caller } from '../../shared/src/caller.ts';
import { tableGroupLoader, tableRowLoader } from '../../shared/src/loaders.ts';
import { messagesOf, type MessageView } from '../../shared/src/messages.ts';
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
  /** the messages on orders, oldest first (the domain layer applies the policy) */
  messages: DataLoader<string, MessageView[]>;
}

export function createLoaders(db: Db<typeof schema>, caller: Caller): Loaders {
  return {
    order: tableRowLoader(db, contractCareOrder, 'id'),
    ordersOfPerson: tableGroupLoader(db, contractCareOrder, 'personId', [desc(contractCareOrder.courtDecisionOn), desc(contractCareOrder.id)], {
      visible: visibleTo(caller),
    }),
    deviations: tableGroupLoader(db, contractCareDeviation, 'orderId', [desc(contractCareDeviation.reportedAt), desc(contractCareDeviation.seq)]),
    evaluations: tableGroupLoader(db, contractCareEvaluation, 'orderId', [desc(contractCareEvaluation.heldOn), desc(contractCareEvaluation.seq)]),
    messages: new DataLoader(async (ids) => {
      const byRecord = await messagesOf(db, 'ContractCareOrder', ids);
      return ids.map((id) => byRecord.get(id) ?? []);
    }),
  };
}
