/**
 * The individual takes part (issue 16): the individual's signature records how it was given (on
 * paper with the document attached, electronically with the identity provider's assertion kept,
 * by a named legal representative) and is recorded only by the organisation that owns the plan,
 * with audit; relatives take part with their relation. Through the gateway.
 */
import { describe, expect, it } from 'vitest';
import { gql, ok, refused, withSql, type As } from '../helpers/hub.ts';
import { PDF, send } from '../helpers/documents.ts';
import { personnummer } from '../helpers/people.ts';
import { caseworkerSthlm, clinicStaff, createPlan, participants, recordConsent, sip } from '../helpers/plans.ts';
import { caseworker1980 } from '../helpers/withdrawal.ts';

const SIGN = `mutation($id: ID!, $v: Int!, $by: String!, $ind: Boolean!, $how: IndividualSignatureInput) {
  signJointCarePlan(id: $id, version: $v, signedBy: $by, asIndividual: $ind, individualSignature: $how) {
    status signedByIndividual signatures { signedBy asIndividual how representativeName documentOnFile assertionOnFile organisation { id } } } }`;
const SIGNATURES = `query($id: ID!) { jointCarePlan(id: $id) { signatures { signedBy asIndividual how representativeName documentOnFile assertionOnFile } } }`;
const UPLOAD = `mutation($id: ID!, $size: Int!) { createPlanDocumentUpload(planId: $id, kind: SIGNED_PLAN, fileName: "SIP signerad.pdf", contentType: "application/pdf", size: $size) { documentId url } }`;

const logReviewer: As = { org: 'municipality:0180', roles: ['LOG_REVIEWER'], sub: 'log-sthlm', name: 'Lars Logg' };

/** A SIP of Stockholm's social services with the Södermalm clinic. */
async function plan(extra: Record<string, unknown> = {}) {
  const pnr = personnummer();
  const consent = await recordConsent(caseworkerSthlm, pnr, ['municipality:0180', 'clinic:0180-sodermalm']);
  return ok(await createPlan(caseworkerSthlm, sip(pnr, consent.id, extra))).createJointCarePlan.id as string;
}

async function signedPaper(planId: string): Promise<string> {
  const up = ok(await gql(UPLOAD, { id: planId, size: PDF.length }, { as: caseworkerSthlm })).createPlanDocumentUpload as { documentId: string; url: string };
  const res = await send(up.url, { as: caseworkerSthlm, body: PDF, contentType: 'application/pdf' });
  expect(res.status, res.bytes.toString()).toBe(201);
  return up.documentId;
}

const signAudit = (planId: string) =>
  withSql(
    'municipality',
    (sql) => sql`select action, entity, user_id, fields from audit_event where entity_ids @> array[${planId}]::text[] and action = 'SIGN' order by seq`,
  ) as Promise<Array<Record<string, unknown>>>;

const electronic = { how: 'ELECTRONIC_ID', assertion: '<saml:Assertion ID="a1">…</saml:Assertion>' };

describe("who records the individual's signature", () => {
  const cases: Array<[who: string, as: As, code: string | null]> = [
    ['the owner organisation', caseworkerSthlm, null],
    ['a participating organisation', clinicStaff, 'FORBIDDEN'],
    ['an organisation not on the plan', caseworker1980, 'NOT_FOUND'],
    ['a role of the owner without plan.write', logReviewer, 'FORBIDDEN'],
  ];
  it.each(cases)('%s', async (_who, as, code) => {
    const id = await plan();
    for (const how of [electronic, null]) {
      const res = await gql(SIGN, { id, v: 1, by: 'Kim Klient', ind: true, how }, { as });
      if (code === null) {
        expect(ok(res).signJointCarePlan.signedByIndividual).toBe(true);
        break; // signed once; the second would be a CONFLICT
      }
      refused(res, code);
    }
    const signatures = ok(await gql(SIGNATURES, { id }, { as: caseworkerSthlm })).jointCarePlan.signatures;
    expect(signatures).toEqual(
      code === null
        ? [{ signedBy: 'Kim Klient', asIndividual: true, how: 'ELECTRONIC_ID', representativeName: null, documentOnFile: false, assertionOnFile: true }]
        : [],
    );
  });

  it('a participant still signs for its own organisation', async () => {
    const id = await plan();
    const signed = ok(await gql(SIGN, { id, v: 1, by: 'Lina Mottagning', ind: false }, { as: clinicStaff })).signJointCarePlan;
    expect(signed.signatures).toEqual([
      {
        signedBy: 'Lina Mottagning',
        asIndividual: false,
        how: null,
        representativeName: null,
        documentOnFile: false,
        assertionOnFile: false,
        organisation: { id: 'clinic:0180-sodermalm' },
      },
    ]);
  });
});

