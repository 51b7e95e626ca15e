CREATE TABLE "withdrawal_indicator_month" (
	"referring_organisation_id" text NOT NULL,
	"month" date NOT NULL,
	"what" text NOT NULL,
	"gender" text NOT NULL,
	"ready_on" date NOT NULL,
	"days" integer,
	"n" integer NOT NULL,
	CONSTRAINT "withdrawal_indicator_month_key" UNIQUE NULLS NOT DISTINCT("referring_organisation_id","month","what","gender","ready_on","days")
);
--> statement-breakpoint
CREATE INDEX "withdrawal_referral_in_ward_idx" ON "withdrawal_referral" USING btree ("place_ward_id",coalesce("completed_at", 'infinity'::timestamptz),"admitted_at") WHERE admitted_at is not null;--> statement-breakpoint
-- hand-written below
-- A referral's contributions to withdrawal_indicator_month: one row per count of each of its
-- assessment cycles (the current one and those in earlier_cycles), by the Stockholm month of the
-- day the count goes by (started, decided, offered, admitted). The same definitions as
-- domain/indicators.ts had when it read the referrals per request.
CREATE FUNCTION withdrawal_indicator_rows(r withdrawal_referral)
RETURNS TABLE (month date, what text, gender text, ready_on date, days integer) LANGUAGE sql STABLE AS $$
  with cyc as (
    select r.cycle as n, (r.cycle_started_at at time zone 'Europe/Stockholm')::date as started, r.assessment_due_by as due,
      (r.assessment_meeting_at at time zone 'Europe/Stockholm')::date as meeting, r.assessment_deadline_missed as missed,
      r.decision_needed as needed, (r.decided_at at time zone 'Europe/Stockholm')::date as decided,
      (r.place_offered_at at time zone 'Europe/Stockholm')::date as offered, r.place_due_by as place_due, r.place_start_date as place_start,
      -- a place the ward refused to admit never lapses
      case when r.admission_refused_at is null then r.place_lapses_on end as lapses_on,
      (r.admitted_at at time zone 'Europe/Stockholm')::date as admitted, false as closed_lapsed
    union all
    select (c->>'cycle')::int, ((c->>'startedAt')::timestamptz at time zone 'Europe/Stockholm')::date, (c->>'assessmentDueBy')::date,
      ((c->>'assessmentMeetingAt')::timestamptz at time zone 'Europe/Stockholm')::date, (c->>'assessmentDeadlineMissed')::boolean,
      (c->'decision'->>'needed')::boolean, ((c->'decision'->>'decidedAt')::timestamptz at time zone 'Europe/Stockholm')::date,
      ((c->'placeOffer'->>'offeredAt')::timestamptz at time zone 'Europe/Stockholm')::date,
      (c->'placeOffer'->>'dueBy')::date, (c->'placeOffer'->>'startDate')::date,
      -- a cycle that ended in a refused admission is settled, never a lapse
      case when c->>'outcome' = 'ADMISSION_REFUSED' then null else (c->'placeOffer'->>'lapsesOn')::date end, null::date, c->>'outcome' = 'LAPSED'
    from jsonb_array_elements(r.earlier_cycles) c
  ), facts as (
    select cyc.*, case when substring(r.personnummer from 11 for 1)::int % 2 = 1 then 'MEN' else 'WOMEN' end as gender,
      (r.assessments @> '[{"instrument": "AUDIT"}]' or r.assessments @> '[{"instrument": "DUDIT"}]') as screened,
      r.assessments @> '[{"instrument": "ASI"}]' as asi
    from cyc
  ), counted as (
    select started as d, 'received' as what, '-infinity'::date as ready_on, null::int as days from facts where n = 1
    union all select started, 'assess_due', case when meeting is not null then '-infinity'::date else due end, null from facts
      where meeting is not null or due is not null
    union all select started, 'assess_in_time', '-infinity', null from facts where meeting is not null and not missed
    union all select started, 'meeting_n', '-infinity', meeting - started from facts where meeting is not null
    union all select decided, 'decisions', case when offered is not null then '-infinity'::date else decided + 14 end, null from facts where needed
    union all select decided, 'placed_in_time', '-infinity', null from facts where needed and offered is not null and place_start <= place_due
    union all select decided, 'place_n', '-infinity', place_start - decided from facts where needed and offered is not null
    union all select offered, 'offers_settled', case when admitted is not null or closed_lapsed then '-infinity'::date else lapses_on end, null from facts
      where admitted is not null or closed_lapsed or lapses_on is not null
    union all select offered, 'lapsed', case when closed_lapsed then '-infinity'::date else lapses_on end, null from facts
      where admitted is null and (closed_lapsed or lapses_on is not null)
    union all select admitted, 'waiting_n', '-infinity', admitted - offered from facts where offered is not null
    union all select started, 'new_after_lapse', '-infinity', null from facts where n > 1
    union all select started, 'screened', '-infinity', null from facts where n = 1 and screened
    union all select started, 'asi', '-infinity', null from facts where n = 1 and asi
  )
  select date_trunc('month', d)::date, what, case when substring(r.personnummer from 11 for 1)::int % 2 = 1 then 'MEN' else 'WOMEN' end, ready_on, days
  from counted where d is not null
