/** Ward: places and occupancy (batched per request), and the free-places calendar. */
import { storedOrganisation } from '../domain/views.ts';
import type { WardResolvers } from '../generated/resolvers.ts';
import { calendarOf, freeOn, occupancyOf } from '../domain/wards.ts';

export const Ward: WardResolvers = {
  organisation: (w) => storedOrganisation(w.organisationId),
  occupied: (w, _, ctx) => occupancyOf(ctx, w),
  free: async (w, _, ctx) => Math.max(0, w.places - (await occupancyOf(ctx, w))),
  freeOn: (w, args, ctx) => freeOn(ctx, w, args.date),
  calendar: (w, args, ctx) => calendarOf(ctx, w, args.from, args.days),
};
