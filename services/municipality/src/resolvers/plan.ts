/** JointCarePlan and its parts, as one caller sees them (the view was authorized by readPlan). */
import { organisation } from '../../../shared/src/directory.ts';
import type { MunicipalityContext } from '../context.ts';
import { followUpOverdue, missingSignatures, planById, signaturesOf, statusOf, type PlanView } from '../domain/plans.ts';
import { consentInactiveReason } from '../domain/policy.ts';
import { readConsent } from '../domain/consent.ts';
import type { EffortRow, SignatureRow } from '../loaders.ts';

type Ctx = MunicipalityContext;

const signature = (s: SignatureRow) => ({
  signedBy: s.signedBy,
  organisation: s.organisationId ? organisation(s.organisationId) : null,
  signedAt: s.signedAt,
  version: s.version,
  asIndividual: s.asIndividual,
});
const effort = (e: EffortRow) => ({ ...e, organisation: organisation(e.organisationId) });
const participants = (list: PlanView['row']['participants']) =>
  list.map((p) => ({ organisation: p.organisationId ? organisation(p.organisationId) : null, role: p.role, name: p.name }));

async function effortsUpTo(v: PlanView, ctx: Ctx, version: number) {
  return (await ctx.loaders.efforts.load(v.row.id)).filter((e) => e.addedInVersion <= version).map(effort);
}

export const JointCarePlan = {
  __resolveReference: (ref: { id: string }, ctx: Ctx) => planById(ctx, ref.id),
  id: (v: PlanView) => v.row.id,
  kind: (v: PlanView) => v.row.kind,
  status: async (v: PlanView, _: unknown, ctx: Ctx) => statusOf(v.row, signaturesOf(await ctx.loaders.signatures.load(v.row.id), v.row.version)),
  person: (v: PlanView) => ({ id: v.row.personId }),
  version: (v: PlanView) => v.version,
  goals: (v: PlanView) => v.earlier?.goals ?? v.row.goals,
  participants: (v: PlanView) => participants(v.earlier?.participants ?? v.row.participants),
  efforts: (v: PlanView, _: unknown, ctx: Ctx) => effortsUpTo(v, ctx, v.version),
  signatures: async (v: PlanView, _: unknown, ctx: Ctx) => signaturesOf(await ctx.loaders.signatures.load(v.row.id), v.version).map(signature),
  signedByIndividual: async (v: PlanView, _: unknown, ctx: Ctx) =>
    signaturesOf(await ctx.loaders.signatures.load(v.row.id), v.version).some((s) => s.asIndividual),
  missingSignatures: async (v: PlanView, _: unknown, ctx: Ctx) =>
    v.row.endedAt ? [] : missingSignatures(v.row.kind, signaturesOf(await ctx.loaders.signatures.load(v.row.id), v.version)),
  followUpOn: (v: PlanView) => v.earlier?.followUpOn ?? v.row.followUpOn,
  consent: (v: PlanView, _: unknown, ctx: Ctx) => readConsent(ctx, v.consent),
  ownerOrganisation: (v: PlanView) => organisation(v.row.ownerOrganisationId),
  withdrawalReferralId: (v: PlanView) => v.row.withdrawalReferralId,
  contractCareOrderId: (v: PlanView) => v.row.contractCareOrderId,
  versions: async (v: PlanView, _: unknown, ctx: Ctx) => {
    const [versions, sigs] = await Promise.all([ctx.loaders.versions.load(v.row.id), ctx.loaders.signatures.load(v.row.id)]);
    return Promise.all(
      versions.map(async (ver) => ({
        version: ver.version,
        goals: ver.goals,
        followUpOn: ver.followUpOn,
        efforts: await effortsUpTo(v, ctx, ver.version),
        change: ver.change,
        changedBy: ver.changedBy,
        changedByOrganisation: organisation(ver.changedByOrganisationId),
        changedAt: ver.changedAt,
        signatures: signaturesOf(sigs, ver.version).map(signature),
      })),
    );
  },
  followUps: async (v: PlanView, _: unknown, ctx: Ctx) =>
    (await ctx.loaders.followUps.load(v.row.id)).map((f) => ({ ...f, organisation: organisation(f.organisationId) })),
  followUpOverdue: async (v: PlanView, _: unknown, ctx: Ctx) => followUpOverdue(v.row, await ctx.loaders.followUps.load(v.row.id), ctx.now),
  endedAt: (v: PlanView) => v.row.endedAt,
  endedBy: (v: PlanView) =>
    v.row.endedBy ? `${v.row.endedBy} (${organisation(v.row.endedByOrganisationId ?? '')?.name ?? v.row.endedByOrganisationId})` : null,
  endReason: (v: PlanView) => v.row.endReason,
  sharingStopped: (v: PlanView, _: unknown, ctx: Ctx) => {
    const reason = consentInactiveReason(v.consent, ctx.now);
    return reason ? `Shared with no other organisation: ${reason}. Only ${organisation(v.row.ownerOrganisationId)?.name} sees this plan.` : null;
  },
};
