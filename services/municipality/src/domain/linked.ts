/**
 * A plan links to another organisation's record (psychiatry's withdrawal referral, probation's
 * contract-care order). Before a plan is drawn up on such a record, the subgraph that owns it is
 * asked, as the caller, whether the caller may see it: a signed request like the gateway's
 * (services/shared/src/signing.ts), with the caller's own token and clock, to the owner's
 * ordinary query. The owner's policy decides and audits the read; social services never
 * judges another organisation's record.
 *
 * A record the caller may not see gives exactly the NOT_FOUND of one that does not exist
 * (same message, same code, same field), and nothing is written: a plan cannot be squatted on
 * another organisation's record, and whether its id exists is not told.
 */
import { signRequest } from '../../../shared/src/signing.ts';
import { badInput, conflict, HubError, type Wording } from '../../../shared/src/errors.ts';
import { isUuid } from '../../../shared/src/ids.ts';
import { passedOnHeaders } from '../../../shared/src/request-log.ts';
import type { SubgraphName } from '../../../shared/src/env.ts';
import type { MunicipalityContext } from '../context.ts';
import { t } from '../../../shared/src/i18n.ts';

type Ctx = MunicipalityContext;

export type LinkedKind = 'WITHDRAWAL_REFERRAL' | 'CONTRACT_CARE_ORDER';

const LINKS: Record<LinkedKind, { owner: SubgraphName; field: string; query: string; root: string; what: Wording }> = {
  WITHDRAWAL_REFERRAL: {
    owner: 'psychiatry',
    field: 'input.withdrawalReferralId',
    root: 'withdrawalReferral',
    query: 'query LinkedReferral($id: ID!) { withdrawalReferral(id: $id) { id status person { id } } }',
    what: t`withdrawal referral`,
  },
  CONTRACT_CARE_ORDER: {
    owner: 'probation',
    field: 'input.contractCareOrderId',
    root: 'contractCareOrder',
    query: 'query LinkedOrder($id: ID!) { contractCareOrder(id: $id) { id person { id } } }',
    what: t`contract-care order`,
  },
};

/** The one answer for a record that does not exist and for one the caller may not see. */
export function linkedNotFound(kind: LinkedKind): HubError {
  const link = LINKS[kind];
  return new HubError('NOT_FOUND', t`There is no ${link.what} with that id that you may see.`, { field: link.field });
}

/** Codes with which the owner says, in effect, "not for you": treated as not found. */
const NOT_VISIBLE_CODES = new Set(['NOT_FOUND', 'FORBIDDEN', 'BAD_USER_INPUT']);

interface LinkedRecord {
  id: string;
  /** a withdrawal referral's status */
  status?: string;
  person: { id: string } | null;
}

/** A referral's statuses on which no withdrawal plan can be drawn up, and why (rules.md: the pathway ends there). */
const NO_PLAN_ON: Record<string, Wording> = {
  NOT_NEEDED: t`The referral group found that withdrawal treatment is not needed, so there is no withdrawal plan to draw up for this referral.`,
  WITHDRAWN: t`The request was withdrawn, so there is no withdrawal plan to draw up for this referral.`,
};

interface OwnerAnswer {
  data?: Record<string, LinkedRecord | null> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** Asks the owning subgraph, as the caller, for the record; null when the caller may not see it (or it does not exist). */
async function askOwner(ctx: Ctx, kind: LinkedKind, id: string): Promise<LinkedRecord | null> {
  const link = LINKS[kind];
  const url = ctx.config.linkedUrls[link.owner];
  if (!url) throw new Error(`no URL for the ${link.owner} subgraph`);
  const body = JSON.stringify({ query: link.query, variables: { id } });
  const { authorization, clock, language } = ctx.forwarded;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...signRequest(ctx.config.gatewaySecret, { method: 'POST', target: link.owner, path: new URL(url).pathname, body, authorization, clock, language }),
    ...(authorization ? { authorization } : {}),
    ...(clock ? { 'x-hub-clock': clock } : {}),
    ...(language ? { 'accept-language': language } : {}),
    ...passedOnHeaders(),
  };
  const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
  const answer = (await res.json()) as OwnerAnswer;
  const codes = (answer.errors ?? []).map((e) => e.extensions?.code ?? '');
  if (codes.length > 0 && codes.every((c) => NOT_VISIBLE_CODES.has(c))) return null;
  if (!res.ok || codes.length > 0) {
    ctx.log.error({ owner: link.owner, status: res.status, codes }, 'linked record check failed');
    throw new Error(`the ${link.owner} subgraph did not answer the linked-record check`);
  }
  return answer.data?.[link.root] ?? null;
}

/**
 * The linked record, checked in its owner before anything is written: visible to the caller
 * (else NOT_FOUND as for an id that does not exist), about the plan's person, and for a
 * referral one whose pathway goes on (not found NOT_NEEDED, not withdrawn: CONFLICT).
 */
export async function requireLinkedRecord(ctx: Ctx, kind: LinkedKind, id: string, personId: string): Promise<void> {
  if (!isUuid(id)) throw linkedNotFound(kind);
  const record = await askOwner(ctx, kind, id);
  if (!record || record.id !== id) throw linkedNotFound(kind);
  if (record.person?.id !== personId) {
    throw badInput(LINKS[kind].field, t`The ${LINKS[kind].what} is about another person than the plan; a plan belongs to a record about its own person.`);
  }
  const ended = kind === 'WITHDRAWAL_REFERRAL' && record.status ? NO_PLAN_ON[record.status] : undefined;
  if (ended) throw conflict(ended, { field: LINKS[kind].field, status: record.status });
}
