/**
 * Meetings of the withdrawal pathway: the assessment and planning meeting (booked with
 * bookAssessmentMeeting, which also moves the referral's status) and the joint care-planning
 * meeting after the decision. Each meeting has a time (the first offered one kept: the 14-day
 * rule is judged by it), a duration, a place or video link, participants by role (relatives by
 * relation, names only where needed), one invitation per invited organisation (the referring
 * municipality always) with its answer, and an outcome.
 *
 * Who: the receiving organisation's coordinator books, moves and records the outcome; staff
 * of the receiving organisation see every meeting with every invitation; an invited
 * organisation's caseworkers see the meetings they are invited to with their own invitation
 * only, and answer it; nobody else sees a meeting (the referral is absent for them).
 * Every step is one transaction that locks the referral first (as every referral step does).
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { requirePermission } from '../../../shared/src/access.ts';
import { appendAudit } from '../../../shared/src/audit.ts';
import type { Caller } from '../../../shared/src/caller.ts';
import { openingHoursOf, organisation, type OpeningHours } from '../../../shared/src/directory.ts';
import { conflict, FieldProblems, forbidden, notFound } from '../../../shared/src/errors.ts';
import { holidayOn } from '../../../shared/src/holidays.ts';
import { isUuid } from '../../../shared/src/ids.ts';
import { formatStockholm } from '../../../shared/src/time.ts';
import {
  withdrawalInternalNote,
  withdrawalMeeting,
  withdrawalReferral,
  withdrawalReferralEvent,
  type MeetingRow,
  type ReferralRow,
  type StoredInvitation,
  type StoredParticipant,
} from '../db/schema.ts';
import type { PsychiatryContext } from '../context.ts';
import * as deadlines from './deadlines.ts';
import type { ReferralStatus } from './deadlines.ts';
import { BASIS_INVITED, BASIS_RECEIVER, mayTake, readBasis, requireStep, type Basis } from './policy.ts';

type AnswerBasis = Basis | typeof BASIS_INVITED;
import { localTime, OPEN_STATUSES } from './transitions.ts';
import { storedNote, t, type Msg, type Wording } from '../../../shared/src/i18n.ts';

const ENTITY = 'WithdrawalMeeting';

export const DEFAULT_DURATION_MINUTES = 60;
const MIN_DURATION = 15;
const MAX_DURATION = 480;
const MAX_PARTICIPANTS = 20;

type Tx = Parameters<Parameters<PsychiatryContext['db']['transaction']>[0]>[0];
type Parties = Pick<ReferralRow, 'receivingOrganisationId' | 'referringOrganisationId'>;

// ------------------------------------------------------------------ opening hours

const WEEKDAY_NAMES = [t``, t`Monday`, t`Tuesday`, t`Wednesday`, t`Thursday`, t`Friday`, t`Saturday`, t`Sunday`];

/** The hours in words: "weekdays 08:00–17:00 (Europe/Stockholm)". */
export function hoursInWords(h: OpeningHours): Msg {
  const days = h.days.length === 5 && [1, 2, 3, 4, 5].every((d) => h.days.includes(d)) ? t`weekdays` : h.days.map((d) => WEEKDAY_NAMES[d] ?? String(d));
  return t`${days} ${h.opens}–${h.closes} (Europe/Stockholm)`;
}

/** The Swedish public holiday (or eve treated as one) a meeting at `at` falls on, by its Stockholm date; null on an ordinary day. */
export const holidayAt = (at: Date) => holidayOn(wallClock(at).date);

/** The Stockholm date, ISO weekday and minute of the day of an instant. */
function wallClock(at: Date): { date: string; weekday: number; minute: number } {
  const text = formatStockholm(at); // YYYY-MM-DDTHH:mm:ss.sss+01:00
  const date = text.slice(0, 10);
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return { date, weekday: day === 0 ? 7 : day, minute: Number(text.slice(11, 13)) * 60 + Number(text.slice(14, 16)) };
}

const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether a meeting from `at` for `minutes` lies wholly within the opening hours of one day. */
export function withinOpeningHours(at: Date, minutes: number, h: OpeningHours): boolean {
  const start = wallClock(at);
  const end = wallClock(new Date(at.getTime() + minutes * 60_000));
  if (!h.days.includes(start.weekday)) return false;
  if (start.minute < minuteOf(h.opens)) return false;
  if (end.date !== start.date) return false;
  return end.minute <= minuteOf(h.closes);
}

// ------------------------------------------------------------------ input

export interface ParticipantInput {
  role: StoredParticipant['role'];
  relation?: string | null;
  name?: string | null;
  userId?: string | null;
  organisationId?: string | null;
}

export interface MeetingInput {
  at: Date;
  durationMinutes?: number | null;
  place?: string | null;
  videoLink?: string | null;
  participants?: ParticipantInput[] | null;
  /** other organisations of the directory to invite (the referring one is always invited) */
  inviteOrganisations?: string[] | null;
}

export interface ValidMeeting {
  at: Date;
  durationMinutes: number;
  place: string | null;
  videoLink: string | null;
  participants: StoredParticipant[];
  /** the organisations invited beside the referring one and the participants' (null: those of the meeting rebooked) */
  invited: string[] | null;
}

