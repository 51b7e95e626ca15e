/**
 * Demo data of the municipality subgraph, seeded once (seed_run 'demo'):
 * consents and joint care plans that link to the other subgraphs' demo
 * records (a withdrawal plan for a demo referral, a contract-care plan for
 * a demo court order, a SIP with a clinic whose follow-up is overdue, a plan
 * whose consent the individual revoked), and the councils' agreements (one
 * current, one past its review date). Dates are relative to the day of
 * seeding. Seeding is itself an access to personal data and is logged.
 */
import { randomUUID } from 'node:crypto';
import { appendAudit, type AuditEntry } from '../../shared/src/audit.ts';
import type { Caller } from '../../shared/src/caller.ts';
import { organisation } from '../../shared/src/directory.ts';
import { genderOf } from '../../shared/src/indicators.ts';
import { pseudonymFor } from '../../shared/src/person-id.ts';
import { seedOnce } from '../../shared/src/seed.ts';
import { addDays, stockholmDate } from '../../shared/src/time.ts';
import * as schema from './db/schema.ts';

/** A record of another subgraph's demo that a plan belongs to. */
export interface DemoLink {
  id: string;
  /** normalised 12 digits */
  personnummer: string;
}

export interface DemoLinks {
  /** a Västerås referral at care planning or later, for a withdrawal plan */
  referral: DemoLink | null;
  /** a Stockholm order with social services and the Södermalm clinic as partners */
  order: DemoLink | null;
  /** a person enrolled at the Södermalm clinic, for a SIP */
  clinicPerson: string | null;
}

const seeder = (org: string): Caller => ({ userId: 'system:demo-data', name: 'Demo data at installation', organisation: organisation(org)!, roles: [] });