describe('how the individual signed', () => {
  it('on paper with the signed document, electronically with the assertion, by a named representative; each audited with how', async () => {
    const paperPlan = await plan();
    const doc = await signedPaper(paperPlan);
    const paper = ok(
      await gql(SIGN, { id: paperPlan, v: 1, by: 'Kim Klient', ind: true, how: { how: 'IN_PERSON_PAPER', documentId: doc } }, { as: caseworkerSthlm }),
    );
    expect(paper.signJointCarePlan.signatures).toEqual([
      {
        signedBy: 'Kim Klient',
        asIndividual: true,
        how: 'IN_PERSON_PAPER',
        representativeName: null,
        documentOnFile: true,
        assertionOnFile: false,
        organisation: null,
      },
    ]);
    expect(await signAudit(paperPlan)).toEqual([
      { action: 'SIGN', entity: 'JointCarePlan', user_id: 'cw-sthlm', fields: ['individual', 'how:IN_PERSON_PAPER'] },
    ]);

    const electronicPlan = await plan();
    const e = ok(await gql(SIGN, { id: electronicPlan, v: 1, by: 'Kim Klient', ind: true, how: electronic }, { as: caseworkerSthlm }));
    expect(e.signJointCarePlan.signatures[0]).toMatchObject({ how: 'ELECTRONIC_ID', assertionOnFile: true, documentOnFile: false });
    expect(JSON.stringify(e)).not.toContain('saml:Assertion');
    const stored = await withSql('municipality', (sql) => sql`select assertion from care_plan_signature where plan_id = ${electronicPlan}`);
    expect(stored).toEqual([{ assertion: electronic.assertion }]);
    expect(await signAudit(electronicPlan)).toEqual([
      { action: 'SIGN', entity: 'JointCarePlan', user_id: 'cw-sthlm', fields: ['individual', 'how:ELECTRONIC_ID'] },
    ]);

    const representedPlan = await plan();
    const r = ok(
      await gql(
        SIGN,
        { id: representedPlan, v: 1, by: 'Kim Klient', ind: true, how: { how: 'LEGAL_REPRESENTATIVE', representativeName: ' Gun Godman ' } },
        { as: caseworkerSthlm },
      ),
    );
    expect(r.signJointCarePlan).toMatchObject({ status: 'ACTIVE', signedByIndividual: true });
    expect(r.signJointCarePlan.signatures[0]).toMatchObject({
      how: 'LEGAL_REPRESENTATIVE',
      representativeName: 'Gun Godman',
      documentOnFile: false,
      assertionOnFile: false,
    });
  });

  const problems: Array<[what: string, how: Record<string, unknown> | 'FOREIGN_DOCUMENT', asIndividual: boolean, field: string, message: string]> = [
    [
      'paper without its document',
      { how: 'IN_PERSON_PAPER' },
      true,
      'individualSignature.documentId',
      'A signature on paper needs the signed paper: upload it to the plan and give its documentId.',
    ],
    [
      'paper with a document of another plan',
      'FOREIGN_DOCUMENT',
      true,
      'individualSignature.documentId',
      'is not a document of this plan; upload the signed paper to the plan first.',
    ],
    [
      'electronic without the assertion',
      { how: 'ELECTRONIC_ID' },
      true,
      'individualSignature.assertion',
      "An electronic signature needs the identity provider's assertion.",
    ],
    [
      'electronic with an empty assertion',
      { how: 'ELECTRONIC_ID', assertion: '  ' },
      true,
      'individualSignature.assertion',
      'The assertion must not be empty.',
    ],
    [
      'electronic with too long an assertion',
      { how: 'ELECTRONIC_ID', assertion: 'x'.repeat(8_001) },
      true,
      'individualSignature.assertion',
      'The assertion must be at most 8000 characters.',
    ],
    [
      'a representative without a name',
      { how: 'LEGAL_REPRESENTATIVE' },
      true,
      'individualSignature.representativeName',
      "A signature by a legal representative needs the representative's name.",
    ],
    [
      'a representative with too long a name',
      { how: 'LEGAL_REPRESENTATIVE', representativeName: 'n'.repeat(201) },
      true,
      'individualSignature.representativeName',
      "The representative's name must be at most 200 characters.",
    ],
    [
      "an assertion on a representative's signature",
      { how: 'LEGAL_REPRESENTATIVE', representativeName: 'Gun', assertion: 'a' },
      true,
      'individualSignature.assertion',
      'assertion is given only when how is ELECTRONIC_ID.',
    ],
    ['how, on an organisation signature', electronic, false, 'individualSignature', 'How the individual signed is given only with asIndividual true.'],
  ];
  it.each(problems)('%s is refused with its field, and nothing is signed', async (_what, how, asIndividual, field, message) => {
    const id = await plan();
    const input = how === 'FOREIGN_DOCUMENT' ? { how: 'IN_PERSON_PAPER', documentId: await signedPaper(await plan()) } : how;
    const e = refused(await gql(SIGN, { id, v: 1, by: 'Kim Klient', ind: asIndividual, how: input }, { as: caseworkerSthlm }), 'BAD_USER_INPUT', field);
    if (how === 'FOREIGN_DOCUMENT') expect(e.message).toBe(`${input.documentId as string} ${message}`);
    else expect(e.message).toBe(message);
    expect(ok(await gql(SIGNATURES, { id }, { as: caseworkerSthlm })).jointCarePlan.signatures).toEqual([]);
    expect(await signAudit(id)).toEqual([]);
  });
});