const MAX_INVITED = 10;

/** The organisations a booking invites: of the directory, neither the host nor the referring one (always invited), each once. */
function invitedOrganisations(p: FieldProblems, list: string[], r: Parties, field = 'inviteOrganisations'): string[] {
  if (list.length > MAX_INVITED) p.add(field, t`At most ${MAX_INVITED} organisations can be invited.`);
  const seen = new Set<string>();
  list.forEach((id, i) => {
    const f = `${field}[${i}]`;
    if (!organisation(id)) p.add(f, t`${id} is not an organisation of the directory.`);
    else if (id === r.receivingOrganisationId) p.add(f, t`The receiving organisation hosts the meeting; it is not invited to it.`);
    else if (id === r.referringOrganisationId) p.add(f, t`The organisation that sent the request is always invited; leave it out.`);
    else if (seen.has(id)) p.add(f, t`${id} is named twice.`);
    seen.add(id);
  });
  return [...seen];
}

function optionalText(p: FieldProblems, value: string | null | undefined, field: string, what: Wording, max: number): string | null {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (v.length > max) p.add(field, t`${what} is too long (at most ${max} characters).`);
  return v.length === 0 ? null : v;
}

/** A meeting's time: not in the past, and wholly within the receiving unit's opening hours. */
export function checkTime(p: FieldProblems, field: string, at: Date, minutes: number, r: Parties, now: Date, what = 'The meeting'): void {
  if (at.getTime() < now.getTime()) {
    p.add(field, t`${what} cannot be booked for a time that has passed.`);
    return;
  }
  const hours = openingHoursOf(r.receivingOrganisationId);
  if (!withinOpeningHours(at, minutes, hours)) {
    p.add(field, t`${what} on ${localTime(at)} for ${minutes} minutes is outside the unit's opening hours: ${hoursInWords(hours)}.`);
    return;
  }
  const holiday = holidayAt(at);
  if (holiday) {
    p.add(field, t`${what} on ${localTime(at)} falls on a public holiday (${holiday.name}); the unit holds no meetings on public holidays.`);
  }
}

function organisationOf(role: StoredParticipant['role'], r: Parties, given: string | null = null): string | null {
  if (role === 'PARTNER_STAFF') return given;
  if (role === 'CASEWORKER') return r.referringOrganisationId;
  if (role === 'PHYSICIAN' || role === 'COORDINATOR') return r.receivingOrganisationId;
  return null;
}

/** The participants when none are given: the individual, the caseworker, (a physician,) the coordinator. */
function defaultParticipants(kind: MeetingRow['kind']): ParticipantInput[] {
  const roles: Array<StoredParticipant['role']> =
    kind === 'ASSESSMENT' ? ['INDIVIDUAL', 'CASEWORKER', 'COORDINATOR'] : ['INDIVIDUAL', 'CASEWORKER', 'PHYSICIAN', 'COORDINATOR'];
  return roles.map((role) => ({ role }));
}

function participantsOf(p: FieldProblems, list: ParticipantInput[], r: Parties): StoredParticipant[] {
  if (list.length === 0) p.add('participants', t`Name at least one participant, or leave participants out for the default ones.`);
  if (list.length > MAX_PARTICIPANTS) p.add('participants', t`At most ${MAX_PARTICIPANTS} participants.`);
  if (list.filter((x) => x.role === 'INDIVIDUAL').length > 1) p.add('participants', t`The individual is named once.`);
  return list.map((x, i) => {
    const relation = optionalText(p, x.relation, `participants[${i}].relation`, t`The relation`, 100);
    if (x.role === 'RELATIVE' && !relation) p.add(`participants[${i}].relation`, t`Give a relative's relation to the individual (e.g. mother, partner).`);
    if (x.role !== 'RELATIVE' && relation) p.add(`participants[${i}].relation`, t`A relation is given only for a relative.`);
    const name = optionalText(p, x.name, `participants[${i}].name`, t`The name`, 200);
    const userId = optionalText(p, x.userId, `participants[${i}].userId`, t`The user id`, 200);
    if (userId && x.role !== 'PHYSICIAN' && x.role !== 'COORDINATOR') {
      p.add(`participants[${i}].userId`, t`A user id is given only for a physician or coordinator of the unit.`);
    }
    let given: string | null = null;
    if (x.role === 'PARTNER_STAFF') {
      const f = `participants[${i}].organisationId`;
      if (!x.organisationId) p.add(f, t`Name the organisation a partner acts for.`);
      else if (!organisation(x.organisationId)) p.add(f, t`${x.organisationId} is not an organisation of the directory.`);
      else if (x.organisationId === r.receivingOrganisationId || x.organisationId === r.referringOrganisationId) {
        p.add(f, t`A partner acts for an organisation other than the two of the request (use COORDINATOR, PHYSICIAN or CASEWORKER).`);
      } else given = x.organisationId;
    } else if (x.organisationId) p.add(`participants[${i}].organisationId`, t`An organisation is given only for a partner (PARTNER_STAFF).`);
    const stored: StoredParticipant = {
      role: x.role,
      relation: x.role === 'RELATIVE' ? relation : null,
      name,
      organisationId: organisationOf(x.role, r, given),
    };
    return userId && (x.role === 'PHYSICIAN' || x.role === 'COORDINATOR') ? { ...stored, userId } : stored;
  });
}

