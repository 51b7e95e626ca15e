/**
 * Batching across subgraphs: a probation officer's list of orders
 * with each order's contract-care plan (from social services), its efforts,
 * participants and organisations costs the same number of SQL statements in
 * each subgraph for 5 orders as for 50. The gateway's development extension
 * reports the statements each subgraph ran for the request.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, type As } from '../helpers/hub.ts';
import { contractCarePlan, recordConsent } from '../helpers/plans.ts';
import { register } from '../helpers/probation.ts';

const officer: As = { org: 'probation:vasteras', roles: ['PROBATION_OFFICER'], sub: 'po-batching', name: 'Petra Frivård' };
const caseworker: As = { org: 'municipality:1980', roles: ['CASEWORKER'], sub: 'cw-batching', name: 'Anna' };
const partners = ['municipality:1980', 'psychiatry:19'];

const LIST = `query($n: Int!) { contractCareOrders(first: $n) { nodes {
  id status courtDecisionOn partnerOrganisations { id name } person { id }
  carePlan { id status version participants { organisation { id name } role }
    efforts { organisation { id name agency } description } consent { active organisations { id } } }
} } }`;

const mine = new Set<string>();

beforeAll(async () => {
  // 50 orders of this office, each with a contract-care plan; every fifth plan with an effort.
  for (let i = 0; i < 50; i++) {
    const { input, order } = await register(officer, { partnerOrganisationIds: partners });
    mine.add(order.id);
    const consent = await recordConsent(caseworker, input.personnummer, ['municipality:1980', 'psychiatry:19', 'probation:vasteras']);
    const plan = await gql(
      'mutation($i: JointCarePlanInput!) { createJointCarePlan(input: $i) { id } }',
      {
        i: contractCarePlan(
          { personnummer: input.personnummer, consentId: consent.id, orderId: order.id },
          ['Fullföljd behandling'],
          'Klient',
          ['municipality:1980', 'caseworker', 'Anna'],
          ['psychiatry:19', 'physician', 'Erik'],
          ['probation:vasteras', 'probation officer', 'Petra'],
        ),
      },
      { as: caseworker },
    );
    expect(plan.errors).toBeUndefined();
    if (i % 5 === 0) {
      const e = await gql(
        'mutation($id: ID!) { addCarePlanEffort(planId: $id, expectedVersion: 1, input: { description: "Veckovisa samtal", responsible: "Petra" }) { id } }',
        { id: plan.data!.createJointCarePlan.id },
        { as: officer },
      );
      expect(e.errors).toBeUndefined();
    }
  }
}, 120_000);

describe("a probation officer's list of orders with their plans", () => {
  it('costs the same SQL statements per subgraph for 5 orders as for 50', async () => {
    const five = await gql(LIST, { n: 5 }, { as: officer });
    const fifty = await gql(LIST, { n: 50 }, { as: officer });
    expect(five.errors).toBeUndefined();
    expect(fifty.errors).toBeUndefined();
    expect(five.data!.contractCareOrders.nodes).toHaveLength(5);
    expect(fifty.data!.contractCareOrders.nodes).toHaveLength(50);
    // both pages are the office's orders registered here, each with its plan
    for (const page of [five, fifty]) {
      expect(
        page.data!.contractCareOrders.nodes.every((o: { id: string; carePlan: { status: string } | null }) => mine.has(o.id) && o.carePlan?.status === 'DRAFT'),
      ).toBe(true);
    }
    const figures = (res: typeof five) => res.extensions!.hub.subgraphs as Record<string, { requests: number; sqlStatements: number }>;
    expect(figures(fifty)).toEqual(figures(five));
    // one request to each of the two subgraphs, and a handful of statements each
    expect(Object.keys(figures(five)).sort()).toEqual(['municipality', 'probation']);
    expect(figures(five).probation!.requests).toBe(1);
    expect(figures(five).municipality!.requests).toBe(1);
    console.log('statements for 5 and for 50 orders with plans:', JSON.stringify(figures(fifty)));
  });
});
