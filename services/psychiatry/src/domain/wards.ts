/** The wards that take planned withdrawal treatment: places, occupancy and the free-places calendar, no personal data. */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { badInput } from '../../../shared/src/errors.ts';
import { stockholmDate } from '../../../shared/src/time.ts';
import { ward, withdrawalReferral, type Stage, type WardRow } from '../db/schema.ts';
import type { PsychiatryContext } from '../context.ts';
import { requireWards } from './policy.ts';
import * as capacity from './capacity.ts';
import { t } from '../../../shared/src/i18n.ts';

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

/** The stages whose referrals may hold a bed (capacity.holdOf decides the days). */
export const HOLDING_STAGES = ['PLACE_OFFERED', 'ADMITTED'] as const;

/** The referral columns a hold is computed from. */
export const holdColumns = {
  id: withdrawalReferral.id,
  wardId: withdrawalReferral.placeWardId,
  stage: withdrawalReferral.stage,
  placeStartDate: withdrawalReferral.placeStartDate,
  placeLapsesOn: withdrawalReferral.placeLapsesOn,
  admittedAt: withdrawalReferral.admittedAt,
  expectedDischargeOn: withdrawalReferral.expectedDischargeOn,
};

type Db = Pick<PsychiatryContext['db'], 'select'>;

export interface HoldRow {
  id: string;
  wardId: string | null;
  stage: Stage;
  placeStartDate: string | null;
  placeLapsesOn: string | null;
  admittedAt: Date | null;
  expectedDischargeOn: string | null;
}

/** The referrals that may hold a bed on some wards, by ward id (one query). */
export async function holdRowsOnWards(db: Db, wardIds: readonly string[]): Promise<Map<string, HoldRow[]>> {
  const rows = await db
    .select(holdColumns)
    .from(withdrawalReferral)
    .where(and(inArray(withdrawalReferral.placeWardId, [...wardIds]), inArray(withdrawalReferral.stage, [...HOLDING_STAGES])));
  const byWard = new Map<string, HoldRow[]>(wardIds.map((id) => [id, []]));
  for (const r of rows) if (r.wardId) byWard.get(r.wardId)?.push(r);
  return byWard;
}

/** The beds the rows hold, seen on `today`, leaving out one referral's own (when it is being moved or admitted). */
export function holdsOf(rows: readonly HoldRow[], today: string, except?: string): capacity.Hold[] {
  return rows.flatMap((r) => {
    const h = r.id === except ? null : capacity.holdOf(r, today);
    return h ? [h] : [];
  });
}

/** The beds held on one ward, read inside a step's transaction after its row lock. */
export async function holdsOnWard(db: Db, wardId: string, today: string, except?: string): Promise<capacity.Hold[]> {
  return holdsOf((await holdRowsOnWards(db, [wardId])).get(wardId) ?? [], today, except);
}

function validDate(date: string, today: string, field: string): string {
  if (date < today) throw badInput(field, t`The date cannot be in the past (today is ${today}).`);
  return date;
}

/** Ward.freeOn: free places on one day, today or later (offered places and admitted individuals taken off). */
export async function freeOn(ctx: PsychiatryContext, w: WardRow, date: string): Promise<number> {
  requireWards(ctx.caller);
  const today = stockholmDate(ctx.now);
  validDate(date, today, 'date');
  return capacity.calendar(w.places, holdsOf(await ctx.loaders.holds.load(w.id), today), date, 1)[0]!.free;
}

/** Ward.calendar: the free places of each day from `from` (default today) for `days` days (default 28, at most 92). */
export async function calendarOf(ctx: PsychiatryContext, w: WardRow, from?: string | null, days?: number | null): Promise<capacity.WardDay[]> {
  requireWards(ctx.caller);
  const today = stockholmDate(ctx.now);
  const start = from ? validDate(from, today, 'from') : today;
  const n = days ?? capacity.DEFAULT_CALENDAR_DAYS;
  if (!Number.isInteger(n) || n < 1 || n > capacity.MAX_CALENDAR_DAYS) {
    throw badInput('days', t`The number of days must be between 1 and ${capacity.MAX_CALENDAR_DAYS}.`);
  }
  return capacity.calendar(w.places, holdsOf(await ctx.loaders.holds.load(w.id), today), start, n);
}
