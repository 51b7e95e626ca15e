/** Consent fields. */
import { organisation } from '../../../shared/src/directory.ts';
import type { MunicipalityContext } from '../context.ts';
import { readConsent } from '../domain/consent.ts';
import { consentActive, consentInactiveReason, type ConsentRow } from '../domain/policy.ts';

export const Consent = {
  __resolveReference: async (ref: { id: string }, ctx: MunicipalityContext) => readConsent(ctx, await ctx.loaders.consent.load(ref.id)),
  person: (c: ConsentRow) => ({ id: c.personId }),
  organisations: (c: ConsentRow) => c.organisationIds.map((id) => organisation(id)).filter(Boolean),
  recordedBy: (c: ConsentRow) => organisation(c.recordedByOrganisationId),
  active: (c: ConsentRow, _: unknown, ctx: MunicipalityContext) => consentActive(c, ctx.now),
  inactiveReason: (c: ConsentRow, _: unknown, ctx: MunicipalityContext) => consentInactiveReason(c, ctx.now),
};
