/** Councils, agreements and the municipality's section of indicator reports. */
import type { CooperationAgreementResolvers, CouncilResolvers, IndicatorReportResolvers } from '../generated/resolvers.ts';
import * as councils from '../domain/councils.ts';
import { organisationOf } from '../domain/directory.ts';
import { reportScope } from '../../../shared/src/councils.ts';
import { municipalitySection } from '../domain/indicators.ts';

export const Council: CouncilResolvers = {
  __resolveReference: (ref, ctx) => councils.councilById(ctx, ref.id),
  memberOrganisations: (c) => councils.memberOrganisations(c),
  agreements: (c, _, ctx) => councils.agreementsOf(ctx, c),
  indicators: (c, args) => councils.reportFor(c, args.from, args.to),
};

export const CooperationAgreement: CooperationAgreementResolvers = {
  reviewOverdue: (a, _, ctx) => councils.reviewOverdue(a, ctx.now),
  addedByOrganisation: (a) => organisationOf(a.addedByOrganisationId),
};

export const IndicatorReport: IndicatorReportResolvers = {
  __resolveReference: (ref, ctx) => councils.reportByKey(ctx, ref),
  scope: (r) => reportScope(r),
  municipality: (r, _, ctx) => municipalitySection(ctx, r),
};
