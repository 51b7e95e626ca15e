/** DataLoaders of the probation subgraph, built fresh for every request. */
import type { Db } from '../../shared/src/db.ts';
import type * as schema from './db/schema.ts';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Loaders {}

export function createLoaders(_db: Db<typeof schema>): Loaders {
  return {};
}