describe('relatives', () => {
  const PARTICIPANTS = `query($id: ID!) { jointCarePlan(id: $id) { participants { role name relation organisation { id } } } }`;

  it('a relative takes part with their relation, shown on the plan', async () => {
    const id = await plan({
      participants: [
        ...participants('Kim Klient', ['municipality:0180', 'caseworker', 'Cecilia Handläggare'], ['clinic:0180-sodermalm', 'nurse', 'Lina Mottagning']),
        { role: 'relative', name: 'Rut Klient', relation: ' mother ' },
      ],
    });
    expect(ok(await gql(PARTICIPANTS, { id }, { as: clinicStaff })).jointCarePlan.participants).toEqual([
      { role: 'individual', name: 'Kim Klient', relation: null, organisation: null },
      { role: 'caseworker', name: 'Cecilia Handläggare', relation: null, organisation: { id: 'municipality:0180' } },
      { role: 'nurse', name: 'Lina Mottagning', relation: null, organisation: { id: 'clinic:0180-sodermalm' } },
      { role: 'relative', name: 'Rut Klient', relation: 'mother', organisation: null },
    ]);
  });

  const bad: Array<[what: string, participant: Record<string, unknown>, message: string]> = [
    [
      'a relation on staff',
      { organisationId: 'clinic:0180-sodermalm', role: 'relative', name: 'Lina', relation: 'sister' },
      'Only a participant with the role "relative" and no organisation has a relation to the individual.',
    ],
    [
      'a relation on another role',
      { role: 'friend', name: 'Bo', relation: 'neighbour' },
      'Only a participant with the role "relative" and no organisation has a relation to the individual.',
    ],
    ['an empty relation', { role: 'relative', name: 'Rut', relation: ' ' }, 'The relation must not be empty.'],
    ['too long a relation', { role: 'relative', name: 'Rut', relation: 'm'.repeat(101) }, 'The relation must be at most 100 characters.'],
  ];
  it.each(bad)('%s is refused with its field', async (_what, participant, message) => {
    const pnr = personnummer();
    const consent = await recordConsent(caseworkerSthlm, pnr, ['municipality:0180', 'clinic:0180-sodermalm']);
    const list = [...participants('Kim Klient', ['municipality:0180', 'caseworker', 'Cecilia Handläggare']), participant];
    const e = refused(await createPlan(caseworkerSthlm, sip(pnr, consent.id, { participants: list })), 'BAD_USER_INPUT', 'input.participants[2].relation');
    expect(e.message).toBe(message);
  });
});

