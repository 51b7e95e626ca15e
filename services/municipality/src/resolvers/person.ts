/** What social services adds to a Person: the plans and consents the caller may see. */
import type { MunicipalityContext } from '../context.ts';
import { plansOfPerson } from '../domain/plans.ts';
import { readConsent } from '../domain/consent.ts';
import { personReference } from '../../../shared/src/federation.ts';

export const Person = {
  ...personReference,
  jointCarePlans: (p: { id: string }, _: unknown, ctx: MunicipalityContext) => plansOfPerson(ctx, p.id),
  consents: async (p: { id: string }, _: unknown, ctx: MunicipalityContext) =>
    (await ctx.loaders.consentsByPerson.load(p.id)).map((c) => readConsent(ctx, c)).filter((c) => c !== null),
};
