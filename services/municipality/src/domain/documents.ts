/**
 * Files attached to a joint care plan (the signed written plan, the written information given to
 * the individual): an organisation that may change the plan (plan.write, and a basis on it) asks
 * for an upload link; whoever may see the plan sees its documents and a download link of their
 * own. When the consent a participant sees the plan on is revoked or lapses, the plan is gone
 * from their view, and its documents with it (NOT_FOUND, as a plan that does not exist). The
 * links, the bytes and the audit of every download are services/shared/src/documents.ts.
 */
import {
  createUploadLink,
  downloadLink,
  removeDocument,
  uploadedDocument,
  type DocumentMeta,
  type DocumentHooks,
  type DocumentRecordAccess,
  type ListedDocument,
  type UploadLink,
} from '../../../shared/src/documents.ts';
import { HubError, notFound } from '../../../shared/src/errors.ts';
import type { MunicipalityContext } from '../context.ts';
import { planAccess, planNotVisible } from './policy.ts';
import { planRecordById } from './plans.ts';
import { t } from '../../../shared/src/i18n.ts';

const RECORD = 'JointCarePlan';
/** the audited entity of a plan's document */
export const DOCUMENT_ENTITY = 'JointCarePlanDocument';

export interface PlanUploadArgs {
  planId: string;
  kind: 'SIGNED_PLAN' | 'WRITTEN_INFORMATION' | 'OTHER';
  fileName: string;
  contentType: string;
  size: number;
}

/** An upload link for a file to attach to a plan the caller may change. */
export async function createPlanDocumentUpload(ctx: MunicipalityContext, args: PlanUploadArgs): Promise<UploadLink> {
  const record = await planRecordById(ctx, args.planId);
  planAccess(ctx.now).change(ctx.caller, record, args.planId, 'plan.write');
  return createUploadLink(
    ctx.db,
    {
      subgraph: 'municipality',
      secret: ctx.config.gatewaySecret,
      caller: ctx.caller,
      recordType: RECORD,
      recordId: record!.plan.id,
      maxBytes: ctx.config.documentMaxBytes,
      now: ctx.now,
    },
    args,
  );
}

/** The documents of a plan the caller sees (the parent was checked), each with the caller's own download link. */
export async function documentsOfPlan(ctx: MunicipalityContext, planId: string): Promise<ListedDocument[]> {
  const rows = await ctx.loaders.documents.load(planId);
  return rows.map((d) => ({ ...d, download: downloadLink(ctx.config.gatewaySecret, 'municipality', ctx.caller, d.id) }));
}

/** The documents of a plan the caller sees that were removed, with who, when and why. */
export const removedDocumentsOfPlan = (ctx: MunicipalityContext, planId: string): Promise<DocumentMeta[]> => ctx.loaders.removedDocuments.load(planId);

/**
 * Removes a document of a plan: only the organisation that owns the plan, with plan.write. A
 * participant (who may attach) is FORBIDDEN; a document of a plan the caller cannot see is
 * NOT_FOUND, as one that does not exist.
 */
export async function removePlanDocument(ctx: MunicipalityContext, args: { documentId: string; reason: string }): Promise<DocumentMeta> {
  const row = await uploadedDocument(ctx.db, RECORD, args.documentId);
  const record = row ? await planRecordById(ctx, row.recordId) : null;
  const access = planAccess(ctx.now);
  if (!row || !record) {
    access.change(ctx.caller, null, args.documentId, 'plan.write');
    throw notFound(t`There is no document like this one.`);
  }
  const basis = access.change(ctx.caller, record, record.plan.id, 'plan.write');
  if (record.plan.ownerOrganisationId !== ctx.caller.organisation.id) {
    throw new HubError('FORBIDDEN', t`Only the organisation that owns the plan may remove its documents; ask the plan's owner.`, { field: 'documentId' });
  }
  return removeDocument(ctx.db, ctx.documentStorage, {
    caller: ctx.caller,
    now: ctx.now,
    row,
    reason: args.reason,
    access: { entity: DOCUMENT_ENTITY, personId: record.plan.personId, owner: record.plan.ownerOrganisationId, basis },
    log: ctx.log,
  });
}

/** The document endpoint's questions: may the caller attach to, or read the documents of, this plan now? */
export const planDocuments: DocumentHooks<MunicipalityContext> = {
  access: async (ctx, recordType, recordId, purpose): Promise<DocumentRecordAccess> => {
    if (recordType !== RECORD) throw notFound(t`There is no document like this one.`);
    const record = await planRecordById(ctx, recordId);
    const access = planAccess(ctx.now);
    const basis = purpose === 'attach' ? access.change(ctx.caller, record, recordId, 'plan.write') : record ? access.basis(ctx.caller, record) : null;
    if (!record || !basis) throw planNotVisible(recordId);
    return { entity: DOCUMENT_ENTITY, personId: record.plan.personId, owner: record.plan.ownerOrganisationId, basis };
  },
};
