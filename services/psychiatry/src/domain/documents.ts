/**
 * Files attached to a withdrawal referral (the ASI, AUDIT, DUDIT or other document itself):
 * the referring organisation's caseworker asks for an upload link; whoever may see the referral
 * sees its documents' metadata and a download link of their own. The links, the bytes and the
 * audit of every download are services/shared/src/documents.ts; who may do what is decided here,
 * by the referral's policy (domain/policy.ts): a referral the caller may not see is NOT_FOUND.
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
import { notFound } from '../../../shared/src/errors.ts';
import type { PsychiatryContext } from '../context.ts';
import { notVisible, readBasis, referralAccess } from './policy.ts';
import { t } from '../../../shared/src/i18n.ts';

const RECORD = 'WithdrawalReferral';
/** the audited entity of a referral's document */
export const DOCUMENT_ENTITY = 'WithdrawalReferralDocument';

export interface UploadArgs {
  referralId: string;
  kind: 'ASI' | 'AUDIT' | 'DUDIT' | 'OTHER';
  fileName: string;
  contentType: string;
  size: number;
}

/** An upload link for a file to attach to a referral the caller's organisation sent (withdrawal.amend). */
export async function createReferralDocumentUpload(ctx: PsychiatryContext, args: UploadArgs): Promise<UploadLink> {
  const row = await ctx.loaders.referral.load(args.referralId);
  referralAccess.change(ctx.caller, row, args.referralId, 'withdrawal.amend');
  return createUploadLink(
    ctx.db,
    {
      subgraph: 'psychiatry',
      secret: ctx.config.gatewaySecret,
      caller: ctx.caller,
      recordType: RECORD,
      recordId: row!.id,
      maxBytes: ctx.config.documentMaxBytes,
      now: ctx.now,
    },
    args,
  );
}

/** The documents of a referral the caller sees (the parent was checked), each with the caller's own download link. */
export async function documentsOfReferral(ctx: PsychiatryContext, referralId: string): Promise<ListedDocument[]> {
  const rows = await ctx.loaders.documents.load(referralId);
  return rows.map((d) => ({ ...d, download: downloadLink(ctx.config.gatewaySecret, 'psychiatry', ctx.caller, d.id) }));
}

/** The documents of a referral the caller sees that were removed, with who, when and why. */
export const removedDocumentsOfReferral = (ctx: PsychiatryContext, referralId: string): Promise<DocumentMeta[]> =>
  ctx.loaders.removedDocuments.load(referralId);

/**
 * Removes a document of a referral: who may attach to the referral (its referring organisation's
 * caseworkers, withdrawal.amend) may remove; a document of a referral the caller cannot see is
 * NOT_FOUND, as one that does not exist.
 */
export async function removeReferralDocument(ctx: PsychiatryContext, args: { documentId: string; reason: string }): Promise<DocumentMeta> {
  const row = await uploadedDocument(ctx.db, RECORD, args.documentId);
  const referral = row ? await ctx.loaders.referral.load(row.recordId) : null;
  if (!row || !referral) {
    referralAccess.change(ctx.caller, null, args.documentId, 'withdrawal.amend');
    throw notFound(t`There is no document like this one.`);
  }
  const basis = referralAccess.change(ctx.caller, referral, referral.id, 'withdrawal.amend');
  return removeDocument(ctx.db, ctx.documentStorage, {
    caller: ctx.caller,
    now: ctx.now,
    row,
    reason: args.reason,
    access: { entity: DOCUMENT_ENTITY, personId: referral.personId, owner: referral.receivingOrganisationId, basis },
    log: ctx.log,
  });
}

/** The document endpoint's questions: may the caller attach to, or read the documents of, this referral now? */
export const referralDocuments: DocumentHooks<PsychiatryContext> = {
  access: async (ctx, recordType, recordId, purpose): Promise<DocumentRecordAccess> => {
    if (recordType !== RECORD) throw notFound(t`There is no document like this one.`);
    const row = await ctx.loaders.referral.load(recordId);
    const basis = purpose === 'attach' ? referralAccess.change(ctx.caller, row, recordId, 'withdrawal.amend') : row ? readBasis(ctx.caller, row) : null;
    if (!row || !basis) throw notVisible(recordId);
    return { entity: DOCUMENT_ENTITY, personId: row.personId, owner: row.receivingOrganisationId, basis };
  },
};