describe("the individual's view and request to end the plan", () => {
  const VIEW = `mutation($id: ID!, $text: String!) { recordIndividualView(planId: $id, text: $text) { id version individualViews { text recordedBy organisation { id } } } }`;
  const END = `mutation($id: ID!, $reason: String!) { requestPlanEnd(planId: $id, reason: $reason) { id status endRequests { text recordedBy organisation { id } } } }`;
  const VOICES = `query($id: ID!) { jointCarePlan(id: $id) { status individualViews { text recordedBy recordedAt organisation { id } } endRequests { text recordedBy organisation { id } } } }`;
  const audit = (planId: string) =>
    withSql(
      'municipality',
      (sql) =>
        sql`select action, user_id from audit_event where entity_ids @> array[${planId}]::text[] and action in ('INDIVIDUAL_VIEW', 'END_REQUEST') order by seq`,
    ) as Promise<Array<Record<string, unknown>>>;

  it('views are recorded by whoever may change the plan and the end request by the owner; both listed on the plan and audited', async () => {
    const id = await plan();
    const clock = '2026-06-01T12:00:00+02:00';
    ok(await gql(VIEW, { id, text: ' Jag vill bo kvar hemma. ' }, { as: caseworkerSthlm, clock }));
    const second = ok(
      await gql(VIEW, { id, text: 'Behandlingen känns för tät.' }, { as: clinicStaff, clock: '2026-06-02T12:00:00+02:00' }),
    ).recordIndividualView;
    expect(second.version).toBe(1);
    expect(second.individualViews).toEqual([
      { text: 'Jag vill bo kvar hemma.', recordedBy: 'Cecilia Handläggare', organisation: { id: 'municipality:0180' } },
      { text: 'Behandlingen känns för tät.', recordedBy: 'Lina Mottagning', organisation: { id: 'clinic:0180-sodermalm' } },
    ]);
    refused(await gql(END, { id, reason: 'Vill avsluta' }, { as: clinicStaff }), 'FORBIDDEN');
    refused(await gql(END, { id, reason: 'Vill avsluta' }, { as: caseworker1980 }), 'NOT_FOUND');
    refused(await gql(VIEW, { id, text: 'x' }, { as: caseworker1980 }), 'NOT_FOUND');
    refused(await gql(VIEW, { id, text: 'x' }, { as: logReviewer }), 'FORBIDDEN');
    refused(await gql(VIEW, { id, text: '  ' }, { as: caseworkerSthlm }), 'BAD_USER_INPUT', 'text');
    refused(await gql(END, { id, reason: '' }, { as: caseworkerSthlm }), 'BAD_USER_INPUT', 'reason');
    const ended = ok(await gql(END, { id, reason: 'Klarar mig själv nu' }, { as: caseworkerSthlm })).requestPlanEnd;
    expect(ended).toMatchObject({
      status: 'DRAFT',
      endRequests: [{ text: 'Klarar mig själv nu', recordedBy: 'Cecilia Handläggare', organisation: { id: 'municipality:0180' } }],
    });
    const seen = ok(await gql(VOICES, { id }, { as: clinicStaff })).jointCarePlan;
    expect(seen.individualViews.map((v: { recordedAt: string }) => v.recordedAt)).toEqual(['2026-06-01T12:00:00.000+02:00', '2026-06-02T12:00:00.000+02:00']);
    expect(seen.endRequests).toEqual([{ text: 'Klarar mig själv nu', recordedBy: 'Cecilia Handläggare', organisation: { id: 'municipality:0180' } }]);
    expect(await audit(id)).toEqual([
      { action: 'INDIVIDUAL_VIEW', user_id: 'cw-sthlm' },
      { action: 'INDIVIDUAL_VIEW', user_id: 'lim-sod' },
      { action: 'END_REQUEST', user_id: 'cw-sthlm' },
    ]);
  });
});
