/**
 * DataLoader shapes every subgraph uses: one row per key, or all rows of a
 * key. Each batch is one query (`WHERE key = ANY(...)`); results come back
 * in key order. Loaders are built per request, never shared between users.
 */
import DataLoader from 'dataloader';

import { isUuid } from './ids.ts';

export { isUuid };

/** One row per key (null for a miss). `validKey` filters keys that cannot exist (e.g. not a UUID) without a query. */
export function rowLoader<R, K extends string = string>(
  fetch: (keys: K[]) => Promise<R[]>,
  keyOf: (row: R) => K,
  validKey: (key: K) => boolean = () => true,
): DataLoader<K, R | null> {
  return new DataLoader<K, R | null>(async (keys) => {
    const wanted = [...new Set(keys.filter(validKey))];
    const rows = wanted.length ? await fetch(wanted) : [];
    const byKey = new Map(rows.map((r) => [keyOf(r), r]));
    return keys.map((k) => byKey.get(k) ?? null);
  });
}

/** All rows of each key, in the order the query returned them. */
export function groupLoader<R, K extends string = string>(
  fetch: (keys: K[]) => Promise<R[]>,
  keyOf: (row: R) => K,
  validKey: (key: K) => boolean = () => true,
): DataLoader<K, R[]> {
  return new DataLoader<K, R[]>(async (keys) => {
    const wanted = [...new Set(keys.filter(validKey))];
    const rows = wanted.length ? await fetch(wanted) : [];
    const byKey = new Map<K, R[]>();
    for (const r of rows) {
      const k = keyOf(r);
      const list = byKey.get(k);
      if (list) list.push(r);
      else byKey.set(k, [r]);
    }
    return keys.map((k) => byKey.get(k) ?? []);
  });
}
