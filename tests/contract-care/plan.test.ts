/**
 * Contract care end to end through the gateway: the probation
 * office registers the order; social services draws up the treatment plan
 * on the client's consent with the clinic (the care provider) and the
 * probation office; each adds its own effort; the plan becomes ACTIVE only
 * when the individual, social services, the care provider and the probation
 * service have all signed the current version; the probation officer sees
 * the order with the plan and every party's efforts; the clinic reports a
 * deviation that the office sees on its next request; the office records
 * an evaluation.
 */
import { describe, expect, it } from 'vitest';
import { gql, type As } from '../helpers/hub.ts';
import { contractCarePlan, recordConsent } from '../helpers/plans.ts';
import { register } from '../helpers/probation.ts';

const officer: As = { org: 'probation:stockholm', roles: ['PROBATION_OFFICER'], sub: 'petra', name: 'Petra Frivård' };
const caseworker: As = { org: 'municipality:0180', roles: ['CASEWORKER'], sub: 'cecilia', name: 'Cecilia Handläggare' };
const clinic: As = { org: 'clinic:0180-sodermalm', roles: ['CLINIC_STAFF'], sub: 'lina', name: 'Lina Mottagning' };
const otherOffice: As = { org: 'probation:vasteras', roles: ['PROBATION_OFFICER'] };

const PLAN =
  'id status version missingSignatures signedByIndividual signatures { signedBy asIndividual organisation { id } } efforts { organisation { id } description }';

describe('a contract-care plan signed by all four parties', () => {
  it('goes from draft to active, is followed by the probation officer, and carries deviations and evaluations', async () => {
    const { input, order } = await register(officer, { partnerOrganisationIds: ['municipality:0180', 'clinic:0180-sodermalm'] });
    const consent = await recordConsent(caseworker, input.personnummer, ['municipality:0180', 'clinic:0180-sodermalm', 'probation:stockholm']);
    const created = await gql(
      `mutation($i: JointCarePlanInput!) { createJointCarePlan(input: $i) { ${PLAN} } }`,
      {
        i: contractCarePlan(
          { personnummer: input.personnummer, consentId: consent.id, orderId: order.id },
          ['Drogfrihet under kontraktstiden', 'Sysselsättning'],
          'Klient Klientsson',
          ['municipality:0180', 'caseworker', 'Cecilia Handläggare'],
          ['clinic:0180-sodermalm', 'care provider', 'Lina Mottagning'],
          ['probation:stockholm', 'probation officer', 'Petra Frivård'],
        ),
      },
      { as: caseworker },
    );
    expect(created.errors).toBeUndefined();
    const planId = created.data!.createJointCarePlan.id;
    expect(created.data!.createJointCarePlan.missingSignatures).toEqual(['the individual', 'social services', 'the care provider', 'the probation service']);

    // Each organisation adds its own effort: versions 2 and 3.
    const effort = (as: As, v: number, d: string) =>
      gql(
        `mutation($id: ID!) { addCarePlanEffort(planId: $id, expectedVersion: ${v}, input: { description: "${d}", responsible: "${as.name}" }) { version } }`,
        { id: planId },
        { as },
      );
    expect((await effort(clinic, 1, 'Behandling tre dagar i veckan')).data!.addCarePlanEffort.version).toBe(2);
    expect((await effort(officer, 2, 'Kontaktsamtal varannan vecka')).data!.addCarePlanEffort.version).toBe(3);

    const sign = (as: As, signedBy: string, asIndividual = false) =>
      gql(
        `mutation($id: ID!) { signJointCarePlan(id: $id, version: 3, signedBy: "${signedBy}", asIndividual: ${asIndividual}) { ${PLAN} } }`,
        { id: planId },
        { as },
      );
    expect((await sign(caseworker, 'Klient Klientsson', true)).data!.signJointCarePlan).toMatchObject({
      status: 'DRAFT',
      missingSignatures: ['social services', 'the care provider', 'the probation service'],
    });
    expect((await sign(caseworker, 'Cecilia Handläggare')).data!.signJointCarePlan).toMatchObject({
      status: 'DRAFT',
      missingSignatures: ['the care provider', 'the probation service'],
    });
    expect((await sign(clinic, 'Lina Mottagning')).data!.signJointCarePlan).toMatchObject({ status: 'DRAFT', missingSignatures: ['the probation service'] });
    const active = (await sign(officer, 'Petra Frivård')).data!.signJointCarePlan;
    expect(active).toMatchObject({ status: 'ACTIVE', version: 3, missingSignatures: [], signedByIndividual: true });
    expect(
      active.signatures.map((s: { organisation: { id: string } | null; asIndividual: boolean }) => (s.asIndividual ? 'individual' : s.organisation!.id)),
    ).toEqual(['individual', 'municipality:0180', 'clinic:0180-sodermalm', 'probation:stockholm']);
    // Signing twice on behalf of the same organisation is refused.
    const twice = await sign(officer, 'Petra Frivård');
    expect(twice.errors![0]!).toMatchObject({ message: 'Frivården Stockholm has already signed version 3.', extensions: { code: 'CONFLICT' } });

    // The clinic reports a deviation; the office sees it on its next request, with the plan and every party's efforts.
    const deviation = await gql(
      'mutation($id: ID!, $on: Date!) { reportContractCareDeviation(orderId: $id, occurredOn: $on, description: "Uteblev från behandling") { id reportedBy { id } } }',
      { id: order.id, on: input.courtDecisionOn },
      { as: clinic },
    );
    expect(deviation.data!.reportContractCareDeviation.reportedBy).toEqual({ id: 'clinic:0180-sodermalm' });
    const evaluation = await gql(
      'mutation($id: ID!, $on: Date!) { recordContractCareEvaluation(orderId: $id, heldOn: $on, summary: "Följer planen") { id heldOn } }',
      { id: order.id, on: input.courtDecisionOn },
      { as: officer },
    );
    expect(evaluation.errors).toBeUndefined();

    const seen = await gql(
      `query($id: ID!) { contractCareOrder(id: $id) { status nextEvaluationDueBy deviations { description reportedBy { id } } evaluations { summary }
        carePlan { status version efforts { organisation { id } description } } } }`,
      { id: order.id },
      { as: officer },
    );
    expect(seen.errors).toBeUndefined();
    expect(seen.data!.contractCareOrder).toMatchObject({
      status: 'ACTIVE',
      deviations: [{ description: 'Uteblev från behandling', reportedBy: { id: 'clinic:0180-sodermalm' } }],
      evaluations: [{ summary: 'Följer planen' }],
      carePlan: {
        status: 'ACTIVE',
        version: 3,
        efforts: [
          { organisation: { id: 'clinic:0180-sodermalm' }, description: 'Behandling tre dagar i veckan' },
          { organisation: { id: 'probation:stockholm' }, description: 'Kontaktsamtal varannan vecka' },
        ],
      },
    });

    // Another probation office sees neither the order nor the plan.
    const other = await gql(
      'query($o: ID!, $p: ID!) { contractCareOrder(id: $o) { id } jointCarePlan(id: $p) { id } }',
      { o: order.id, p: planId },
      { as: otherOffice },
    );
    expect(other.data).toEqual({ contractCareOrder: null, jointCarePlan: null });
  });
});
