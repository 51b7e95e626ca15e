// @ts-check
/**
 * The page's only data source: the hub's public GraphQL API (`../graphql`,
 * the same origin), with the caller's bearer token, as JSON POSTs (the
 * gateway's CSRF prevention lets them through). Aggregates only: nothing
 * here asks for anything about a person.
 */

/**
 * @typedef {{ group: string, value: number | null, numerator: number | null, denominator: number | null, suppressed: boolean }} IndicatorCell
 * @typedef {{ key: string, label: string, value: number | null, numerator: number | null, denominator: number | null, suppressed: boolean, byGender: IndicatorCell[] }} Indicator
 * @typedef {{ key: string, value: number | null, numerator: number | null, denominator: number | null, suppressed: boolean }} TrendIndicator
 * @typedef {{ id: string, title: string, jointGoals: string[], validFrom: string, reviewBy: string, reviewOverdue: boolean }} Agreement
 * @typedef {{ id: string, name: string, level: 'LOCAL' | 'REGIONAL', regionCode: string, municipalityCodes: string[] }} CouncilSummary
 * @typedef {CouncilSummary & { memberOrganisations: Array<{ id: string, name: string }>, agreements: Agreement[] }} CouncilDetail
 * @typedef {{ from: string, to: string, municipalityCodes: string[], sections: Record<string, Indicator[]> }} Report
 */

/**
 * The sections of IndicatorReport, one per kind of organisation, in the order
 * the page shows them. The page asks for all of them; a gateway whose schema
 * does not (yet) have one answers a validation error naming it, and the page
 * leaves that one out from then on. (Introspection is off in production, so
 * the list is fixed here rather than discovered.)
 */
export const SECTIONS = /** @type {const} */ (['municipality', 'psychiatry', 'probation', 'clinics']);

/** The sections this gateway has answered for (narrowed on the first validation error). */
let available = [...SECTIONS];
export const availableSections = () => [...available];

