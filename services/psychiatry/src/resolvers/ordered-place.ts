/** OrderedPlace: what another care provider sees of a place ordered on its ward (domain/ordered-places.ts). */
import { formatIdentityNumber } from '../../../shared/src/personnummer.ts';
import type { OrderedPlaceResolvers, TreatmentOfferResolvers } from '../generated/resolvers.ts';
import * as deadlines from '../domain/deadlines.ts';
import { storedOrganisation } from '../domain/views.ts';
import { wardById } from '../domain/wards.ts';

export const OrderedPlace: OrderedPlaceResolvers = {
  referralId: (r) => r.id,
  ward: (r, _, ctx) => wardById(ctx, r.placeWardId ?? ''),
  orderedBy: (r) => storedOrganisation(r.receivingOrganisationId),
  status: (r, _, ctx) => deadlines.deriveStatus(r, ctx.now),
  personnummer: (r) => formatIdentityNumber(r.personnummer),
  startDate: (r) => r.placeStartDate ?? '',
  lapsesOn: (r) => r.placeLapsesOn ?? '',
};

export const TreatmentOffer: TreatmentOfferResolvers = {
  ward: (o, _, ctx) => (o.wardId ? wardById(ctx, o.wardId) : null),
  provider: async (o, _, ctx) => storedOrganisation(o.wardId ? (await wardById(ctx, o.wardId)).organisationId : o.receivingOrganisationId),
  orderedFromOtherProvider: async (o, _, ctx) => (o.wardId ? (await wardById(ctx, o.wardId)).organisationId !== o.receivingOrganisationId : false),
};
