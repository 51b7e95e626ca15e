/** Ward: places and occupancy (batched per request). */
import { storedOrganisation } from '../domain/views.ts';
import type { WardResolvers } from '../generated/resolvers.ts';
import { occupancyOf } from '../domain/wards.ts';

export const Ward: WardResolvers = {
  organisation: (w) => storedOrganisation(w.organisationId),
  occupied: (w, _, ctx) => occupancyOf(ctx, w),
  free: async (w, _, ctx) => Math.max(0, w.places - (await occupancyOf(ctx, w))),
};
