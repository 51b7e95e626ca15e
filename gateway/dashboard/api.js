// @ts-check
/**
 * The page's only data source: the hub's public GraphQL API (`../graphql`,
 * the same origin), with the caller's bearer token, as JSON POSTs (the
 * gateway's CSRF prevention lets them through), each a trusted document of the
 * hub's own sent by its hash (documents/*.graphql). Aggregates only: nothing
 * here asks for anything about a person.
 */

import { DOCUMENTS } from './operations.js';

/**
 * @typedef {{ group: string, value: number | null, numerator: number | null, denominator: number | null, suppressed: boolean }} IndicatorCell
 * @typedef {{ key: string, label: string, value: number | null, numerator: number | null, denominator: number | null, suppressed: boolean, byGender: IndicatorCell[] }} Indicator
 * @typedef {{ key: string, value: number | null, numerator: number | null, denominator: number | null, suppressed: boolean }} TrendIndicator
 * @typedef {{ id: string, title: string, jointGoals: string[], validFrom: string, reviewBy: string, reviewOverdue: boolean }} Agreement
 * @typedef {{ id: string, name: string, level: 'LOCAL' | 'REGIONAL', regionCode: string, municipalityCodes: string[] }} CouncilSummary
 * @typedef {CouncilSummary & { memberOrganisations: Array<{ id: string, name: string }>, agreements: Agreement[] }} CouncilDetail
 * @typedef {{ from: string, to: string, municipalityCodes: string[], sections: Record<string, Indicator[]> }} Report
 */

/** The sections of IndicatorReport, one per kind of organisation, in the order the page shows them. */
export const SECTIONS = /** @type {const} */ (['municipality', 'psychiatry', 'probation', 'clinics']);

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
 * One of the page's operations, by the hash of its document (documents/*.graphql, which the
 * gateway trusts as its own): the page never sends a document's text.
 * @param {string} token
 * @param {keyof typeof DOCUMENTS} operationName
 * @param {Record<string, unknown>} variables
 * @returns {Promise<{ data?: any, errors?: Array<{ message: string, extensions?: { code?: string } }>, status: number }>}
 */
async function post(token, operationName, variables) {
  let res;
  try {
    res = await fetch(GRAPHQL_URL, {
      method: 'POST',
      // labels in English, keyed: the page writes its own Swedish for them (i18n.js INDICATOR_SV)
      headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-language': 'en', authorization: `Bearer ${token}` },
      body: JSON.stringify({ operationName, variables, extensions: { persistedQuery: { version: 1, sha256Hash: DOCUMENTS[operationName] } } }),
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

/**
 * @param {string} token
 * @param {keyof typeof DOCUMENTS} operationName
 * @param {Record<string, unknown>} variables
 */
async function request(token, operationName, variables) {
  const res = await post(token, operationName, variables);
  if (res.status === 401) throw new ApiError(res.errors?.[0]?.message ?? 'unauthenticated', 'UNAUTHENTICATED', 401);
  const first = res.errors?.[0];
  if (first) throw new ApiError(first.message, first.extensions?.code ?? 'ERROR', res.status);
  return res.data;
}

/**
 * The caller's councils.
 * @param {string} token
 * @returns {Promise<CouncilSummary[]>}
 */
export async function councils(token) {
  const data = await request(token, 'Councils', {});
  return data.councils;
}

/**
 * A council, its agreements and its indicators over a period.
 * @param {string} token
 * @param {string} id
 * @param {string} from
 * @param {string} to
 * @returns {Promise<{ council: CouncilDetail, report: Report } | null>}
 */
export async function councilReport(token, id, from, to) {
  const data = await request(token, 'CouncilReport', { id, from, to });
  if (!data.council) return null;
  const { indicators, ...council } = data.council;
  /** @type {Record<string, Indicator[]>} */
  const sections = {};
  for (const s of SECTIONS) if (indicators[s]) sections[s] = indicators[s];
  return { council, report: { from: indicators.from, to: indicators.to, municipalityCodes: indicators.municipalityCodes, sections } };
}

/** Months per request: each is one aliased `indicators` call of documents/CouncilMonths.graphql (m0 … m11). */
export const MONTHS_PER_REQUEST = 12;

/**
 * Chosen indicators month by month: CouncilMonths asks for up to MONTHS_PER_REQUEST months in
 * one request, month j as the alias m<j>, included when $in<j> is true (m0 always is); months
 * not asked for are given m0's dates (they are not read).
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
    /** @type {Record<string, string | boolean>} */
    const variables = { id };
    for (let j = 0; j < MONTHS_PER_REQUEST; j++) {
      const m = chunk[j] ?? /** @type {{ from: string, to: string }} */ (chunk[0]);
      variables[`f${j}`] = m.from;
      variables[`t${j}`] = m.to;
      if (j > 0) variables[`in${j}`] = j < chunk.length;
    }
    const data = await request(token, 'CouncilMonths', variables);
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