export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {string} code
   * @param {number} status
   */
  constructor(message, code, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

const GRAPHQL_URL = new URL('../graphql', document.baseURI).toString();

/**
 * @param {string} token
 * @param {string} query
 * @param {Record<string, unknown>} variables
 * @returns {Promise<{ data?: any, errors?: Array<{ message: string, extensions?: { code?: string } }>, status: number }>}
 */
async function post(token, query, variables) {
  let res;
  try {
    res = await fetch(GRAPHQL_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError('network', 'NETWORK', 0);
  }
  /** @type {any} */
  let body;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(`HTTP ${res.status}`, 'HTTP', res.status);
  }
  return { ...body, status: res.status };
}

const MISSING_FIELD = /Cannot query field "(\w+)" on type "(?:IndicatorReport)"/;

/**
 * A query that names sections; retried without any section the schema lacks.
 * @param {string} token
 * @param {(sections: readonly string[]) => string} build
 * @param {Record<string, unknown>} variables
 */
async function request(token, build, variables) {
  for (let attempt = 0; attempt <= SECTIONS.length; attempt++) {
    const asked = available;
    const res = await post(token, build(asked), variables);
    const missing = (res.errors ?? []).map((e) => MISSING_FIELD.exec(e.message)?.[1]).filter((s) => s && asked.includes(/** @type {any} */ (s)));
    if (missing.length && !res.data) {
      // (another request may have narrowed the list meanwhile: narrowing twice is harmless)
      available = available.filter((s) => !missing.includes(s));
      continue;
    }
    if (res.status === 401) throw new ApiError(res.errors?.[0]?.message ?? 'unauthenticated', 'UNAUTHENTICATED', 401);
    const first = res.errors?.[0];
    if (first) throw new ApiError(first.message, first.extensions?.code ?? 'ERROR', res.status);
    return res.data;
  }
  throw new ApiError('schema', 'ERROR', 400);
}

/**
 * The caller's councils.
 * @param {string} token
 * @returns {Promise<CouncilSummary[]>}
 */
export async function councils(token) {
  const data = await request(token, () => '{ councils { id name level regionCode municipalityCodes } }', {});
  return data.councils;
}

const INDICATOR = 'key label value numerator denominator suppressed byGender { group value numerator denominator suppressed }';

/**
 * A council, its agreements and its indicators over a period.
 * @param {string} token
 * @param {string} id
 * @param {string} from
 * @param {string} to
 * @returns {Promise<{ council: CouncilDetail, report: Report } | null>}
 */
export async function councilReport(token, id, from, to) {
  const data = await request(
    token,
    (sections) => `query CouncilReport($id: ID!, $from: Date!, $to: Date!) {
  council(id: $id) {
    id name level regionCode municipalityCodes
    memberOrganisations { id name }
    agreements { id title jointGoals validFrom reviewBy reviewOverdue }
    indicators(from: $from, to: $to) { from to municipalityCodes ${sections.map((s) => `${s} { ${INDICATOR} }`).join(' ')} }
  }
}`,
    { id, from, to },
  );
  if (!data.council) return null;
  const { indicators, ...council } = data.council;
  /** @type {Record<string, Indicator[]>} */
  const sections = {};
  for (const s of SECTIONS) if (indicators[s]) sections[s] = indicators[s];
  return { council, report: { from: indicators.from, to: indicators.to, municipalityCodes: indicators.municipalityCodes, sections } };
}

/** Months per request: each is one aliased `indicators` call (the gateway allows 15 aliases). */
export const MONTHS_PER_REQUEST = 12;

/**
 * Chosen indicators month by month: one aliased `indicators(from, to)` per
 * month, at most MONTHS_PER_REQUEST of them in one request.
 * @param {string} token
 * @param {string} id
 * @param {Array<{ month: string, from: string, to: string }>} months
 * @returns {Promise<Array<Record<string, TrendIndicator[]>>>} one record of sections per month
 */
export async function monthly(token, id, months) {
  /** @type {Array<Record<string, TrendIndicator[]>>} */
  const out = [];
  for (let i = 0; i < months.length; i += MONTHS_PER_REQUEST) {
    const chunk = months.slice(i, i + MONTHS_PER_REQUEST);
    /** @type {Record<string, string>} */
    const variables = { id };
    chunk.forEach((m, j) => {
      variables[`f${j}`] = m.from;
      variables[`t${j}`] = m.to;
    });
    const data = await request(
      token,
      (sections) =>
        `query CouncilMonths($id: ID!, ${chunk.map((_, j) => `$f${j}: Date!, $t${j}: Date!`).join(', ')}) { council(id: $id) { ${chunk
          .map(
            (_, j) => `m${j}: indicators(from: $f${j}, to: $t${j}) { ${sections.map((s) => `${s} { key value numerator denominator suppressed }`).join(' ')} }`,
          )
          .join(' ')} } }`,
      variables,
    );
    if (!data.council) throw new ApiError('not found', 'NOT_FOUND', 200);
    chunk.forEach((_, j) => out.push(data.council[`m${j}`]));
  }
  return out;
}

/**
 * Development only: the demo council members, or null when the gateway has no picker (production).
 * @returns {Promise<Array<{ org: string, name: string, organisation: string, regionCode: string }> | null>}
 */
export async function devMembers() {
  try {
    const res = await fetch('dev-members', { cache: 'no-store', credentials: 'omit' });
    if (!res.ok) return null;
    return (await res.json()).members;
  } catch {
    return null;
  }
}

/**
 * Development only: a council member's token for a demo organisation.
 * @param {string} org
 * @returns {Promise<{ token: string, name: string, org: string }>}
 */
export async function devToken(org) {
  const res = await fetch('dev-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ org }),
    cache: 'no-store',
    credentials: 'omit',
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(body.error ?? `HTTP ${res.status}`, 'SIGN_IN', res.status);
  return body;
}
