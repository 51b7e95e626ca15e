/** What the tests know of the running hub, and how they call it. */
import postgres from 'postgres';
import { expect, inject } from 'vitest';
import type { SubgraphName } from '../../services/shared/src/env.ts';
import type { IssuerKeys } from '../../services/shared/src/issuer.ts';
import { signToken } from '../../services/shared/src/issuer.ts';
import { signRequest } from '../../services/shared/src/signing.ts';
import type { Role } from '../../services/shared/src/caller.ts';

/**
 * The language the helpers ask for: English, in which the tests were written (the hub answers
 * Swedish by default; tests/gateway/language.test.ts asks for both).
 */
export const ENGLISH = { 'accept-language': 'en' } as const;

/** What globalSetup provides every test file: the server, the templates and the shared environment. */
export interface HubServerInfo {
  postgresUrl: string;
  /** every database of this run starts with it (dropped at the end) */
  prefix: string;
  /** the migrated and seeded templates are `${templatePrefix}_${subgraph}` */
  templatePrefix: string;
  env: Record<string, string>;
  issuer: IssuerKeys;
  /** keys the hub does not trust */
  stranger: IssuerKeys;
}

export interface HubTestInfo extends Omit<HubServerInfo, 'templatePrefix'> {
  gatewayUrl: string;
  subgraphUrls: Record<SubgraphName, string>;
  databaseUrls: Record<SubgraphName, string>;
  /** this file's prefix: its databases, and any it makes itself, start with it */
  prefix: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    hubServer: HubServerInfo;
  }
}

/** The stack of the running test file, once tests/setup/file-hub.ts has started it. */
let running: Pick<HubTestInfo, 'gatewayUrl' | 'subgraphUrls' | 'databaseUrls'> | undefined;
let filePrefix: string | undefined;

export function setFileHub(prefix: string, stack: typeof running) {
  filePrefix = prefix;
  running = stack;
}

function server(): HubServerInfo {
  const info = inject('hubServer') as HubServerInfo | undefined;
  if (!info || !filePrefix) {
    throw new Error('this test file runs without a hub: the hub-free files (vitest.config.ts, project "unit") may not call hub()');
  }
  return info;
}

const notYet = (): never => {
  throw new Error("this file's hub starts in beforeAll: ask for its URLs inside a hook or a test, not while the file is loading");
};

/** The hub of this test file: its own databases (copied from the templates) and its own stack. */
export function hub(): HubTestInfo {
  const { templatePrefix: _template, ...shared } = server();
  return {
    ...shared,
    prefix: filePrefix!,
    get gatewayUrl() {
      return running?.gatewayUrl ?? notYet();
    },
    get subgraphUrls() {
      return running?.subgraphUrls ?? notYet();
    },
    get databaseUrls() {
      return running?.databaseUrls ?? notYet();
    },
  };
}

export interface As {
  org: string;
  roles: Role[];
  sub?: string;
  name?: string;
}

export async function tokenFor(
  as: As,
  overrides: { ttl?: number; audience?: string; issuer?: string; keys?: IssuerKeys; claims?: Record<string, unknown> } = {},
) {
  const h = hub();
  return signToken(
    overrides.keys ?? h.issuer,
    {
      ...as,
      issuer: overrides.issuer ?? h.env.HUB_JWT_ISSUER!,
      audience: overrides.audience ?? h.env.HUB_JWT_AUDIENCE!,
      ...(overrides.ttl !== undefined ? { ttl: overrides.ttl } : {}),
    },
    overrides.claims,
  );
}

export interface GqlResult<D = Record<string, any>> {
  status: number;
  data?: D | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
  extensions?: Record<string, any>;
}

/** A GraphQL request through the gateway. `as` may be a token string, a caller, or null for none. */
export async function gql<D = Record<string, any>>(
  query: string,
  variables: Record<string, unknown> = {},
  options: { as?: As | string | null; clock?: string; headers?: Record<string, string>; url?: string } = {},
): Promise<GqlResult<D>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...ENGLISH, ...options.headers };
  if (options.as) headers.authorization = `Bearer ${typeof options.as === 'string' ? options.as : await tokenFor(options.as)}`;
  if (options.clock) headers['x-hub-clock'] = options.clock;
  const res = await fetch(options.url ?? hub().gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  let body: Omit<GqlResult<D>, 'status'>;
  try {
    body = JSON.parse(text) as Omit<GqlResult<D>, 'status'>;
  } catch {
    body = { errors: [{ message: text }] };
  }
  return { status: res.status, ...body };
}

/** A request straight to a subgraph, signed as the gateway would (or not, or wrongly). */
export async function subgraphRequest(
  subgraph: SubgraphName,
  query: string,
  options: {
    as?: As | null;
    sign?: 'yes' | 'no' | 'wrong-secret';
    signedAt?: number;
    /** the signed headers of an earlier request (its token too), sent again */
    reuse?: Record<string, string>;
    /** sign as if for this subgraph instead */
    signFor?: SubgraphName;
    /** headers set after signing (a token or clock swapped into a signed request) */
    after?: Record<string, string>;
    headers?: Record<string, string>;
    url?: string;
    variables?: Record<string, unknown>;
  } = {},
): Promise<{ status: number; body: any; signature: Record<string, string> }> {
  const h = hub();
  const body = JSON.stringify({ query, ...(options.variables ? { variables: options.variables } : {}) });
  const sign = options.sign ?? 'yes';
  const url = options.url ?? h.subgraphUrls[subgraph];
  const headers: Record<string, string> = { 'content-type': 'application/json', ...ENGLISH, ...options.headers };
  if (options.as) headers.authorization = `Bearer ${await tokenFor(options.as)}`;
  // What the gateway would sign: this target, path, body, token and clock (signFor signs for another subgraph).
  const signed = {
    method: 'POST',
    target: options.signFor ?? subgraph,
    path: new URL(url).pathname,
    body,
    authorization: headers.authorization,
    clock: headers['x-hub-clock'],
    language: headers['accept-language'],
  };
  const signature =
    options.reuse ??
    (sign === 'no'
      ? {}
      : {
          ...signRequest(sign === 'wrong-secret' ? 'x'.repeat(64) : h.env.HUB_GATEWAY_SECRET!, signed, options.signedAt ?? Date.now()),
          ...(headers.authorization ? { authorization: headers.authorization } : {}),
        });
  const res = await fetch(url, { method: 'POST', headers: { ...headers, ...signature, ...options.after }, body });
  // a subscription's answer is an event stream: its text
  const answer = res.headers.get('content-type')?.startsWith('text/event-stream') ? await res.text() : await res.json();
  return { status: res.status, body: answer, signature };
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

/** Runs SQL against one subgraph's database of this file's hub (fixtures, and checks the API cannot make). */
export async function withSql<T>(subgraph: SubgraphName, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(hub().databaseUrls[subgraph], { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}
