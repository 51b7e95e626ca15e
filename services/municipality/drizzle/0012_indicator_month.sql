CREATE TABLE "care_plan_indicator_counted" (
	"plan_id" uuid NOT NULL,
	"month" date NOT NULL,
	"participant_organisation_ids" text[] NOT NULL,
	"what" text NOT NULL,
	"gender" text,
	"ready_on" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "care_plan_indicator_month" (
	"month" date NOT NULL,
	"participant_organisation_ids" text[] NOT NULL,
	"what" text NOT NULL,
	"gender" text,
	"ready_on" date NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "care_plan_indicator_month_key" UNIQUE NULLS NOT DISTINCT("month","participant_organisation_ids","what","gender","ready_on")
);
--> statement-breakpoint
CREATE INDEX "care_plan_indicator_counted_plan_idx" ON "care_plan_indicator_counted" USING btree ("plan_id");--> statement-breakpoint
-- hand-written below
-- A plan's counts for care_plan_indicator_month, as domain/indicators.ts defined them when it read the
-- plans per request: drawn up (and signed by the individual, contract care, signed by probation) by the
-- Stockholm month it was drawn up; due for follow-up (and followed up in time) by its follow-up day's.
CREATE FUNCTION care_plan_indicator_rows(p uuid)
RETURNS TABLE (plan_id uuid, month date, participant_organisation_ids text[], what text, gender text, ready_on date) LANGUAGE sql STABLE AS $$
  select x.id, case when c.by_follow_up then date_trunc('month', x.follow_up_on)::date
      else date_trunc('month', x.created_at at time zone 'Europe/Stockholm')::date end,
    (select array_agg(o order by o) from unnest(x.participant_organisation_ids) o), c.what, x.legal_gender,
    case when c.by_follow_up then x.follow_up_on else '-infinity'::date end
  from joint_care_plan x, lateral (values
    ('drawn_up', false, true),
    ('signed_by_individual', false, exists (select 1 from care_plan_signature s where s.plan_id = x.id and s.version = x.version and s.as_individual)),
    ('contract_care', false, x.kind = 'CONTRACT_CARE'),
    ('probation_planned', false, x.kind = 'CONTRACT_CARE' and exists (
      select 1 from care_plan_signature s where s.plan_id = x.id and s.organisation_agency = 'PROBATION')),
    ('follow_up_due', true, true),
    ('followed_up', true, exists (select 1 from care_plan_follow_up f where f.plan_id = x.id and f.held_on between x.follow_up_set_on and x.follow_up_on))
  ) c(what, by_follow_up, counts)
  where x.id = p and c.counts
$$;
--> statement-breakpoint
-- Takes away what the plan added, and adds its counts as they are now (in key order: two writers meet in one order).
CREATE FUNCTION care_plan_indicator_recount(p uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- what the plan counted taken away and what it counts now added, as one net change in one
  -- statement, in key order (two writers lock the rows they share in one order; an unchanged count is not touched)
  WITH gone AS (DELETE FROM care_plan_indicator_counted c WHERE c.plan_id = p RETURNING c.month, c.participant_organisation_ids, c.what, c.gender, c.ready_on),
  added AS (INSERT INTO care_plan_indicator_counted SELECT * FROM care_plan_indicator_rows(p) RETURNING month, participant_organisation_ids, what, gender, ready_on),
  delta AS (SELECT g.*, -1 AS sign FROM gone g UNION ALL SELECT a.*, 1 FROM added a)
  INSERT INTO care_plan_indicator_month AS t (month, participant_organisation_ids, what, gender, ready_on, n)
  SELECT d.month, d.participant_organisation_ids, d.what, d.gender, d.ready_on, sum(d.sign)::int FROM delta d
  GROUP BY 1, 2, 3, 4, 5 HAVING sum(d.sign) <> 0 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT ON CONSTRAINT care_plan_indicator_month_key DO UPDATE SET n = t.n + excluded.n;
END
$$;
--> statement-breakpoint
-- Every plan's counts afresh (after a bulk load that deferred them: scripts/seed-large.ts).
CREATE FUNCTION care_plan_indicator_refill() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM care_plan_indicator_counted;
  DELETE FROM care_plan_indicator_month;
  INSERT INTO care_plan_indicator_counted SELECT x.* FROM joint_care_plan p, care_plan_indicator_rows(p.id) x;
  INSERT INTO care_plan_indicator_month (month, participant_organisation_ids, what, gender, ready_on, n)
  SELECT month, participant_organisation_ids, what, gender, ready_on, count(*)::int FROM care_plan_indicator_counted GROUP BY 1, 2, 3, 4, 5;
END
$$;
--> statement-breakpoint
-- A bulk load may set hub.indicators_deferred to 'on' in its transaction and call care_plan_indicator_refill() at its end.
CREATE FUNCTION care_plan_indicator_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('hub.indicators_deferred', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'joint_care_plan' THEN
    PERFORM care_plan_indicator_recount(CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
  ELSE
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      PERFORM care_plan_indicator_recount(OLD.plan_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.plan_id <> OLD.plan_id) THEN
      PERFORM care_plan_indicator_recount(NEW.plan_id);
    END IF;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER care_plan_indicator_keep AFTER INSERT OR UPDATE OR DELETE ON joint_care_plan
  FOR EACH ROW EXECUTE FUNCTION care_plan_indicator_keep();
--> statement-breakpoint
CREATE TRIGGER care_plan_indicator_keep AFTER INSERT OR UPDATE OR DELETE ON care_plan_signature
  FOR EACH ROW EXECUTE FUNCTION care_plan_indicator_keep();
--> statement-breakpoint
CREATE TRIGGER care_plan_indicator_keep AFTER INSERT OR UPDATE OR DELETE ON care_plan_follow_up
  FOR EACH ROW EXECUTE FUNCTION care_plan_indicator_keep();
--> statement-breakpoint
-- the plans written before this migration
SELECT care_plan_indicator_refill();