/**
 * A meeting's fields, every problem collected in `p`. `before` is the meeting being rebooked
 * (its fields are kept where the input leaves them out). `needsPlace`: a place or video link is required.
 */
export function validateMeeting(
  p: FieldProblems,
  input: MeetingInput,
  r: Parties,
  kind: MeetingRow['kind'],
  now: Date,
  before: MeetingRow | null,
  needsPlace: boolean,
): ValidMeeting {
  let durationMinutes = input.durationMinutes ?? before?.durationMinutes ?? DEFAULT_DURATION_MINUTES;
  if (!Number.isInteger(durationMinutes) || durationMinutes < MIN_DURATION || durationMinutes > MAX_DURATION) {
    p.add('durationMinutes', t`The duration must be ${MIN_DURATION}–${MAX_DURATION} minutes.`);
    durationMinutes = DEFAULT_DURATION_MINUTES;
  }
  checkTime(p, 'at', input.at, durationMinutes, r, now, kind === 'ASSESSMENT' ? 'The assessment meeting' : 'The care-planning meeting');
  const place = input.place === undefined ? (before?.place ?? null) : optionalText(p, input.place, 'place', t`The place`, 200);
  let videoLink = input.videoLink === undefined ? (before?.videoLink ?? null) : optionalText(p, input.videoLink, 'videoLink', t`The video link`, 500);
  if (videoLink !== null && input.videoLink !== undefined && !isHttpsUrl(videoLink)) {
    p.add('videoLink', t`The video link must be an https:// address.`);
    videoLink = null;
  }
  if (needsPlace && place === null && videoLink === null && !p.list.some((x) => x.field === 'videoLink')) {
    p.add('place', t`Give the place of the meeting, or a video link.`);
  }
  const participants =
    input.participants === undefined || input.participants === null
      ? (before?.participants ?? participantsOf(p, defaultParticipants(kind), r))
      : participantsOf(p, input.participants, r);
  const invited = input.inviteOrganisations === undefined || input.inviteOrganisations === null ? null : invitedOrganisations(p, input.inviteOrganisations, r);
  return { at: input.at, durationMinutes, place, videoLink, participants, invited };
}

function isHttpsUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'https:' && u.hostname.length > 0 && !/\s/.test(text);
  } catch {
    return false;
  }
}

/**
 * The organisations asked to come, each invitation pending (again): the referring municipality
 * always, any other organisation a participant acts for, and those invited by name.
 */
function invitationsFor(participants: StoredParticipant[], r: Parties, invited: readonly string[] = []): StoredInvitation[] {
  const orgs = new Set([r.referringOrganisationId]);
  for (const x of participants) if (x.organisationId && x.organisationId !== r.receivingOrganisationId) orgs.add(x.organisationId);
  for (const id of invited) orgs.add(id);
  return [...orgs].map((organisationId) => ({ organisationId, answer: 'PENDING', proposedAt: null, comment: null, answeredAt: null, answeredByName: null }));
}

/** The organisations of a meeting's invitations (a move asks them all again). */
const invitedOf = (m: MeetingRow) => m.invitations.map((i) => i.organisationId);

// ------------------------------------------------------------------ clashes

/** The room as compared for clashes: case, surrounding and repeated spaces ignored. */
const roomKey = (place: string) => place.trim().replace(/\s+/g, ' ').toLowerCase();
const roomKeySql = sql`lower(regexp_replace(btrim(${withdrawalMeeting.place}), '\s+', ' ', 'g'))`;

/** Bookings of one unit queue here (a transaction-scoped advisory lock, after the referral's row lock), so two bookings of one slot never both pass the check. */
const MEETING_LOCK_KEY = 7_130_014;

/**
 * A meeting must not overlap another booked meeting of the same receiving unit in the same room
 * (the place, compared without case and spacing) or with the same physician or coordinator (by
 * the user id the booking names). Under the unit's lock: CONFLICT naming the clashing meeting
 * (extensions.clashingMeetingId) and what they share, no personal data.
 */
