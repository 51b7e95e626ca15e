/**
 * What a refusal leaves behind, and who may withdraw a consent:
 * - a mutation refused as a whole writes no READ audit event for the records it looked at
 *   while refusing (nothing was shown); a change that succeeds still audits its reads;
 * - a revoked consent stays revoked whatever x-hub-clock asks for (development);
 * - any organisation named in a consent may record its withdrawal, audited with who and which
 *   organisation; an organisation not named gets NOT_FOUND, a role without clients FORBIDDEN.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gql, ok, refused, withSql, type As } from '../helpers/hub.ts';
import { caseworkerSthlm, clinicStaff, createPlan, recordConsent, sip } from '../helpers/plans.ts';
import { personnummer } from '../helpers/people.ts';

const me = (base: As): As => ({ ...base, sub: `${base.sub ?? 'user'}-${randomUUID().slice(0, 8)}` });

const auditOf = (userId: string) =>
  withSql(
    'municipality',
    async (sql) =>
      (await sql`select action, entity, entity_id, organisation_id, basis, owner_organisation_id from audit_event where user_id = ${userId} order by seq`) as unknown as Array<
        Record<string, string>
      >,
  );

async function planFor(owner: As) {
  const pnr = personnummer();
  const consent = await recordConsent(owner, pnr, ['municipality:0180', 'clinic:0180-sodermalm']);
  const plan = ok(await createPlan(owner, sip(pnr, consent.id))).createJointCarePlan as { id: string; version: number };
  return { pnr, consent, plan };
}

const UPDATE = 'mutation($id: ID!, $v: Int!, $g: [String!]) { updateJointCarePlan(id: $id, expectedVersion: $v, goals: $g) { id version } }';

describe('a refused mutation writes no read audit event', () => {
  it('CONFLICT (a stale version, an ended plan): the plan it looked at is not logged as read', async () => {
    const owner = me(caseworkerSthlm);
    const { plan } = await planFor(owner);
    const before = await auditOf(owner.sub!);
    refused(await gql(UPDATE, { id: plan.id, v: 7, g: ['Ett mål'] }, { as: owner }), 'CONFLICT');
    ok(await gql('mutation($id: ID!) { endJointCarePlan(id: $id, reason: "Klart", completed: true) { id } }', { id: plan.id }, { as: owner }));
    const afterEnd = await auditOf(owner.sub!);
    refused(await gql(UPDATE, { id: plan.id, v: 1, g: ['Ett mål'] }, { as: owner }), 'CONFLICT');
    // The stale update added nothing; the end added its own events; the update of the ended plan nothing.
    expect(afterEnd.slice(0, before.length)).toEqual(before);
    expect(afterEnd.slice(before.length).every((r) => r.action !== 'READ' || r.entity_id === plan.id)).toBe(true);
    expect(afterEnd.slice(before.length).length).toBeGreaterThan(0);
    expect(await auditOf(owner.sub!)).toEqual(afterEnd);
  });

  it('BAD_USER_INPUT and NOT_FOUND: nothing read is logged', async () => {
    const owner = me(caseworkerSthlm);
    const { plan } = await planFor(owner);
    const before = await auditOf(owner.sub!);
    refused(await gql(UPDATE, { id: plan.id, v: 1, g: [] }, { as: owner }), 'BAD_USER_INPUT');
    refused(await gql(UPDATE, { id: randomUUID(), v: 1, g: ['x'] }, { as: owner }), 'NOT_FOUND');
    expect(await auditOf(owner.sub!)).toEqual(before);
  });

  it('a change that succeeds still logs what it read, and its change', async () => {
    const owner = me(caseworkerSthlm);
    const { plan } = await planFor(owner);
    const before = (await auditOf(owner.sub!)).length;
    ok(await gql(UPDATE, { id: plan.id, v: 1, g: ['Ett nytt mål'] }, { as: owner }));
    const added = (await auditOf(owner.sub!)).slice(before);
    expect(added.map((r) => [r.action, r.entity, r.entity_id])).toEqual(
      expect.arrayContaining([
        ['READ', 'JointCarePlan', plan.id],
        [expect.not.stringMatching(/^READ$/), 'JointCarePlan', plan.id],
      ]),
    );
  });
});

describe('a revocation holds whatever the development clock says', () => {
  it('a clock set before the revocation does not show the plan or the consent as active again', async () => {
    const owner = me(caseworkerSthlm);
    const { consent, plan } = await planFor(owner);
    const PLAN = 'query($id: ID!) { jointCarePlan(id: $id) { id sharingStopped consent { active } } }';
    expect(ok(await gql(PLAN, { id: plan.id }, { as: clinicStaff })).jointCarePlan).toMatchObject({ id: plan.id });
    ok(await gql('mutation($id: ID!) { revokeConsent(id: $id) { id } }', { id: consent.id }, { as: owner }));
    const earlier = new Date(Date.now() - 3600_000).toISOString();
    for (const clock of [undefined, earlier]) {
      expect(ok(await gql(PLAN, { id: plan.id }, { as: clinicStaff, ...(clock ? { clock } : {}) })).jointCarePlan).toBeNull();
      const list = await gql('{ jointCarePlans { nodes { id } } }', {}, { as: clinicStaff, ...(clock ? { clock } : {}) });
      expect(ok(list).jointCarePlans.nodes.map((n: { id: string }) => n.id)).not.toContain(plan.id);
      const own = ok(await gql(PLAN, { id: plan.id }, { as: owner, ...(clock ? { clock } : {}) })).jointCarePlan;
      expect(own.consent).toEqual({ active: false });
    }
  });
});

describe('who may record the withdrawal of a consent', () => {
  const REVOKE = 'mutation($id: ID!) { revokeConsent(id: $id) { id revokedAt active } }';

  it('an organisation named in the consent (not the one that recorded it) may; the event names who and which organisation', async () => {
    const recorder = me(caseworkerSthlm);
    const clinic = me(clinicStaff);
    const consent = await recordConsent(recorder, personnummer(), ['municipality:0180', 'clinic:0180-sodermalm']);
    const res = ok(await gql(REVOKE, { id: consent.id }, { as: clinic })).revokeConsent;
    expect(res).toMatchObject({ id: consent.id, active: false });
    expect(res.revokedAt).toEqual(expect.any(String));
    expect(await auditOf(clinic.sub!)).toEqual([
      {
        action: 'REVOKE',
        entity: 'Consent',
        entity_id: consent.id,
        organisation_id: 'clinic:0180-sodermalm',
        basis: 'organisation named in the consent',
        owner_organisation_id: 'municipality:0180',
      },
    ]);
    const stored = await withSql('municipality', (sql) => sql`select revoked_by from consent where id = ${consent.id}`);
    expect(stored[0]!.revoked_by).toBe(`${clinicStaff.name} (${'Lokal integrerad mottagning Södermalm'})`);
    refused(await gql(REVOKE, { id: consent.id }, { as: recorder }), 'CONFLICT');
  });

  it('an organisation the consent does not name gets NOT_FOUND; a role without clients FORBIDDEN; nothing changes', async () => {
    const consent = await recordConsent(me(caseworkerSthlm), personnummer(), ['municipality:0180', 'clinic:0180-sodermalm']);
    refused(await gql(REVOKE, { id: consent.id }, { as: { org: 'clinic:0180-kista', roles: ['CLINIC_STAFF'] } }), 'NOT_FOUND');
    refused(await gql(REVOKE, { id: consent.id }, { as: { org: 'municipality:0180', roles: ['COUNCIL_MEMBER'] } }), 'FORBIDDEN');
    const stored = await withSql('municipality', (sql) => sql`select revoked_at from consent where id = ${consent.id}`);
    expect(stored[0]!.revoked_at).toBeNull();
  });
});
