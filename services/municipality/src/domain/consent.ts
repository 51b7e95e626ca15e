/** Documenting and revoking consent; reading the consents one's organisation is party to. */
import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { requirePermission } from '../../../shared/src/access.ts';
import { appendAudit } from '../../../shared/src/audit.ts';
import { conflict, notFound } from '../../../shared/src/errors.ts';
import { consent } from '../db/schema.ts';
import type { MunicipalityContext } from '../context.ts';
import { consentBasis, type ConsentRow } from './policy.ts';
import { validateConsent, type ConsentInput } from './validation.ts';

/** A consent the caller may see (audited), or null. */
export function readConsent(ctx: MunicipalityContext, row: ConsentRow | null): ConsentRow | null {
  if (!row) return null;
  const basis = consentBasis(ctx.caller, row);
  if (!basis) return null;
  ctx.audit.read({ entity: 'Consent', entityId: row.id, personId: row.personId, basis, owner: row.recordedByOrganisationId });
  return row;
}

export async function recordConsent(ctx: MunicipalityContext, input: ConsentInput): Promise<ConsentRow> {
  requirePermission(ctx.caller, 'consent.record');
  const v = validateConsent(input, ctx.caller.organisation.id, ctx.now);
  const row: ConsentRow = {
    id: randomUUID(),
    personId: ctx.pseudonym(v.identity.normalised),
    purpose: v.purpose,
    organisationIds: v.organisationIds,
    givenAt: ctx.now,
    validUntil: v.validUntil,
    revokedAt: null,
    revokedBy: null,
    recordedByOrganisationId: ctx.caller.organisation.id,
    recordedBy: ctx.caller.name,
  };
  await ctx.db.transaction(async (tx) => {
    await tx.insert(consent).values(row);
    await appendAudit(tx, ctx.caller, [
      { action: 'CREATE', entity: 'Consent', entityId: row.id, personId: row.personId, basis: 'consent documented by own organisation' },
    ]);
  });
  return row;
}

export async function revokeConsent(ctx: MunicipalityContext, id: string): Promise<ConsentRow> {
  requirePermission(ctx.caller, 'consent.record');
  const existing = await ctx.loaders.consent.load(id);
  if (!existing || !consentBasis(ctx.caller, existing)) throw notFound(`There is no consent ${id} that your organisation is party to.`);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(consent)
      .set({ revokedAt: ctx.now, revokedBy: `${ctx.caller.name} (${ctx.caller.organisation.name})` })
      .where(and(eq(consent.id, id), isNull(consent.revokedAt)))
      .returning();
    if (!row) throw conflict('The consent was already revoked.');
    await appendAudit(tx, ctx.caller, [
      { action: 'REVOKE', entity: 'Consent', entityId: id, personId: row.personId, basis: consentBasis(ctx.caller, row)!, owner: row.recordedByOrganisationId },
    ]);
    return row;
  });
}