export async function requireNoClash(
  tx: Tx,
  r: Parties,
  meetingId: string | null,
  v: Pick<ValidMeeting, 'at' | 'durationMinutes' | 'place' | 'participants'>,
): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${MEETING_LOCK_KEY}, hashtext(${r.receivingOrganisationId}))`);
  const room = v.place ? roomKey(v.place) : null;
  const users = [...new Set(v.participants.flatMap((x) => (x.userId ? [x.userId] : [])))];
  const shared: SQL[] = [
    ...(room ? [sql`${roomKeySql} = ${room}`] : []),
    ...users.map((u) => sql`${withdrawalMeeting.participants} @> ${JSON.stringify([{ userId: u }])}::jsonb`),
  ];
  if (shared.length === 0) return;
  const end = new Date(v.at.getTime() + v.durationMinutes * 60_000);
  const rows = await tx
    .select({
      id: withdrawalMeeting.id,
      startAt: withdrawalMeeting.startAt,
      durationMinutes: withdrawalMeeting.durationMinutes,
      place: withdrawalMeeting.place,
      participants: withdrawalMeeting.participants,
    })
    .from(withdrawalMeeting)
    .innerJoin(withdrawalReferral, eq(withdrawalReferral.id, withdrawalMeeting.referralId))
    .where(
      and(
        eq(withdrawalReferral.receivingOrganisationId, r.receivingOrganisationId),
        eq(withdrawalMeeting.status, 'BOOKED'),
        lt(withdrawalMeeting.startAt, end),
        // no meeting is longer than MAX_DURATION: the index range on start_at
        gt(withdrawalMeeting.startAt, new Date(v.at.getTime() - MAX_DURATION * 60_000)),
        meetingId ? ne(withdrawalMeeting.id, meetingId) : undefined,
        or(...shared),
      ),
    )
    .orderBy(asc(withdrawalMeeting.startAt), asc(withdrawalMeeting.id));
  const clash = rows.find((m) => m.startAt.getTime() + m.durationMinutes * 60_000 > v.at.getTime());
  if (!clash) return;
  const sameRoom = room !== null && clash.place !== null && roomKey(clash.place) === room;
  throw conflict(
    sameRoom
      ? t`The meeting overlaps the booked meeting ${clash.id} in the same room (${localTime(clash.startAt)}, ${clash.durationMinutes} minutes); choose another time or place.`
      : t`The meeting overlaps the booked meeting ${clash.id} with the same physician or coordinator (${localTime(clash.startAt)}, ${clash.durationMinutes} minutes); choose another time.`,
    { clashingMeetingId: clash.id, clashOn: sameRoom ? 'PLACE' : 'PARTICIPANT' },
  );
}

// ------------------------------------------------------------------ views and reads

/** A meeting as one caller sees it: the invitations limited to what they may see. */
export interface MeetingView {
  row: MeetingRow;
  invitations: StoredInvitation[];
  /** the participants the caller sees: all for the host (with user ids), all without user ids for the referring organisation, its own for another invited one */
  participants: StoredParticipant[];
  /** false for an organisation invited that is neither party of the request: no outcome reason */
  party: boolean;
}

const withoutUserId = ({ userId: _userId, ...x }: StoredParticipant): StoredParticipant => x;

/** The host's view of a meeting: everything. */
const hostView = (row: MeetingRow): MeetingView => ({ row, invitations: row.invitations, participants: row.participants, party: true });

/** What a caller with `basis` on the referral sees of a meeting; null when their organisation is not invited to it. */
export function meetingFor(caller: Caller, basis: AnswerBasis, row: MeetingRow): MeetingView | null {
  if (basis === BASIS_RECEIVER) return hostView(row);
  const own = row.invitations.filter((i) => i.organisationId === caller.organisation.id);
  if (own.length === 0) return null;
  if (basis === BASIS_INVITED) {
    return {
      row,
      invitations: own,
      participants: row.participants.filter((x) => x.organisationId === caller.organisation.id).map(withoutUserId),
      party: false,
    };
  }
  return { row, invitations: own, participants: row.participants.map(withoutUserId), party: true };
}

/** The meetings of a referral the caller sees (the referral itself is visible to them); the read is audited like the referral's other fields. */
export async function meetingsOf(ctx: PsychiatryContext, r: ReferralRow): Promise<MeetingView[]> {
  const basis = readBasis(ctx.caller, r);
  if (!basis) return [];
  const rows = await ctx.loaders.meetings.load(r.id);
  const seen = rows.map((m) => meetingFor(ctx.caller, basis, m)).filter((m): m is MeetingView => m !== null);
  if (seen.length > 0) {
    ctx.audit.read({ entity: ENTITY, entityId: r.id, personId: r.personId, fields: ['meetings'], basis, owner: r.receivingOrganisationId });
  }
  return seen;
}

export const meetingNotVisible = (id: string) => notFound(t`There is no meeting ${id} that you can see.`);

// ------------------------------------------------------------------ shared step outline

/**
 * The referral of a meeting locked (before the meeting, the order every referral step takes),
 * the meeting locked; NOT_FOUND when either is absent or the referral is not visible.
 */
async function lockMeeting(tx: Tx, ctx: PsychiatryContext, meetingId: string): Promise<{ referral: ReferralRow; meeting: MeetingRow; basis: Basis }> {
  if (!isUuid(meetingId)) throw meetingNotVisible(meetingId);
  const [found] = await tx.select({ referralId: withdrawalMeeting.referralId }).from(withdrawalMeeting).where(eq(withdrawalMeeting.id, meetingId));
  if (!found) throw meetingNotVisible(meetingId);
  const [referral] = await tx.select().from(withdrawalReferral).where(eq(withdrawalReferral.id, found.referralId)).for('update');
  const basis = referral ? readBasis(ctx.caller, referral) : null;
  if (!referral || !basis) throw meetingNotVisible(meetingId);
  const [meeting] = await tx.select().from(withdrawalMeeting).where(eq(withdrawalMeeting.id, meetingId)).for('update');
  if (!meeting) throw meetingNotVisible(meetingId);
  return { referral, meeting, basis };
}

function requireOpen(status: ReferralStatus, what: Wording): void {
  if (!OPEN_STATUSES.includes(status)) throw conflict(t`${what} only while the request is open; this referral is ${status}.`, { status });
}

function requireBooked(m: MeetingRow, what: Wording): void {
  if (m.status !== 'BOOKED') throw conflict(t`${what} only while it is booked; this meeting is ${m.status}.`, { meetingStatus: m.status });
}

const orgName = (id: string) => organisation(id)?.name ?? id;

async function record(
  tx: Tx,
  ctx: PsychiatryContext,
  r: ReferralRow,
  basis: AnswerBasis,
  e: { kind: string; note: Wording; meetingId: string; action: 'CREATE' | 'UPDATE'; fields: string[]; internalNote?: string | null },
) {
  const { caller, now } = ctx;
  await tx.insert(withdrawalReferralEvent).values({
    id: randomUUID(),
    referralId: r.id,
    at: now,
    kind: e.kind,
    byName: caller.name,
    byOrganisationId: caller.organisation.id,
    note: storedNote(e.note),
  });
  if (e.internalNote) {
    await tx.insert(withdrawalInternalNote).values({ id: randomUUID(), referralId: r.id, at: now, kind: e.kind, byName: caller.name, text: e.internalNote });
  }
  await tx.update(withdrawalReferral).set({ updatedAt: now }).where(eq(withdrawalReferral.id, r.id));
  await appendAudit(tx, caller, [
    { action: e.action, entity: ENTITY, entityId: e.meetingId, personId: r.personId, fields: [e.kind, ...e.fields], basis, owner: r.receivingOrganisationId },
  ]);
}

function described(v: Pick<ValidMeeting, 'at' | 'durationMinutes' | 'place' | 'videoLink'>): Msg {
  const at = localTime(v.at);
  if (v.place && v.videoLink) return t`${at}, ${v.durationMinutes} minutes at ${v.place}, or by video`;
  if (v.place) return t`${at}, ${v.durationMinutes} minutes at ${v.place}`;
  if (v.videoLink) return t`${at}, ${v.durationMinutes} minutes by video`;
  return t`${at}, ${v.durationMinutes} minutes`;
}

// ------------------------------------------------------------------ the assessment meeting (inside bookAssessmentMeeting's step)

/** The booked assessment meeting of the referral's current cycle, locked, or null. */
export async function bookedAssessmentMeeting(tx: Tx, r: ReferralRow): Promise<MeetingRow | null> {
  const [m] = await tx
    .select()
    .from(withdrawalMeeting)
    .where(
      and(
        eq(withdrawalMeeting.referralId, r.id),
        eq(withdrawalMeeting.cycle, r.cycle),
        eq(withdrawalMeeting.kind, 'ASSESSMENT'),
        eq(withdrawalMeeting.status, 'BOOKED'),
      ),
    )
    .orderBy(asc(withdrawalMeeting.firstOfferedAt))
    .for('update');
  return m ?? null;
}

/**
 * The assessment meeting a booking writes, inside the referral step's transaction: the booked
 * meeting of the cycle moved (its first offered time kept, the invitations asked again), or a new one.
 */
export async function writeAssessmentMeeting(tx: Tx, ctx: PsychiatryContext, r: ReferralRow, before: MeetingRow | null, v: ValidMeeting): Promise<string> {
  const { caller, now } = ctx;
  const invitations = invitationsFor(v.participants, r, v.invited ?? (before ? invitedOf(before) : []));
  if (before) {
    await tx
      .update(withdrawalMeeting)
      .set({
        startAt: v.at,
        durationMinutes: v.durationMinutes,
        place: v.place,
        videoLink: v.videoLink,
        participants: v.participants,
        invitations,
        updatedAt: now,
      })
      .where(eq(withdrawalMeeting.id, before.id));
    return before.id;
  }
  const id = randomUUID();
  await tx.insert(withdrawalMeeting).values({
    id,
    referralId: r.id,
    cycle: r.cycle,
    kind: 'ASSESSMENT',
    startAt: v.at,
    firstOfferedAt: v.at,
    durationMinutes: v.durationMinutes,
    place: v.place,
    videoLink: v.videoLink,
    participants: v.participants,
    invitations,
    status: 'BOOKED',
    outcomeReason: null,
    outcomeAt: null,
    outcomeByName: null,
    bookedAt: now,
    bookedByName: caller.name,
    updatedAt: now,
  });
  return id;
}

/** A withdrawn request's booked meetings, cancelled with the withdrawal's reason (inside the withdrawal's transaction). */
export async function cancelBookedMeetings(tx: Tx, ctx: PsychiatryContext, r: ReferralRow, reason: string): Promise<void> {
  await tx
    .update(withdrawalMeeting)
    .set({ status: 'CANCELLED', outcomeReason: reason, outcomeAt: ctx.now, outcomeByName: ctx.caller.name, updatedAt: ctx.now })
    .where(and(eq(withdrawalMeeting.referralId, r.id), eq(withdrawalMeeting.status, 'BOOKED')));
}

// ------------------------------------------------------------------ the care-planning meeting

/** After a decision that treatment is needed, until the request closes. */
const CARE_PLANNING_FROM: readonly ReferralStatus[] = ['CARE_PLANNING', 'PLACE_OFFERED', 'ADMISSION_REFUSED', 'ADMITTED'];

export interface CarePlanningInput extends MeetingInput {
  internalNote?: string | null;
}

export async function bookCarePlanningMeeting(ctx: PsychiatryContext, referralId: string, input: CarePlanningInput): Promise<MeetingView> {
  const { caller, now } = ctx;
  mayTake(caller, 'bookMeeting');
  if (!isUuid(referralId)) throw notFound(t`There is no withdrawal referral ${referralId} that you can see.`);
  return ctx.db.transaction(async (tx) => {
    const [r] = await tx.select().from(withdrawalReferral).where(eq(withdrawalReferral.id, referralId)).for('update');
    const basis = requireStep(caller, r, referralId, 'bookMeeting');
    if (!r) throw notFound(t`There is no withdrawal referral ${referralId} that you can see.`);
    const status = deadlines.deriveStatus(r, now);
    if (!CARE_PLANNING_FROM.includes(status)) {
      throw conflict(t`A care-planning meeting can be booked only after a decision that treatment is needed; this referral is ${status}.`, { status });
    }
    const p = new FieldProblems();
    const internalNote = optionalText(p, input.internalNote, 'internalNote', t`The note`, 10_000);
    const v = validateMeeting(p, input, r, 'CARE_PLANNING', now, null, true);
    p.throwIfAny();
    await requireNoClash(tx, r, null, v);
    const id = randomUUID();
    const [row] = await tx
      .insert(withdrawalMeeting)
      .values({
        id,
        referralId: r.id,
        cycle: r.cycle,
        kind: 'CARE_PLANNING',
        startAt: v.at,
        firstOfferedAt: v.at,
        durationMinutes: v.durationMinutes,
        place: v.place,
        videoLink: v.videoLink,
        participants: v.participants,
        invitations: invitationsFor(v.participants, r, v.invited ?? []),
        status: 'BOOKED',
        outcomeReason: null,
        outcomeAt: null,
        outcomeByName: null,
        bookedAt: now,
        bookedByName: caller.name,
        updatedAt: now,
      })
      .returning();
    await record(tx, ctx, r, basis, {
      kind: 'CARE_PLANNING_MEETING_BOOKED',
      note: t`Joint care-planning meeting on ${described(v)}.`,
      meetingId: id,
      action: 'CREATE',
      fields: ['meetings'],
      internalNote,
    });
    return hostView(row!);
  });
}

// ------------------------------------------------------------------ moving, answering, outcome

/**
 * The coordinator moves a booked meeting: the time first offered is kept (the 14-day rule is
 * judged by it), the invitations are asked again. An assessment meeting moves the referral's
 * meeting time with it (the referral's own step, `moveAssessment`), so it may move only until the decision.
 */
export async function rescheduleMeeting(
  ctx: PsychiatryContext,
  meetingId: string,
  args: { at: Date; reason?: string | null },
  moveAssessment: (tx: Tx, r: ReferralRow, at: Date, reason: string | null) => Promise<void>,
): Promise<MeetingView> {
  const { caller, now } = ctx;
  mayTake(caller, 'bookMeeting');
  return ctx.db.transaction(async (tx) => {
    const { referral: r, meeting: m } = await lockMeeting(tx, ctx, meetingId);
    const basis = requireStep(caller, r, r.id, 'bookMeeting');
    requireOpen(deadlines.deriveStatus(r, now), t`A meeting can be moved`);
    requireBooked(m, t`A meeting can be moved`);
    const p = new FieldProblems();
    const reason = optionalText(p, args.reason, 'reason', t`The reason`, 2_000);
    checkTime(p, 'at', args.at, m.durationMinutes, r, now);
    p.throwIfAny();
    await requireNoClash(tx, r, m.id, { at: args.at, durationMinutes: m.durationMinutes, place: m.place, participants: m.participants });
    const invitations = invitationsFor(m.participants, r, invitedOf(m));
    const [row] = await tx.update(withdrawalMeeting).set({ startAt: args.at, invitations, updatedAt: now }).where(eq(withdrawalMeeting.id, m.id)).returning();
    if (m.kind === 'ASSESSMENT') {
      // the referral's step writes the timeline entry (MEETING_MOVED) and the referral's audit event
      await moveAssessment(tx, r, args.at, reason);
      await appendAudit(tx, caller, [
        {
          action: 'UPDATE',
          entity: ENTITY,
          entityId: m.id,
          personId: r.personId,
          fields: ['MEETING_MOVED', 'startAt'],
          basis,
          owner: r.receivingOrganisationId,
        },
      ]);
    } else {
      await record(tx, ctx, r, basis, {
        kind: 'MEETING_MOVED',
        note: reason
          ? t`Joint care-planning meeting moved to ${localTime(args.at)}. ${reason}`
          : t`Joint care-planning meeting moved to ${localTime(args.at)}.`,
        meetingId: m.id,
        action: 'UPDATE',
        fields: ['startAt'],
      });
    }
    return hostView(row!);
  });
}

const ANSWER_KIND = { ACCEPT: 'INVITATION_ACCEPTED', PROPOSE_TIME: 'INVITATION_TIME_PROPOSED', DECLINE: 'INVITATION_DECLINED' } as const;
const ANSWER_STORED = { ACCEPT: 'ACCEPTED', PROPOSE_TIME: 'PROPOSED_TIME', DECLINE: 'DECLINED' } as const;

/**
 * An invited organisation answers its invitation: accept, propose another time, or decline with a
 * reason. The referring municipality's caseworkers answer on the referral; any other invited
 * organisation (a probation office, a clinic, another municipality or psychiatry organisation)
 * answers without seeing the referral. A meeting one's organisation is not invited to is absent
 * (NOT_FOUND); the host organisation's staff are refused (FORBIDDEN): they move the meeting instead.
 */
export async function answerMeetingInvitation(
  ctx: PsychiatryContext,
  meetingId: string,
  args: { answer: 'ACCEPT' | 'PROPOSE_TIME' | 'DECLINE'; proposedAt?: Date | null; comment?: string | null; reason?: string | null },
): Promise<MeetingView> {
  const { caller, now } = ctx;
  requirePermission(caller, 'withdrawal.answerMeeting');
  if (!isUuid(meetingId)) throw meetingNotVisible(meetingId);
  return ctx.db.transaction(async (tx) => {
    const [found] = await tx.select({ referralId: withdrawalMeeting.referralId }).from(withdrawalMeeting).where(eq(withdrawalMeeting.id, meetingId));
    if (!found) throw meetingNotVisible(meetingId);
    const [r] = await tx.select().from(withdrawalReferral).where(eq(withdrawalReferral.id, found.referralId)).for('update');
    const [m] = await tx.select().from(withdrawalMeeting).where(eq(withdrawalMeeting.id, meetingId)).for('update');
    if (!r || !m) throw meetingNotVisible(meetingId);
    const mine = m.invitations.find((i) => i.organisationId === caller.organisation.id);
    if (!mine) {
      if (caller.organisation.id === r.receivingOrganisationId) {
        throw forbidden(t`Your organisation hosts this meeting; only the organisations invited to it answer (move the meeting instead).`);
      }
      // a meeting one's organisation is not invited to is absent, as any record one may not see
      throw meetingNotVisible(meetingId);
    }
    const basis: AnswerBasis = readBasis(caller, r) ?? BASIS_INVITED;
    requireOpen(deadlines.deriveStatus(r, now), t`An invitation can be answered`);
    requireBooked(m, t`An invitation can be answered`);
    if (m.startAt.getTime() <= now.getTime())
      throw conflict(t`The meeting time has passed; the invitation can no longer be answered.`, { meetingStatus: m.status });
    const p = new FieldProblems();
    const comment = optionalText(p, args.comment, 'comment', t`The comment`, 2_000);
    const reason = optionalText(p, args.reason, 'reason', t`The reason`, 2_000);
    const proposedAt = args.proposedAt ?? null;
    if (args.answer === 'PROPOSE_TIME') {
      if (!proposedAt) p.add('proposedAt', t`Give the time you propose.`);
      else checkTime(p, 'proposedAt', proposedAt, m.durationMinutes, r, now, 'The proposed time');
    } else if (proposedAt) {
      p.add('proposedAt', t`A proposed time is given only with PROPOSE_TIME.`);
    }
    if (args.answer === 'DECLINE' && !reason) p.add('reason', t`Give the reason your organisation declines.`);
    if (args.answer !== 'DECLINE' && reason) p.add('reason', t`A reason is given only with DECLINE (use comment otherwise).`);
    p.throwIfAny();
    const answered: StoredInvitation = {
      ...mine,
      answer: ANSWER_STORED[args.answer],
      proposedAt: args.answer === 'PROPOSE_TIME' ? proposedAt!.toISOString() : null,
      comment,
      reason: args.answer === 'DECLINE' ? reason : null,
      answeredAt: now.toISOString(),
      answeredByName: caller.name,
    };
    const invitations = m.invitations.map((i) => (i.organisationId === mine.organisationId ? answered : i));
    const [row] = await tx.update(withdrawalMeeting).set({ invitations, updatedAt: now }).where(eq(withdrawalMeeting.id, m.id)).returning();
    const what = m.kind === 'ASSESSMENT' ? t`assessment meeting` : t`care-planning meeting`;
    const who = orgName(mine.organisationId);
    const note = {
      ACCEPT: () => t`${who} accepted the ${what} on ${localTime(m.startAt)}.`,
      PROPOSE_TIME: () => t`${who} proposed ${localTime(proposedAt!)} instead of ${localTime(m.startAt)} for the ${what}.`,
      DECLINE: () => t`${who} declined the ${what} on ${localTime(m.startAt)}: ${reason}`,
    }[args.answer]();
    await record(tx, ctx, r, basis, { kind: ANSWER_KIND[args.answer], note, meetingId: m.id, action: 'UPDATE', fields: ['invitations'] });
    return meetingFor(caller, basis, row!)!;
  });
}

// ------------------------------------------------------------------ an invited organisation's invitations

/** A meeting as an invited organisation sees it through meetingInvitations: no personal data, its own participants and invitation. */
export interface InvitedMeetingView {
  row: MeetingRow;
  host: string;
  invitation: StoredInvitation;
  participants: StoredParticipant[];
}

const MAX_INVITATIONS = 200;

/**
 * The invitations of the caller's organisation (any organisation of the directory whose staff may
 * answer invitations), the earliest meeting first: booked meetings from now on unless `includePast`,
 * at most 200. One statement (the GIN index on invitations); each meeting read is audited.
 */
export async function invitationsOfCaller(
  ctx: PsychiatryContext,
  args: { answer?: readonly StoredInvitation['answer'][] | null; includePast?: boolean | null },
): Promise<InvitedMeetingView[]> {
  const { caller, now } = ctx;
  requirePermission(caller, 'withdrawal.answerMeeting');
  const org = caller.organisation.id;
  const rows = await ctx.db
    .select({ meeting: withdrawalMeeting, personId: withdrawalReferral.personId, host: withdrawalReferral.receivingOrganisationId })
    .from(withdrawalMeeting)
    .innerJoin(withdrawalReferral, eq(withdrawalReferral.id, withdrawalMeeting.referralId))
    .where(
      and(
        sql`${withdrawalMeeting.invitations} @> ${JSON.stringify([{ organisationId: org }])}::jsonb`,
        args.includePast ? undefined : and(eq(withdrawalMeeting.status, 'BOOKED'), gt(withdrawalMeeting.startAt, now)),
      ),
    )
    .orderBy(asc(withdrawalMeeting.startAt), asc(withdrawalMeeting.id))
    .limit(MAX_INVITATIONS);
  const views: InvitedMeetingView[] = [];
  for (const { meeting, personId, host } of rows) {
    const invitation = meeting.invitations.find((i) => i.organisationId === org);
    if (!invitation || (args.answer && args.answer.length > 0 && !args.answer.includes(invitation.answer))) continue;
    views.push({ row: meeting, host, invitation, participants: meeting.participants.filter((x) => x.organisationId === org) });
    ctx.audit.read({ entity: ENTITY, entityId: meeting.id, personId, fields: ['meetingInvitations'], basis: BASIS_INVITED, owner: host });
  }
  return views;
}

const OUTCOME_KIND = { HELD: 'MEETING_HELD', NO_SHOW: 'MEETING_NO_SHOW', CANCELLED: 'MEETING_CANCELLED' } as const;

/** Held or no-show once the meeting's time has come; cancelled at any time while booked, with a reason. */
export async function recordMeetingOutcome(
  ctx: PsychiatryContext,
  meetingId: string,
  args: { outcome: 'HELD' | 'NO_SHOW' | 'CANCELLED'; reason?: string | null },
): Promise<MeetingView> {
  const { caller, now } = ctx;
  mayTake(caller, 'bookMeeting');
  return ctx.db.transaction(async (tx) => {
    const { referral: r, meeting: m } = await lockMeeting(tx, ctx, meetingId);
    const basis = requireStep(caller, r, r.id, 'bookMeeting');
    requireBooked(m, t`An outcome can be recorded`);
    if (args.outcome !== 'CANCELLED' && m.startAt.getTime() > now.getTime()) {
      throw conflict(t`The meeting is on ${localTime(m.startAt)}; record HELD or NO_SHOW once its time has come, or CANCELLED with a reason.`, {
        meetingStatus: m.status,
      });
    }
    const p = new FieldProblems();
    const reason = optionalText(p, args.reason, 'reason', t`The reason`, 2_000);
    if (args.outcome === 'CANCELLED' && !reason) p.add('reason', t`Give the reason the meeting is cancelled.`);
    p.throwIfAny();
    const [row] = await tx
      .update(withdrawalMeeting)
      .set({ status: args.outcome, outcomeReason: reason, outcomeAt: now, outcomeByName: caller.name, updatedAt: now })
      .where(eq(withdrawalMeeting.id, m.id))
      .returning();
    const what = m.kind === 'ASSESSMENT' ? t`Assessment and planning meeting` : t`Joint care-planning meeting`;
    const words = { HELD: t`held`, NO_SHOW: t`not attended: the individual did not come`, CANCELLED: t`cancelled` }[args.outcome];
    await record(tx, ctx, r, basis, {
      kind: OUTCOME_KIND[args.outcome],
      note: reason ? t`${what} on ${localTime(m.startAt)} ${words}. ${reason}` : t`${what} on ${localTime(m.startAt)} ${words}.`,
      meetingId: m.id,
      action: 'UPDATE',
      fields: ['status', 'outcomeReason'],
    });
    return hostView(row!);
  });
}
