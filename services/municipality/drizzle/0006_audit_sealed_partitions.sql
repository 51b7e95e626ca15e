-- The audit trail without a lock shared by every request (README, "Audit
-- trail"). The events written so far keep their table and hash chain, renamed
-- audit_event_legacy (audit:verify still checks it). The new audit_event holds
-- one row per action, entity, basis, fields and owner of a request, with its
-- records and persons as arrays, each row's own content hash and the id of the
-- transaction that wrote it; it is partitioned by month on "at" (a DEFAULT
-- partition takes what no month partition does, so an insert never fails).
-- audit_seal holds the seals the sealer chains the events with. Both refuse
-- UPDATE, DELETE and TRUNCATE, like the legacy table (which now refuses INSERT too).
ALTER TABLE "audit_event" RENAME TO "audit_event_legacy";--> statement-breakpoint
ALTER TABLE "audit_event_legacy" RENAME CONSTRAINT "audit_event_pkey" TO "audit_event_legacy_pkey";--> statement-breakpoint
ALTER TABLE "audit_event_legacy" RENAME CONSTRAINT "audit_event_id_unique" TO "audit_event_legacy_id_unique";--> statement-breakpoint
ALTER INDEX "audit_event_at_idx" RENAME TO "audit_event_legacy_at_idx";--> statement-breakpoint
ALTER INDEX "audit_event_person_idx" RENAME TO "audit_event_legacy_person_idx";--> statement-breakpoint
ALTER INDEX "audit_event_user_idx" RENAME TO "audit_event_legacy_user_idx";--> statement-breakpoint
ALTER INDEX "audit_event_owner_idx" RENAME TO "audit_event_legacy_owner_idx";--> statement-breakpoint
ALTER SEQUENCE "audit_event_seq_seq" RENAME TO "audit_event_legacy_seq_seq";--> statement-breakpoint
CREATE FUNCTION hub_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_ARGV[0], TG_OP;
END
$$;--> statement-breakpoint
DROP TRIGGER "audit_event_no_change" ON "audit_event_legacy";--> statement-breakpoint
DROP TRIGGER "audit_event_no_truncate" ON "audit_event_legacy";--> statement-breakpoint
DROP FUNCTION audit_event_append_only();--> statement-breakpoint
CREATE TRIGGER audit_event_legacy_no_change BEFORE UPDATE OR DELETE ON audit_event_legacy
  FOR EACH ROW EXECUTE FUNCTION hub_append_only('audit_event_legacy');--> statement-breakpoint
CREATE TRIGGER audit_event_legacy_no_truncate BEFORE TRUNCATE ON audit_event_legacy
  FOR EACH STATEMENT EXECUTE FUNCTION hub_append_only('audit_event_legacy');--> statement-breakpoint
-- Nothing is added to the legacy table any more (its seq would meet the new table's).
CREATE FUNCTION hub_closed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is closed: % is not allowed', TG_ARGV[0], TG_OP;
END
$$;--> statement-breakpoint
CREATE TRIGGER audit_event_legacy_no_insert BEFORE INSERT ON audit_event_legacy
  FOR EACH STATEMENT EXECUTE FUNCTION hub_closed('audit_event_legacy');--> statement-breakpoint
CREATE TABLE "audit_event" (
	"seq" bigserial NOT NULL,
	"id" uuid NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"user_id" text NOT NULL,
	"user_name" text NOT NULL,
	"organisation_id" text NOT NULL,
	"roles" text[] NOT NULL,
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"entity_ids" text[] NOT NULL,
	"person_ids" text[] NOT NULL,
	"fields" text[],
	"basis" text NOT NULL,
	"owner_organisation_id" text NOT NULL,
	"content_hash" text NOT NULL,
	CONSTRAINT "audit_event_seq_at_pk" PRIMARY KEY("seq","at"),
	CONSTRAINT "audit_event_ids_match" CHECK (cardinality("entity_ids") = cardinality("person_ids"))
) PARTITION BY RANGE ("at");--> statement-breakpoint
-- New events come after the legacy ones in seq order (the audit log lists both by seq).
SELECT setval('audit_event_seq_seq', coalesce((SELECT max(seq) FROM audit_event_legacy), 0) + 1, false);--> statement-breakpoint
CREATE INDEX "audit_event_owner_at_idx" ON "audit_event" USING btree ("owner_organisation_id","at");--> statement-breakpoint
CREATE INDEX "audit_event_person_ids_idx" ON "audit_event" USING gin ("person_ids");--> statement-breakpoint
CREATE INDEX "audit_event_user_at_idx" ON "audit_event" USING btree ("user_id","at");--> statement-breakpoint
CREATE INDEX "audit_event_xid_idx" ON "audit_event" USING btree ("xid");--> statement-breakpoint
CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION hub_append_only('audit_event');--> statement-breakpoint
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION hub_append_only('audit_event');--> statement-breakpoint
CREATE TABLE audit_event_default PARTITION OF audit_event DEFAULT;--> statement-breakpoint
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event_default
  FOR EACH STATEMENT EXECUTE FUNCTION hub_append_only('audit_event');--> statement-breakpoint
-- This month and the next two (the sealer keeps creating them ahead, the same way).
DO $$
DECLARE
  m date;
  name text;
BEGIN
  FOR i IN 0..2 LOOP
    m := (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i))::date;
    name := format('audit_event_%s', to_char(m, 'YYYY_MM'));
    EXECUTE format('CREATE TABLE %I PARTITION OF audit_event FOR VALUES FROM (%L) TO (%L)', name, m::text || ' 00:00:00+00', (m + interval '1 month')::date::text || ' 00:00:00+00');
    EXECUTE format('CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION hub_append_only(%L)', name, 'audit_event');
  END LOOP;
END
$$;--> statement-breakpoint
CREATE TABLE "audit_seal" (
	"seal_no" bigint PRIMARY KEY NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"xid_from" "xid8" NOT NULL,
	"xid_to" "xid8" NOT NULL,
	"event_count" integer NOT NULL,
	"first_seq" bigint,
	"last_seq" bigint,
	"root" text NOT NULL,
	"mac" text NOT NULL
);--> statement-breakpoint
CREATE TRIGGER audit_seal_no_change BEFORE UPDATE OR DELETE ON audit_seal
  FOR EACH ROW EXECUTE FUNCTION hub_append_only('audit_seal');--> statement-breakpoint
CREATE TRIGGER audit_seal_no_truncate BEFORE TRUNCATE ON audit_seal
  FOR EACH STATEMENT EXECUTE FUNCTION hub_append_only('audit_seal');
