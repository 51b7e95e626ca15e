/** Councils and their cooperation agreements: members read them and add agreements; nobody else. */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { requirePermission } from '../../../shared/src/access.ts';
import { appendAudit } from '../../../shared/src/audit.ts';
import type { Caller } from '../../../shared/src/caller.ts';
import { validatePeriod, type ReportKey } from '../../../shared/src/councils.ts';
import type { Organisation } from '../../../shared/src/directory.ts';
import { badInput, notFound } from '../../../shared/src/errors.ts';
import { stockholmDate } from '../../../shared/src/time.ts';
import { cooperationAgreement, council, type AgreementRow, type CouncilRow } from '../db/schema.ts';
import type { MunicipalityContext } from '../context.ts';
import { organisationOf } from './directory.ts';
import { councilBasis, councilMembersOf, sitsOnCouncil } from './policy.ts';
import * as valid from './validation.ts';
import { t } from '../../../shared/src/i18n.ts';

type Ctx = MunicipalityContext;

export async function listCouncils(ctx: Ctx): Promise<CouncilRow[]> {
  requirePermission(ctx.caller, 'council.read');
  const rows = await ctx.db.select().from(council).orderBy(council.id);
  return rows.filter((r) => sitsOnCouncil(ctx.caller, r));
}

export async function councilById(ctx: Ctx, id: string): Promise<CouncilRow | null> {
  requirePermission(ctx.caller, 'council.read');
  const [row] = await ctx.db.select().from(council).where(eq(council.id, id));
  return row && sitsOnCouncil(ctx.caller, row) ? row : null;
}

export const memberOrganisations = (row: CouncilRow): Organisation[] => councilMembersOf(row).map(organisationOf);

/** A council's agreements; the council itself was authorized when it was read. */
export function agreementsOf(ctx: Ctx, row: CouncilRow): Promise<AgreementRow[]> {
  return ctx.loaders.agreementsByCouncil.load(row.id);
}

export function reviewOverdue(a: AgreementRow, now: Date): boolean {
  return stockholmDate(now) > a.reviewBy;
}

export interface AgreementInput {
  title: string;
  jointGoals: string[];
  validFrom: string;
  reviewBy: string;
}

/** An agreement of the council as the caller adds it, from checked input, at `now`. */
export function newAgreement(councilId: string, input: AgreementInput, caller: Caller, now: Date): AgreementRow {
  const title = valid.text('input.title', input.title, t`The title`, 300);
  if (input.jointGoals.length === 0) throw badInput('input.jointGoals', t`An agreement states at least one joint goal.`);
  const jointGoals = input.jointGoals.map((g, i) => valid.text(`input.jointGoals[${i}]`, g, t`A joint goal`, 1000));
  const validFrom = valid.dateNotBefore('input.validFrom', input.validFrom, '2000-01-01', t`The agreement cannot apply from before 2000.`);
  const reviewBy = valid.dateNotBefore('input.reviewBy', input.reviewBy, validFrom, t`The review date must come after the agreement starts to apply.`);
  if (reviewBy === validFrom) throw badInput('input.reviewBy', t`The review date must come after the agreement starts to apply.`);
  return {
    id: randomUUID(),
    councilId,
    title,
    jointGoals,
    validFrom,
    reviewBy,
    addedBy: caller.name,
    addedByOrganisationId: caller.organisation.id,
    addedAt: now,
  };
}

export async function addAgreement(ctx: Ctx, councilId: string, input: AgreementInput): Promise<AgreementRow> {
  requirePermission(ctx.caller, 'council.write');
  const row = await councilById(ctx, councilId);
  if (!row) throw notFound(t`There is no council ${councilId} that you sit on.`);
  const agreement = newAgreement(row.id, input, ctx.caller, ctx.now);
  await ctx.db.transaction(async (tx) => {
    await tx.insert(cooperationAgreement).values(agreement);
    // Not personal data; logged as a change to the council's record all the same.
    await appendAudit(tx, ctx.caller, [{ action: 'CREATE', entity: 'CooperationAgreement', entityId: agreement.id, basis: councilBasis(row.id) }]);
  });
  return agreement;
}

export function reportFor(row: CouncilRow, from: string, to: string): ReportKey {
  validatePeriod(from, to);
  return { councilId: row.id, from, to, municipalityCodes: row.municipalityCodes, memberOrganisationIds: councilMembersOf(row) };
}

/** An IndicatorReport reference, checked again (it may arrive through any path). */
export async function reportByKey(ctx: Ctx, key: Pick<ReportKey, 'councilId' | 'from' | 'to'>): Promise<ReportKey | null> {
  const row = await councilById(ctx, key.councilId);
  return row ? reportFor(row, key.from, key.to) : null;
}
