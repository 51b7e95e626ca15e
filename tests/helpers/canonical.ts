/**
 * The hub's canonical operations, over the demo data (scripts/demo-data.ts) in databases of
 * their own: what a coordinator, a probation officer, a council member and a caseworker read
 * most. The router-compatibility test runs them through Hive Gateway and Apollo's gateway;
 * `npm run bench:gateway` measures them.
 */
import { randomBytes } from 'node:crypto';
import { SUBGRAPHS } from '../../services/shared/src/env.ts';
import { dropDatabase } from '../../services/shared/src/db.ts';
import { createIssuerKeys, signToken } from '../../services/shared/src/issuer.ts';
import type { Role } from '../../services/shared/src/caller.ts';
import { addDays, stockholmDate } from '../../services/shared/src/time.ts';
import { lastDayOfMonth } from '../../services/shared/src/councils.ts';
import { seedDemo } from '../../scripts/demo-data.ts';
import { withAuditKey } from '../../services/shared/src/audit.ts';
import { startStack, type Stack } from '../../scripts/stack.ts';

export interface CanonicalOperation {
  name: string;
  /** the subgraph a direct call reaches: the operation's root field lives there */
  subgraph: 'municipality' | 'psychiatry' | 'probation';
  as: { org: string; role: Role };
  query: string;
  variables: Record<string, unknown>;
  /** the part of the operation its root subgraph answers alone (the benchmark's direct call) */
  direct: string;
}

const INDICATOR = 'key value numerator denominator suppressed byGender { group value suppressed }';

export function canonicalOperations(planId: string, today: string): CanonicalOperation[] {
  const operations: CanonicalOperation[] = [
    {
      name: 'coordinator inbox',
      subgraph: 'psychiatry',
      as: { org: 'psychiatry:19', role: 'COORDINATOR' },
      query: `query Inbox { withdrawalReferrals(first: 50) { totalCount nodes { id status overdue receivedAt assessmentDueBy
        person { id } referringOrganisation { id name } caseworker { name phone }
        placeOffer { startDate lapsesOn ward { id name } } events { at kind by } } } }`,
      variables: {},
      direct: 'same',
    },
    {
      name: 'probation caseload with plans',
      subgraph: 'probation',
      as: { org: 'probation:stockholm', role: 'PROBATION_OFFICER' },
      query: `query Caseload { contractCareOrders(first: 50) { totalCount nodes { id status courtDecisionOn endsOn nextEvaluationDueBy
        person { id } deviations { occurredOn description reportedBy { id } } evaluations { heldOn summary }
        carePlan { id kind status version goals signedByIndividual signatures { signedBy organisation { id } } } } } }`,
      variables: {},
      direct: `query Caseload { contractCareOrders(first: 50) { totalCount nodes { id status courtDecisionOn endsOn nextEvaluationDueBy
        person { id } deviations { occurredOn description reportedBy { id } } evaluations { heldOn summary } } } }`,
    },
    {
      name: 'council indicators',
      subgraph: 'municipality',
      as: { org: 'psychiatry:19', role: 'COUNCIL_MEMBER' },
      query: `query Indicators($from: Date!, $to: Date!) { council(id: "council:regional-19") { id name
        indicators(from: $from, to: $to) { from to municipalityCodes
          municipality { ${INDICATOR} } psychiatry { ${INDICATOR} } probation { ${INDICATOR} } clinics { ${INDICATOR} } } } }`,
      // the twelve whole calendar months up to the end of this one (indicators take whole months only)
      variables: { from: `${addDays(lastDayOfMonth(today), -364).slice(0, 8)}01`, to: lastDayOfMonth(today) },
      direct: `query Indicators($from: Date!, $to: Date!) { council(id: "council:regional-19") { id name
        indicators(from: $from, to: $to) { from to municipalityCodes municipality { ${INDICATOR} } } } }`,
    },
    {
      name: 'joint care plan with its referral',
      subgraph: 'municipality',
      as: { org: 'municipality:1980', role: 'CASEWORKER' },
      query: `query Plan($id: ID!) { jointCarePlan(id: $id) { id kind status version goals followUpOn
        participants { organisation { id } role name } efforts { id } signatures { signedBy signedAt }
        withdrawalReferral { id status admittedAt placeOffer { startDate ward { name } } person { id } } } }`,
      variables: { id: planId },
      direct: `query Plan($id: ID!) { jointCarePlan(id: $id) { id kind status version goals followUpOn
        participants { organisation { id } role name } efforts { id } signatures { signedBy signedAt } } }`,
    },
  ];
  return operations.map((op) => ({ ...op, direct: op.direct === 'same' ? op.query : op.direct }));
}

export interface DemoHub {
  stack: Stack;
  env: Record<string, string>;
  operations: CanonicalOperation[];
  tokenFor: (as: CanonicalOperation['as']) => Promise<string>;
  stop: () => Promise<void>;
}

/** A hub of its own over the demo data, with the canonical operations ready to send. */
export async function startDemoHub(
  postgresUrl: string,
  databasePrefix = `hub_canon_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`,
): Promise<DemoHub> {
  const issuer = await createIssuerKeys('canon-');
  const env = {
    HUB_MODE: 'development',
    HUB_JWT_ISSUER: 'https://issuer.canonical.hub',
    HUB_JWT_AUDIENCE: 'coordination-hub',
    HUB_JWKS: JSON.stringify({ keys: [issuer.publicJwk] }),
    HUB_GATEWAY_SECRET: randomBytes(32).toString('hex'),
    HUB_PERSON_ID_SECRET: randomBytes(32).toString('hex'),
    HUB_AUDIT_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    // Test files and benchmarks send many requests as one caller; tests/gateway/limits.test.ts turns the limits on.
    HUB_RATE_LIMIT_PER_MINUTE: '0',
    HUB_RATE_LIMIT_ANON_PER_MINUTE: '0',
  };
  const stack = await startStack({ postgresUrl, databasePrefix, env });
  const stop = async () => {
    await stack.stop();
    for (const s of SUBGRAPHS) await dropDatabase(postgresUrl, `${databasePrefix}_${s}`).catch(() => {});
  };
  try {
    await withAuditKey(env.HUB_AUDIT_KEY, () => seedDemo(stack.databaseUrls, env.HUB_PERSON_ID_SECRET));
    const tokenFor = (as: CanonicalOperation['as']) =>
      signToken(issuer, { org: as.org, roles: [as.role], name: `Demo ${as.role}`, issuer: env.HUB_JWT_ISSUER, audience: env.HUB_JWT_AUDIENCE });
    // The demo's withdrawal plan (an admitted Västerås referral), as its caseworker finds it.
    const res = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor({ org: 'municipality:1980', role: 'CASEWORKER' })}` },
      body: JSON.stringify({ query: '{ jointCarePlans(first: 50) { nodes { id kind } } }' }),
    });
    const plans = ((await res.json()) as { data?: { jointCarePlans: { nodes: Array<{ id: string; kind: string }> } } }).data?.jointCarePlans.nodes ?? [];
    const plan = plans.find((p) => p.kind === 'WITHDRAWAL');
    if (!plan) throw new Error('the demo data has no withdrawal plan for Västerås');
    return { stack, env, operations: canonicalOperations(plan.id, stockholmDate(new Date())), tokenFor, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
