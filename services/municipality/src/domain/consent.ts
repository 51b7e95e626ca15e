/** Documenting and revoking consent; reading the consents one's organisation is party to. */
import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { requirePermission } from '../../../shared/src/access.ts';
import { appendAudit } from '../../../shared/src/audit.ts';
import type { Caller } from '../../../shared/src/caller.ts';
import { organisation, type Organisation } from '../../../shared/src/directory.ts';
import { conflict } from '../../../shared/src/errors.ts';
import { consent, type ConsentRow } from '../db/schema.ts';
import type { MunicipalityContext } from '../context.ts';
import { consentAccess } from './policy.ts';
import { notifySharingStopped } from './notifications.ts';
import { validateConsent, type ConsentInput } from './validation.ts';
import { t } from '../../../shared/src/i18n.ts';

type Ctx = MunicipalityContext;

/** A consent the caller may see (audited), or null. */
export function readConsent(ctx: Ctx, row: ConsentRow | null | undefined): ConsentRow | null {
  return consentAccess.one(ctx, row, null);
}

export async function consentById(ctx: Ctx, id: string): Promise<ConsentRow | null> {
  return readConsent(ctx, await ctx.loaders.consent.load(id));
}

/** The consents a person gave that the caller's organisation is party to. */
export async function consentsOfPerson(ctx: Ctx, personId: string): Promise<ConsentRow[]> {
  return consentAccess.see(ctx, await ctx.loaders.consentsByPerson.load(personId), null);
}

export function consentOrganisations(c: ConsentRow): Organisation[] {
  return c.organisationIds.map((id) => organisation(id)).filter((o): o is Organisation => o !== undefined);
}

/** The consent as the caller documents it, from checked input, given at `now`. */
export function newConsent(input: ConsentInput, caller: Caller, now: Date, pseudonym: (normalisedNumber: string) => string, maxYears?: number): ConsentRow {
  const v = validateConsent(input, caller.organisation.id, now, maxYears);
  return {
    id: randomUUID(),
    personId: pseudonym(v.identity.normalised),
    purpose: v.purpose,
    organisationIds: v.organisationIds,
    givenAt: now,
    validUntil: v.validUntil,
    revokedAt: null,
    revokedBy: null,
    recordedByOrganisationId: caller.organisation.id,
    recordedBy: caller.name,
  };
}

/** The individual's revocation, as the caller documents it at `now`. */
export function revocation(caller: Caller, now: Date): Pick<ConsentRow, 'revokedAt' | 'revokedBy'> {
  return { revokedAt: now, revokedBy: `${caller.name} (${caller.organisation.name})` };
}

export async function recordConsent(ctx: Ctx, input: ConsentInput): Promise<ConsentRow> {
  requirePermission(ctx.caller, 'consent.record');
  const row = newConsent(input, ctx.caller, ctx.now, ctx.pseudonym, ctx.config.consentMaxYears);
  await ctx.db.transaction(async (tx) => {
    await tx.insert(consent).values(row);
    await appendAudit(tx, ctx.caller, [
      { action: 'CREATE', entity: 'Consent', entityId: row.id, personId: row.personId, basis: 'consent documented by own organisation' },
    ]);
  });
  return row;
}

export async function revokeConsent(ctx: Ctx, id: string): Promise<ConsentRow> {
  const existing = await ctx.loaders.consent.load(id);
  const basis = consentAccess.change(ctx.caller, existing, id, 'consent.record');
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(consent)
      .set(revocation(ctx.caller, ctx.now))
      .where(and(eq(consent.id, id), isNull(consent.revokedAt)))
      .returning();
    if (!row) throw conflict(t`The consent was already revoked.`);
    await notifySharingStopped(tx, row, ctx.now);
    await appendAudit(tx, ctx.caller, [
      { action: 'REVOKE', entity: 'Consent', entityId: id, personId: row.personId, basis, owner: row.recordedByOrganisationId },
    ]);
    return row;
  });
}
