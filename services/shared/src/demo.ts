/**
 * What the subgraphs' demo seeds share: invented but valid personnummer, a
 * clock counted back from the day of seeding, the demo's staff as callers
 * (so their rows go through the same builders and policy as a request's),
 * and the audit events that log the seeding itself as an access to
 * personal data, per owning organisation.
 */
import type { AuditEntry } from './audit.ts';
import { appendAudit } from './audit.ts';
import type { Caller, Role } from './caller.ts';
import { storedOrganisation } from './directory.ts';
import { checkDigit } from './personnummer.ts';
import { addDays, stockholmDate } from './time.ts';

type Tx = Parameters<typeof appendAudit>[0];

/** The normalised 12-digit number of a demo person (born YYMMDD; the century is 20 up to 2010, else 19). */
export function demoNumber(born: string, serial: string): string {
  const century = Number(born.slice(0, 2)) <= 10 ? '20' : '19';
  return `${century}${born}${serial}${checkDigit(`${born}${serial}`)}`;
}

/** Days and instants counted back from the day of seeding (negative: in the future). */
export function demoClock(now: Date) {
  const today = stockholmDate(now);
  return {
    day: (daysAgo: number): string => addDays(today, -daysAgo),
    /** a whole hour of that day, in winter time (in summer an hour later on the wall clock, the same day) */
    at: (daysAgo: number, hour: number): Date => new Date(`${addDays(today, -daysAgo)}T${String(hour).padStart(2, '0')}:00:00+01:00`),
  };
}

/** An organisation the demo names, from the directory (a demo naming another is a bug, and fails the seed). */
export const demoOrganisation = storedOrganisation;

/** A demo staff member of an organisation of the directory. */
export function demoStaff(organisationId: string, role: Role, name: string, userId = `${organisationId}:${role}`): Caller {
  return { userId, name, organisation: demoOrganisation(organisationId), roles: [role] };
}

/** The seeding's own audit events: one CREATE per seeded record, logged in each owner's name. */
export async function auditSeeding(
  tx: Tx,
  basis: string,
  records: ReadonlyArray<{ owner: string; entity: string; entityId: string; personId: string }>,
): Promise<void> {
  const owners = [...new Set(records.map((r) => r.owner))];
  for (const owner of owners) {
    const seeder: Caller = { userId: 'system:demo-data', name: 'Demo data at installation', organisation: demoOrganisation(owner), roles: [] };
    const entries: AuditEntry[] = records
      .filter((r) => r.owner === owner)
      .map((r) => ({
        action: 'CREATE',
        entity: r.entity,
        entityId: r.entityId,
        personId: r.personId,
        fields: null,
        basis: `${basis}: demo data seeded at installation`,
      }));
    await appendAudit(tx, seeder, entries);
  }
}