$$;
--> statement-breakpoint
-- Adds (sign 1) or takes away (sign -1) a referral's contributions, in key order (two writers meet in one order).
CREATE FUNCTION withdrawal_indicator_apply(r withdrawal_referral, sign integer) RETURNS void LANGUAGE sql AS $$
  insert into withdrawal_indicator_month as t (referring_organisation_id, month, what, gender, ready_on, days, n)
  select r.referring_organisation_id, x.month, x.what, x.gender, x.ready_on, x.days, sign * count(*)::int
  from withdrawal_indicator_rows(r) x
  group by x.month, x.what, x.gender, x.ready_on, x.days
  order by x.month, x.what, x.gender, x.ready_on, x.days
  on conflict on constraint withdrawal_indicator_month_key do update set n = t.n + excluded.n
$$;
--> statement-breakpoint
-- A referral changed: what its old row counted taken away and what its new row counts added, as one
-- net change in one statement, in key order (two writers lock the rows they share in one order, and
-- a count that did not change is not touched at all).
CREATE FUNCTION withdrawal_indicator_change(o withdrawal_referral, r withdrawal_referral) RETURNS void LANGUAGE sql AS $$
  insert into withdrawal_indicator_month as t (referring_organisation_id, month, what, gender, ready_on, days, n)
  select d.org, d.month, d.what, d.gender, d.ready_on, d.days, sum(d.sign)::int
  from (
    select o.referring_organisation_id as org, x.month, x.what, x.gender, x.ready_on, x.days, -1 as sign from withdrawal_indicator_rows(o) x
    union all
    select r.referring_organisation_id, x.month, x.what, x.gender, x.ready_on, x.days, 1 from withdrawal_indicator_rows(r) x
  ) d
  group by d.org, d.month, d.what, d.gender, d.ready_on, d.days
  having sum(d.sign) <> 0
  order by d.org, d.month, d.what, d.gender, d.ready_on, d.days
  on conflict on constraint withdrawal_indicator_month_key do update set n = t.n + excluded.n
$$;
--> statement-breakpoint
-- Every referral's counts afresh (after a bulk load that deferred them: scripts/seed-large.ts).
CREATE FUNCTION withdrawal_indicator_refill() RETURNS void LANGUAGE sql AS $$
  delete from withdrawal_indicator_month;
  insert into withdrawal_indicator_month (referring_organisation_id, month, what, gender, ready_on, days, n)
  select r.referring_organisation_id, x.month, x.what, x.gender, x.ready_on, x.days, count(*)::int
  from withdrawal_referral r, withdrawal_indicator_rows(r) x
  group by 1, 2, 3, 4, 5, 6;
$$;
--> statement-breakpoint
-- A bulk load may set hub.indicators_deferred to 'on' in its transaction and call withdrawal_indicator_refill() at its end.
CREATE FUNCTION withdrawal_indicator_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('hub.indicators_deferred', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    PERFORM withdrawal_indicator_apply(NEW, 1);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM withdrawal_indicator_apply(OLD, -1);
  ELSE
    PERFORM withdrawal_indicator_change(OLD, NEW);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER withdrawal_indicator_keep AFTER INSERT OR UPDATE OR DELETE ON withdrawal_referral
  FOR EACH ROW EXECUTE FUNCTION withdrawal_indicator_keep();
--> statement-breakpoint
-- the referrals written before this migration
SELECT withdrawal_indicator_refill();
