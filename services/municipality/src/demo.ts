/**
 * Demo data of the municipality subgraph, seeded once (seed_run 'demo'):
 * consents and joint care plans that link to the other subgraphs' demo
 * records (a withdrawal plan for a demo referral, a contract-care plan for
 * a demo court order, a SIP with a clinic whose follow-up is overdue, a plan
 * whose consent the individual revoked), and the councils' agreements (one
 * current, one past its review date). Dates are relative to the day of
 * seeding. Seeding is itself an access to personal data and is logged.
 */
import { appendAudit, type AuditEntry } from '../../shared/src/audit.ts';
import type { Caller } from '../../shared/src/caller.ts';
import { pseudonymFor } from '../../shared/src/person-id.ts';
import { seedOnce } from '../../shared/src/seed.ts';
import { storeMessage } from '../../shared/src/messages.ts';
import { addDays, stockholmDate } from '../../shared/src/time.ts';
import * as schema from './db/schema.ts';
import { newConsent, revocation } from './domain/consent.ts';
import { newAgreement, type AgreementInput } from './domain/councils.ts';
import { organisationOf } from './domain/directory.ts';
import { effortChange, newEffort, newPlan, newPlanVersion, newSignature, nextVersion, type CreateInput } from './domain/plan-rules.ts';
import { requireEffortAuthor, requirePlanConsent, requireSigner } from './domain/policy.ts';

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

const seeder = (org: string): Caller => ({ userId: 'system:demo-data', name: 'Demo data at installation', organisation: organisationOf(org), roles: [] });
const BASIS = 'demo data seeded at installation';
const INDIVIDUAL = { organisationId: null, role: 'individual', name: 'Demo Klient' };
const relative = (name: string) => ({ organisationId: null, role: 'relative', name });
const staff = (organisationId: string, role: string, name: string) => ({ organisationId, role, name });
const PURPOSE: Record<CreateInput['kind'], string> = {
  SIP: 'Samordnad individuell plan',
  WITHDRAWAL: 'Planerad abstinensbehandling',
  CONTRACT_CARE: 'Kontraktsvård',
};

/** A demo plan: drawn up by `owner`, one version per effort after the first, signed on its last version. */
interface DemoPlan {
  kind: CreateInput['kind'];
  pnr: string;
  owner: string;
  people: CreateInput['participants'];
  goals: string[];
  createdDaysAgo: number;
  followUpOn: string;
  link?: Pick<CreateInput, 'withdrawalReferralId' | 'contractCareOrderId'>;
  /** 'individual' for the individual's own signature, else the organisation signing */
  signers: string[];
  efforts: Array<{ org: string; description: string; responsible: string }>;
  revokedDaysAgo?: number;
  /** messages on the plan between the organisations taking part (services/shared/src/messages.ts), unread by the others */
  messages?: Array<{ from: string; daysAgo: number; text: string }>;
}

