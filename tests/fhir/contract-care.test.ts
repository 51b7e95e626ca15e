/**
 * A contract-care plan (kontraktsvård) as a FHIR R4 bundle through the
 * gateway: a CarePlan of kind CONTRACT_CARE naming the court order, the four
 * parties' efforts as activities, the signatures as Provenance, active only
 * when all four have signed; the probation officer gets it as the plan's
 * participant, through the order, and the same bundle by the direct query.
 */
import { describe, expect, it } from 'vitest';
import { checkedBundle, resolve, resourcesOf } from '../helpers/fhir.ts';
import { gql, type As } from '../helpers/hub.ts';
import { contractCarePlan, recordConsent } from '../helpers/plans.ts';
import { ok, register } from '../helpers/probation.ts';
import { fhirId } from '../../services/shared/src/fhir.ts';

const officer: As = { org: 'probation:stockholm', roles: ['PROBATION_OFFICER'], sub: 'petra', name: 'Petra Frivård' };
const caseworker: As = { org: 'municipality:0180', roles: ['CASEWORKER'], sub: 'cecilia', name: 'Cecilia Handläggare' };
const clinic: As = { org: 'clinic:0180-sodermalm', roles: ['CLINIC_STAFF'], sub: 'lina', name: 'Lina Mottagning' };
const otherOffice: As = { org: 'probation:vasteras', roles: ['PROBATION_OFFICER'], sub: 'olle', name: 'Olle Annan' };

describe('a contract-care plan as a FHIR R4 bundle', () => {
  it('is a CarePlan naming the order, with every party’s effort and signature, active once all four have signed', async () => {
    const { input, order } = await register(officer, { partnerOrganisationIds: ['municipality:0180', 'clinic:0180-sodermalm'] });
    const consent = await recordConsent(caseworker, input.personnummer, ['municipality:0180', 'clinic:0180-sodermalm', 'probation:stockholm']);
    const planId = ok(
      await gql(
        'mutation($i: JointCarePlanInput!) { createJointCarePlan(input: $i) { id } }',
        {
          i: contractCarePlan(
            { personnummer: input.personnummer, consentId: consent.id, orderId: order.id },
            ['Drogfrihet under kontraktstiden'],
            'Klient Klientsson',
            ['municipality:0180', 'caseworker', 'Cecilia Handläggare'],
            ['clinic:0180-sodermalm', 'care provider', 'Lina Mottagning'],
            ['probation:stockholm', 'probation officer', 'Petra Frivård'],
          ),
        },
        { as: caseworker },
      ),
    ).createJointCarePlan.id as string;
    const effort = (as: As, v: number, d: string) =>
      gql(
        `mutation($id: ID!) { addCarePlanEffort(planId: $id, expectedVersion: ${v}, input: { description: "${d}", responsible: "${as.name}" }) { version } }`,
        { id: planId },
        { as },
      );
    ok(await effort(clinic, 1, 'Behandling tre dagar i veckan'));
    ok(await effort(officer, 2, 'Kontaktsamtal varannan vecka'));
    const sign = async (as: As, signedBy: string, asIndividual = false) =>
      ok(
        await gql(
          `mutation($id: ID!) { signJointCarePlan(id: $id, version: 3, signedBy: "${signedBy}", asIndividual: ${asIndividual}) { id } }`,
          { id: planId },
          { as },
        ),
      );
    await sign(caseworker, 'Klient Klientsson', true);
    await sign(caseworker, 'Cecilia Handläggare');
    await sign(clinic, 'Lina Mottagning');

    const bundleAs = async (as: As) =>
      checkedBundle(ok(await gql('query($id: ID!) { jointCarePlan(id: $id) { fhirBundle } }', { id: planId }, { as })).jointCarePlan.fhirBundle);
    // three of four signatures: still a draft
    expect(resourcesOf(await bundleAs(officer), 'CarePlan')[0]!.status).toBe('draft');
    await sign(officer, 'Petra Frivård');

    const b = await bundleAs(officer);
    const [carePlan] = resourcesOf(b, 'CarePlan');
    expect(carePlan).toMatchObject({
      id: fhirId('CarePlan', planId),
      status: 'active',
      category: [{ coding: [{ system: 'urn:coordination-hub:status:CarePlanKind', code: 'CONTRACT_CARE' }] }],
      supportingInfo: [{ identifier: { system: 'urn:coordination-hub:record:ContractCareOrder', value: order.id } }],
      title: 'Behandlingsplan, kontraktsvård (contract-care plan), version 3',
    });
    expect(carePlan!.contributor.map((c: { reference: string }) => resolve(b, c).identifier[0].value)).toEqual([
      'municipality:0180',
      'clinic:0180-sodermalm',
      'probation:stockholm',
    ]);
    expect(
      carePlan!.activity.map((a: { detail: { code: { text: string }; status: string; performer: Array<{ reference?: string; display?: string }> } }) => [
        a.detail.code.text,
        a.detail.status,
        resolve(b, a.detail.performer[0]).identifier[0].value,
        a.detail.performer[1]!.display,
      ]),
    ).toEqual([
      ['Behandling tre dagar i veckan', 'in-progress', 'clinic:0180-sodermalm', 'Lina Mottagning'],
      ['Kontaktsamtal varannan vecka', 'in-progress', 'probation:stockholm', 'Petra Frivård'],
    ]);
    expect(
      resourcesOf(b, 'Provenance').map((p) => [
        p.agent[0].who.display,
        p.agent[0].onBehalfOf ? resolve(b, p.agent[0].onBehalfOf).identifier[0].value : null,
        p.signature[0].type[0].code,
      ]),
    ).toEqual([
      ['Klient Klientsson', null, '1.2.840.10065.1.12.1.7'],
      ['Cecilia Handläggare', 'municipality:0180', '1.2.840.10065.1.12.1.1'],
      ['Lina Mottagning', 'clinic:0180-sodermalm', '1.2.840.10065.1.12.1.1'],
      ['Petra Frivård', 'probation:stockholm', '1.2.840.10065.1.12.1.1'],
    ]);
    expect(resourcesOf(b, 'Organization').map((o) => o.type[0].coding[0].code)).toEqual(['govt', 'prov', 'govt']);

    // through the order, the same bundle; another probation office gets neither
    const viaOrder = ok(await gql('query($id: ID!) { contractCareOrder(id: $id) { carePlan { fhirBundle } } }', { id: order.id }, { as: officer }));
    expect(JSON.parse(viaOrder.contractCareOrder.carePlan.fhirBundle).entry).toEqual(b.entry);
    const other = await gql('query($id: ID!) { jointCarePlan(id: $id) { fhirBundle } }', { id: planId }, { as: otherOffice });
    expect(JSON.stringify(other)).not.toContain(fhirId('CarePlan', planId));
    const record = await gql('query($id: ID!) { jointCarePlan(id: $id) { id } }', { id: planId }, { as: otherOffice });
    expect(other.data).toEqual(record.data);
    expect(other.data).toEqual({ jointCarePlan: null });
    expect(other.errors?.map((e) => e.extensions?.code)).toEqual(record.errors?.map((e) => e.extensions?.code));
  });
});
