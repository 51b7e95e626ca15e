/** Consent, and what social services adds to a Person: the plans and consents the caller may see. */
import { personReference } from '../../../shared/src/federation.ts';
import type { ConsentResolvers, PersonResolvers } from '../generated/resolvers.ts';
import * as consents from '../domain/consent.ts';
import { plansOfPerson } from '../domain/plans.ts';
import { consentActive, consentInactiveReason } from '../domain/policy.ts';
import { organisationOf } from '../domain/directory.ts';
import { consentBundle } from '../domain/fhir.ts';

export const Consent: ConsentResolvers = {
  __resolveReference: (ref, ctx) => consents.consentById(ctx, ref.id),
  person: (c) => ({ id: c.personId }),
  organisations: (c) => consents.consentOrganisations(c),
  recordedBy: (c) => organisationOf(c.recordedByOrganisationId),
  active: (c, _, ctx) => consentActive(c, ctx.now),
  inactiveReason: (c, _, ctx) => consentInactiveReason(c, ctx.now),
  // the parent is the consent the caller may read (its check and audit)
  fhirBundle: (c, _, ctx) => JSON.stringify(consentBundle(c, ctx.now)),
};

export const Person: PersonResolvers = {
  ...personReference,
  jointCarePlans: (p, _, ctx) => plansOfPerson(ctx, p.id),
  consents: (p, _, ctx) => consents.consentsOfPerson(ctx, p.id),
};
