/** The wards that take planned withdrawal treatment: places and occupancy, no personal data. */
import { asc, eq } from 'drizzle-orm';
import { ward, type WardRow } from '../db/schema.ts';
import type { PsychiatryContext } from '../context.ts';
import { requireWards } from './policy.ts';

export async function listWards(ctx: PsychiatryContext, organisationId?: string | null): Promise<WardRow[]> {
  requireWards(ctx.caller);
  const q = ctx.db.select().from(ward);
  const rows = await (organisationId ? q.where(eq(ward.organisationId, organisationId)) : q).orderBy(asc(ward.organisationId), asc(ward.id));
  for (const w of rows) ctx.loaders.ward.prime(w.id, w);
  return rows;
}

export const occupancyOf = (ctx: PsychiatryContext, w: WardRow) => ctx.loaders.occupancy.load(w.id);

export async function wardById(ctx: PsychiatryContext, id: string): Promise<WardRow> {
  const w = await ctx.loaders.ward.load(id);
  if (!w) throw new Error(`ward ${id} referenced by a referral is missing`);
  return w;
}
