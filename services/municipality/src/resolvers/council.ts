/** Councils, agreements and the municipality's section of indicator reports. */
import { organisation } from '../../../shared/src/directory.ts';
import { reportScope } from '../../../shared/src/councils.ts';
import type { MunicipalityContext } from '../context.ts';
import {
  agreementsOf,
  councilById,
  membersOf,
  reportByKey,
  reportFor,
  reviewOverdue,
  type AgreementRow,
  type CouncilRow,
  type ReportKey,
} from '../domain/councils.ts';
import { municipalitySection } from '../domain/indicators.ts';

type Ctx = MunicipalityContext;

export const Council = {
  __resolveReference: (ref: { id: string }, ctx: Ctx) => councilById(ctx, ref.id),
  memberOrganisations: (c: CouncilRow) => membersOf(c).map((id) => organisation(id)),
  agreements: (c: CouncilRow, _: unknown, ctx: Ctx) => agreementsOf(ctx, c),
  indicators: (c: CouncilRow, a: { from: string; to: string }) => reportFor(c, a.from, a.to),
};

export const CooperationAgreement = {
  reviewOverdue: (a: AgreementRow, _: unknown, ctx: Ctx) => reviewOverdue(a, ctx.now),
  addedByOrganisation: (a: AgreementRow) => organisation(a.addedByOrganisationId),
};

export const IndicatorReport = {
  __resolveReference: (ref: { councilId: string; from: string; to: string }, ctx: Ctx) => reportByKey(ctx, ref),
  scope: (r: ReportKey) => reportScope(r),
  municipality: (r: ReportKey, _: unknown, ctx: Ctx) => municipalitySection(ctx, r),
};