export async function seedDemo(databaseUrl: string, personIdSecret: string, links: DemoLinks, now: Date = new Date()): Promise<boolean> {
  const today = stockholmDate(now);
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * 86_400_000);
  const pseudonym = (n: string) => pseudonymFor(personIdSecret, n);
  return seedOnce(databaseUrl, schema, 'demo', async (tx) => {
    const audit = new Map<string, AuditEntry[]>();
    const log = (org: string, e: Omit<AuditEntry, 'action' | 'basis'>) => audit.set(org, [...(audit.get(org) ?? []), { action: 'CREATE', basis: BASIS, ...e }]);

    // Each step as the mutation makes it, at the time it was made; the rows are written at the end.
    async function plan(p: DemoPlan) {
      const owner = seeder(p.owner);
      const drawnUp = at(p.createdDaysAgo);
      const orgIds = p.people.flatMap((x) => (x.organisationId ? [x.organisationId] : []));
      let consent = newConsent(
        { personnummer: p.pnr, purpose: PURPOSE[p.kind], organisationIds: [...new Set(orgIds)], validUntil: addDays(today, 365) },
        owner,
        at(p.createdDaysAgo + 1),
        pseudonym,
      );
      let row = newPlan(
        { kind: p.kind, personnummer: p.pnr, consentId: consent.id, goals: p.goals, participants: p.people, followUpOn: p.followUpOn, ...p.link },
        owner,
        drawnUp,
        pseudonym,
      );
      requirePlanConsent(owner, consent, consent.id, row, drawnUp);
      const versions = [newPlanVersion(row, 'drawn up', owner, drawnUp)];
      const efforts = p.efforts.map((e, i) => {
        const author = seeder(e.org);
        requireEffortAuthor(author, row);
        row = nextVersion(row);
        const effort = newEffort(row.id, row.version, e, author);
        versions.push(newPlanVersion(row, effortChange(effort), author, at(p.createdDaysAgo - i - 1)));
        return effort;
      });
      const signatures = p.signers.map((s) => {
        const asIndividual = s === 'individual';
        const signer = asIndividual ? owner : seeder(s);
        requireSigner(signer, row, asIndividual);
        return newSignature(
          row.id,
          row.version,
          asIndividual ? 'Demo Klient' : `Demo för ${signer.organisation.name}`,
          asIndividual,
          signer,
          at(p.createdDaysAgo - row.version),
        );
      });
      // The revocation comes later than everything above (a revoked consent carries no new plan, whatever the time).
      if (p.revokedDaysAgo !== undefined) consent = { ...consent, ...revocation(owner, at(p.revokedDaysAgo)) };
      await tx.insert(schema.consent).values(consent);
      await tx.insert(schema.jointCarePlan).values(row);
      await tx.insert(schema.jointCarePlanVersion).values(versions);
      if (efforts.length) await tx.insert(schema.carePlanEffort).values(efforts);
      if (signatures.length) await tx.insert(schema.carePlanSignature).values(signatures);
      log(p.owner, { entity: 'Consent', entityId: consent.id, personId: consent.personId });
      log(p.owner, { entity: 'JointCarePlan', entityId: row.id, personId: row.personId });
      for (const m of p.messages ?? []) await storeMessage(tx, 'JointCarePlan', row.id, seeder(m.from), m.text, at(m.daysAgo));
    }

    if (links.referral) {
      await plan({
        kind: 'WITHDRAWAL',
        pnr: links.referral.personnummer,
        owner: 'municipality:1980',
        people: [
          INDIVIDUAL,
          relative('Demo Närstående'),
          staff('municipality:1980', 'caseworker', 'Anna Svensson'),
          staff('psychiatry:19', 'physician', 'Erik Holm'),
          staff('psychiatry:19', 'coordinator', 'Maria Berg'),
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
        people: [
          INDIVIDUAL,
          staff('municipality:0180', 'caseworker', 'Karin Ek'),
          staff('clinic:0180-sodermalm', 'care provider', 'Klara Mottagning'),
          staff('probation:stockholm', 'probation officer', 'Omar Kontrakt'),
        ],
        goals: ['Fullfölja kontraktsvården', 'Drogfrihet'],
        createdDaysAgo: 40,
        followUpOn: addDays(today, 14),
        link: { contractCareOrderId: links.order.id },
        signers: ['individual', 'municipality:0180', 'clinic:0180-sodermalm', 'probation:stockholm'],
        messages: [{ from: 'clinic:0180-sodermalm', daysAgo: 2, text: 'Behandlingen flyttas till tisdagar från nästa vecka.' }],
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
        people: [INDIVIDUAL, staff('municipality:0180', 'caseworker', 'Karin Ek'), staff('clinic:0180-sodermalm', 'nurse', 'Klara Mottagning')],
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
      people: [INDIVIDUAL, staff('municipality:1980', 'caseworker', 'Anna Svensson'), staff('psychiatry:19', 'nurse', 'Lena Ahl')],
      goals: ['Samordnat stöd'],
      createdDaysAgo: 50,
      followUpOn: addDays(today, 20),
      signers: ['individual'],
      efforts: [],
      revokedDaysAgo: 3,
    });

    const agreements: Array<{ councilId: string; by: string; addedDaysAgo: number } & AgreementInput> = [
      {
        councilId: 'council:local-1980',
        by: 'municipality:1980',
        addedDaysAgo: 200,
        title: 'Samverkansöverenskommelse missbruk och beroende, Västerås',
        jointGoals: ['Ingen ska falla mellan huvudmännens ansvarsområden', 'Planerad abstinensbehandling inom två veckor'],
        validFrom: addDays(today, -200),
        reviewBy: addDays(today, 165),
      },
      {
        councilId: 'council:local-0180',
        by: 'municipality:0180',
        addedDaysAgo: 500,
        title: 'Lokal överenskommelse Stockholm',
        jointGoals: ['Samordnade insatser vid komplexa behov'],
        validFrom: addDays(today, -500),
        reviewBy: addDays(today, -30),
      },
      {
        councilId: 'council:regional-19',
        by: 'psychiatry:19',
        addedDaysAgo: 100,
        title: 'Länsgemensam rutin för abstinensbehandling, Västmanland',
        jointGoals: ['Gemensam rutin tills tillnyktringsenheten startar'],
        validFrom: addDays(today, -100),
        reviewBy: addDays(today, 265),
      },
    ];
    await tx.insert(schema.cooperationAgreement).values(agreements.map((a) => newAgreement(a.councilId, a, seeder(a.by), at(a.addedDaysAgo))));
    for (const [org, entries] of audit) await appendAudit(tx, seeder(org), entries);
  });
}
