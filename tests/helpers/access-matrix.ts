/**
 * Who sees a record, by every path, as a table (docs/design/architecture.md, security
 * model 5: the same answer by every path). A row names a caller, a path (a
 * query through the gateway, or `_entities` as the gateway would send it)
 * and what the caller gets there:
 *
 * - visible: the record, exactly as the row's `record` says;
 * - hidden: no trace of it: null for a single record, an empty list, a
 *   connection with no nodes, and no error;
 * - FORBIDDEN: a role that may never read such records: that one error, no data.
 *
 * Whatever is not visible must not leak the record's secrets (ids, names)
 * anywhere in the response, errors and extensions included.
 */
import { expect, it } from 'vitest';
import type { SubgraphName } from '../../services/shared/src/env.ts';
import { gql, subgraphRequest, type As, type GqlResult } from './hub.ts';

export type Seen = 'visible' | 'hidden' | 'FORBIDDEN';

/** How a path answers: one record (or null), a list, or a connection { totalCount nodes }. */
export type Shape = 'record' | 'list' | 'connection';

export interface AccessRow<P extends string = string> {
  who: string;
  as: As;
  path: P;
  expected: Seen;
}

export interface Reached {
  res: Pick<GqlResult, 'errors' | 'data'>;
  value: unknown;
}

export interface AccessPath<R> {
  shape: Shape;
  run: (row: R) => Promise<Reached>;
}

/** Rows from a table of callers, each with what every path gives it (and, optionally, facts of its own). */
export function rowsByCaller<P extends string, X extends object = object>(
  callers: Array<[who: string, as: As, paths: Record<P, Seen>, extra?: X]>,
): Array<AccessRow<P> & X> {
  return callers.flatMap(([who, as, paths, extra]) =>
    (Object.entries(paths) as Array<[P, Seen]>).map(([path, expected]) => ({ who, as, path, expected, ...(extra ?? ({} as X)) })),
  );
}

/** The same expectation on every path. */
export const onEvery = <P extends string>(paths: readonly P[], seen: Seen) => Object.fromEntries(paths.map((p) => [p, seen])) as Record<P, Seen>;

/** One generated case per row (it.each's own formatting would cut the names short), named "who · path → expected" (and `label` where a row adds one). */
export function accessMatrix<P extends string, R extends AccessRow<P>>(
  rows: R[],
  options: {
    paths: Record<P, AccessPath<R>>;
    /** what a visible path gives (compared with toEqual) */
    record: (row: R) => unknown;
    /** what must appear nowhere in a response that does not show the record */
    secrets: (row: R) => string[];
    label?: (row: R) => string;
  },
) {
  for (const row of rows) {
    check(`${row.who} · ${row.path}${options.label ? ` ${options.label(row)}` : ''} → ${row.expected}`, row);
  }
  function check(name: string, row: R) {
    it(name, async () => {
      const path = options.paths[row.path];
      const { res, value } = await path.run(row);
      if (row.expected === 'FORBIDDEN') {
        expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
        expect(value ?? null).toBeNull();
      } else {
        expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
        const shown = row.expected === 'visible' ? [options.record(row)] : [];
        if (path.shape === 'record') expect(value).toEqual(shown[0] ?? null);
        else if (path.shape === 'list') expect(value).toEqual(shown);
        else expect(value).toEqual({ totalCount: shown.length, nodes: shown });
      }
      if (row.expected !== 'visible') {
        const text = JSON.stringify(res);
        for (const secret of options.secrets(row)) expect(text).not.toContain(secret);
      }
    });
  }
}

/** A path through the gateway: `pick` takes the record, list or connection out of the data. */
export function gatewayPath<R extends AccessRow>(
  shape: Shape,
  query: string,
  variables: (row: R) => Record<string, unknown>,
  pick: (data: GqlResult['data']) => unknown,
): AccessPath<R> {
  return {
    shape,
    run: async (row) => {
      const res = await gql(query, variables(row), { as: row.as });
      return { res, value: pick(res.data) };
    },
  };
}