export async function seedDemo(databaseUrl: string, personIdSecret: string, links: DemoLinks, now: Date = new Date()): Promise<boolean> {
  const today = stockholmDate(now);
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * 86_400_000);
  return seedOnce(databaseUrl, schema, 'demo', async (tx) => {
    const audit = new Map<string, AuditEntry[]>();
    const log = (org: string, e: AuditEntry) => audit.set(org, [...(audit.get(org) ?? []), e]);

    async function plan(p: {
      kind: 'SIP' | 'WITHDRAWAL' | 'CONTRACT_CARE';
      pnr: string;
      owner: string;
      orgs: string[];
      people: Array<{ organisationId: string | null; role: string; name: string }>;
      goals: string[];
      createdDaysAgo: number;
      followUpOn: string;
      link?: { withdrawalReferralId?: string; contractCareOrderId?: string };
      signers: Array<'individual' | string>;
      efforts: Array<{ org: string; description: string; responsible: string }>;
      revokedDaysAgo?: number;
    }) {
      const personId = pseudonymFor(personIdSecret, p.pnr);
      const consentId = randomUUID();
      await tx.insert(schema.consent).values({
        id: consentId,
        personId,
        purpose: p.kind === 'SIP' ? 'Samordnad individuell plan' : p.kind === 'WITHDRAWAL' ? 'Planerad abstinensbehandling' : 'Kontraktsvård',
        organisationIds: p.orgs,
        givenAt: at(p.createdDaysAgo + 1),
        validUntil: addDays(today, 365),
        revokedAt: p.revokedDaysAgo !== undefined ? at(p.revokedDaysAgo) : null,
        revokedBy: p.revokedDaysAgo !== undefined ? 'Demo: the individual, by phone' : null,
        recordedByOrganisationId: p.owner,
        recordedBy: 'Demo Handläggare',
      });
      log(p.owner, { action: 'CREATE', entity: 'Consent', entityId: consentId, personId, basis: 'demo data seeded at installation' });
      const id = randomUUID();
      const version = 1 + p.efforts.length;
      const participants = p.people;
      await tx.insert(schema.jointCarePlan).values({
        id,
        kind: p.kind,
        personId,
        ownerOrganisationId: p.owner,
        consentId,
        withdrawalReferralId: p.link?.withdrawalReferralId ?? null,
        contractCareOrderId: p.link?.contractCareOrderId ?? null,
        version,
        goals: p.goals,
        followUpOn: p.followUpOn,
        followUpSetOn: stockholmDate(at(p.createdDaysAgo)),
        participants,
        participantOrganisationIds: p.orgs,
        createdAt: at(p.createdDaysAgo),
        createdBy: 'Demo Handläggare',
        legalGender: genderOf(p.pnr),
      });
      for (let v = 1; v <= version; v++) {
        const e = p.efforts[v - 2];
        await tx.insert(schema.jointCarePlanVersion).values({
          planId: id,
          version: v,
          goals: p.goals,
          followUpOn: p.followUpOn,
          participants,
          change: e ? `effort added by ${organisation(e.org)!.name}: ${e.description}` : 'drawn up',
          changedBy: 'Demo',
          changedByOrganisationId: e?.org ?? p.owner,
          changedAt: at(p.createdDaysAgo - (v - 1)),
        });
        if (e) {
          await tx.insert(schema.carePlanEffort).values({
            id: randomUUID(),
            planId: id,
            organisationId: e.org,
            description: e.description,
            responsible: e.responsible,
            startsOn: null,
            endsOn: null,
            addedInVersion: v,
            addedBy: 'Demo',
          });
        }
      }
      for (const s of p.signers) {
        const org = s === 'individual' ? null : organisation(s)!;
        await tx.insert(schema.carePlanSignature).values({
          id: randomUUID(),
          planId: id,
          version,
          signedBy: org ? `Demo för ${org.name}` : 'Demo Klient',
          asIndividual: !org,
          organisationId: org?.id ?? null,
          organisationAgency: org?.agency ?? null,
          signedAt: at(p.createdDaysAgo - version),
          recordedBy: 'Demo',
          recordedByOrganisationId: org?.id ?? p.owner,
        });
      }
      log(p.owner, { action: 'CREATE', entity: 'JointCarePlan', entityId: id, personId, basis: 'demo data seeded at installation' });
    }

    if (links.referral) {
      await plan({
        kind: 'WITHDRAWAL',
        pnr: links.referral.personnummer,
        owner: 'municipality:1980',
        orgs: ['municipality:1980', 'psychiatry:19'],
        people: [
          { organisationId: null, role: 'individual', name: 'Demo Klient' },
          { organisationId: null, role: 'relative', name: 'Demo Närstående' },
          { organisationId: 'municipality:1980', role: 'caseworker', name: 'Anna Svensson' },
          { organisationId: 'psychiatry:19', role: 'physician', name: 'Erik Holm' },
          { organisationId: 'psychiatry:19', role: 'coordinator', name: 'Maria Berg' },
        ],
        goals: ['Genomföra planerad abstinensbehandling', 'Fortsatt öppenvård efter behandlingen'],
        createdDaysAgo: 6,
        followUpOn: addDays(today, 30),
        link: { withdrawalReferralId: links.referral.id },
        signers: ['individual'],
        efforts: [{ org: 'psychiatry:19', description: 'Inläggning på avdelning 91 för abstinensbehandling', responsible: 'Erik Holm' }],
      });
    }
    if (links.order) {
      await plan({
        kind: 'CONTRACT_CARE',
        pnr: links.order.personnummer,
        owner: 'municipality:0180',
        orgs: ['municipality:0180', 'clinic:0180-sodermalm', 'probation:stockholm'],
        people: [
          { organisationId: null, role: 'individual', name: 'Demo Klient' },
          { organisationId: 'municipality:0180', role: 'caseworker', name: 'Karin Ek' },
          { organisationId: 'clinic:0180-sodermalm', role: 'care provider', name: 'Klara Mottagning' },
          { organisationId: 'probation:stockholm', role: 'probation officer', name: 'Omar Kontrakt' },
        ],
        goals: ['Fullfölja kontraktsvården', 'Drogfrihet'],
        createdDaysAgo: 40,
        followUpOn: addDays(today, 14),
        link: { contractCareOrderId: links.order.id },
        signers: ['individual', 'municipality:0180', 'clinic:0180-sodermalm', 'probation:stockholm'],
        efforts: [
          { org: 'clinic:0180-sodermalm', description: 'Läkemedelsassisterad behandling', responsible: 'Klara Mottagning' },
          { org: 'probation:stockholm', description: 'Kontaktsamtal varannan vecka', responsible: 'Omar Kontrakt' },
        ],
      });
    }
    if (links.clinicPerson) {
      await plan({
        kind: 'SIP',
        pnr: links.clinicPerson,
        owner: 'municipality:0180',
        orgs: ['municipality:0180', 'clinic:0180-sodermalm'],
        people: [
          { organisationId: null, role: 'individual', name: 'Demo Klient' },
          { organisationId: 'municipality:0180', role: 'caseworker', name: 'Karin Ek' },
          { organisationId: 'clinic:0180-sodermalm', role: 'nurse', name: 'Klara Mottagning' },
        ],
        goals: ['Stabilt boende', 'Regelbunden kontakt med mottagningen'],
        createdDaysAgo: 90,
        // past: the follow-up is overdue
        followUpOn: addDays(today, -10),
        signers: ['individual'],
        efforts: [{ org: 'municipality:0180', description: 'Boendestöd två gånger i veckan', responsible: 'Karin Ek' }],
      });
    }
    // A SIP whose consent the individual revoked: only Västerås still sees it, and why.
    await plan({
      kind: 'SIP',
      pnr: '197503152386',
      owner: 'municipality:1980',
      orgs: ['municipality:1980', 'psychiatry:19'],
      people: [
        { organisationId: null, role: 'individual', name: 'Demo Klient' },
        { organisationId: 'municipality:1980', role: 'caseworker', name: 'Anna Svensson' },
        { organisationId: 'psychiatry:19', role: 'nurse', name: 'Lena Ahl' },
      ],
      goals: ['Samordnat stöd'],
      createdDaysAgo: 50,
      followUpOn: addDays(today, 20),
      signers: ['individual'],
      efforts: [],
      revokedDaysAgo: 3,
    });

    await tx.insert(schema.cooperationAgreement).values([
      {
        id: randomUUID(),
        councilId: 'council:local-1980',
        title: 'Samverkansöverenskommelse missbruk och beroende, Västerås',
        jointGoals: ['Ingen ska falla mellan huvudmännens ansvarsområden', 'Planerad abstinensbehandling inom två veckor'],
        validFrom: addDays(today, -200),
        reviewBy: addDays(today, 165),
        addedBy: 'Demo',
        addedByOrganisationId: 'municipality:1980',
        addedAt: at(200),
      },
      {
        id: randomUUID(),
        councilId: 'council:local-0180',
        title: 'Lokal överenskommelse Stockholm',
        jointGoals: ['Samordnade insatser vid komplexa behov'],
        validFrom: addDays(today, -500),
        reviewBy: addDays(today, -30),
        addedBy: 'Demo',
        addedByOrganisationId: 'municipality:0180',
        addedAt: at(500),
      },
      {
        id: randomUUID(),
        councilId: 'council:regional-19',
        title: 'Länsgemensam rutin för abstinensbehandling, Västmanland',
        jointGoals: ['Gemensam rutin tills tillnyktringsenheten startar'],
        validFrom: addDays(today, -100),
        reviewBy: addDays(today, 265),
        addedBy: 'Demo',
        addedByOrganisationId: 'psychiatry:19',
        addedAt: at(100),
      },
    ]);
    for (const [org, entries] of audit) await appendAudit(tx, seeder(org), entries);
  });
}
