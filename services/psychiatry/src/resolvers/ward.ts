/** Ward: places and occupancy (batched per request). */
import { organisation } from '../../../shared/src/directory.ts';
import type { WardRow } from '../db/schema.ts';
import type { PsychiatryContext } from '../context.ts';
import { occupancyOf } from '../domain/wards.ts';

export const Ward = {
  organisation: (w: WardRow) => organisation(w.organisationId),
  occupied: (w: WardRow, _: unknown, ctx: PsychiatryContext) => occupancyOf(ctx, w),
  free: async (w: WardRow, _: unknown, ctx: PsychiatryContext) => Math.max(0, w.places - (await occupancyOf(ctx, w))),
};