/** The path a reference from another subgraph takes: `_entities` straight to the owning subgraph, signed as the gateway. */
export function entitiesPath<R extends AccessRow>(subgraph: SubgraphName, typename: string, fields: string, id: (row: R) => string): AccessPath<R> {
  return {
    shape: 'record',
    run: async (row) => {
      const q = `{ _entities(representations: [{ __typename: "${typename}", id: "${id(row)}" }]) { ... on ${typename} { ${fields} } } }`;
      const { body } = await subgraphRequest(subgraph, q, { as: row.as });
      return { res: body, value: body.data?._entities?.[0] };
    },
  };
}

export interface PersonRecord {
  id: string;
  personId: string;
  personnummer: string;
}

/**
 * The five paths to a record that belongs to a person: `single(id)`, the
 * `list(personId)` connection, `person(id).list`, `findPerson(personnummer).list`
 * and `_entities`, each asking for `fields`.
 */
export function personRecordPaths<S extends string, L extends string, R extends AccessRow = AccessRow>(o: {
  single: S;
  list: L;
  typename: string;
  subgraph: SubgraphName;
  fields: string;
  target: () => PersonRecord;
}) {
  const { single, list, fields } = o;
  return {
    [`${single}(id)`]: gatewayPath<R>(
      'record',
      `query($id: ID!) { ${single}(id: $id) { ${fields} } }`,
      () => ({ id: o.target().id }),
      (d) => d?.[single],
    ),
    [list]: gatewayPath<R>(
      'connection',
      `query($p: ID!) { ${list}(personId: $p) { totalCount nodes { ${fields} } } }`,
      () => ({ p: o.target().personId }),
      (d) => d?.[list],
    ),
    [`person(id).${list}`]: gatewayPath<R>(
      'list',
      `query($p: ID!) { person(id: $p) { id ${list} { ${fields} } } }`,
      () => ({ p: o.target().personId }),
      (d) => d?.person?.[list],
    ),
    [`findPerson.${list}`]: gatewayPath<R>(
      'list',
      `query($n: String!) { findPerson(personnummer: $n) { id ${list} { ${fields} } } }`,
      () => ({ n: o.target().personnummer }),
      (d) => d?.findPerson?.[list],
    ),
    _entities: entitiesPath<R>(o.subgraph, o.typename, fields, () => o.target().id),
  } as Record<`${S}(id)` | L | `person(id).${L}` | `findPerson.${L}` | '_entities', AccessPath<R>>;
}

/**
 * What each of `paths` gives a caller who may read such records but not this one, one who may not
 * list them, and one who may not search either (`person(id).list` and `findPerson.list` of personRecordPaths).
 */
export function personRecordOutcomes<P extends string, L extends P>(paths: Record<P, unknown>, list: L) {
  const search = [`person(id).${list}`, `findPerson.${list}`] as P[];
  if (!search.every((p) => p in paths)) throw new Error(`the paths lack ${search.join(' or ')}`);
  return hiddenOutcomes(Object.keys(paths) as P[], list, search);
}

/** A query for a record by an id that names none and by a malformed one: both are simply null, with no error. */
export async function expectUnknownIdsAbsent(single: string, malformed: string, as: As) {
  const res = await gql(
    `{ a: ${single}(id: "00000000-0000-4000-8000-000000000000") { id } b: ${single}(id: ${JSON.stringify(malformed)}) { id } }`,
    {},
    { as },
  );
  expect(res.errors).toBeUndefined();
  expect(res.data).toEqual({ a: null, b: null });
}

/** What each path gives a caller who may read such records but not this one, one who may not list them, and one who may not search either. */
export function hiddenOutcomes<P extends string>(paths: readonly P[], list: P, search: readonly P[]) {
  const hidden = onEvery(paths, 'hidden');
  const hiddenNoList: Record<P, Seen> = { ...hidden, [list]: 'FORBIDDEN' };
  const hiddenNoSearch: Record<P, Seen> = { ...hiddenNoList, ...onEvery(search, 'FORBIDDEN') };
  return { sees: onEvery(paths, 'visible'), hidden, hiddenNoList, hiddenNoSearch };
}
