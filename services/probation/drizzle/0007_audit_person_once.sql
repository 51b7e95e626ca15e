DROP INDEX "audit_event_person_ids_idx";--> statement-breakpoint
ALTER TABLE "audit_event" ALTER COLUMN "content_hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_event" ADD COLUMN "person_of" smallint[];--> statement-breakpoint
ALTER TABLE "audit_event" ADD COLUMN "content_mac" "bytea";--> statement-breakpoint
CREATE INDEX "audit_event_person_ids_idx" ON "audit_event" USING gin ("person_ids") WITH (fastupdate=false);--> statement-breakpoint
-- hand-written below
-- Each person once per event (README, "Audit"): person_ids names the persons of a row's records,
-- each once, and person_of maps the records to them when that is not implied (record n, person n
-- when there are as many persons as records; else person 1, or none). The rows written before
-- (one person per record: the implied mapping) keep their content_hash; new rows have content_mac.
-- The person index is built again above with fastupdate off (no pending list for a request to flush).
ALTER TABLE "audit_event" DROP CONSTRAINT "audit_event_ids_match";--> statement-breakpoint
ALTER TABLE "audit_event" ADD CONSTRAINT "audit_event_persons_match" CHECK (CASE WHEN "person_of" IS NULL
  THEN cardinality("person_ids") <= 1 OR cardinality("person_ids") = cardinality("entity_ids")
  ELSE cardinality("person_of") = cardinality("entity_ids") AND 0 <= ALL ("person_of") AND cardinality("person_ids") >= ALL ("person_of") END);--> statement-breakpoint
ALTER TABLE "audit_event" ADD CONSTRAINT "audit_event_one_hash" CHECK (("content_hash" IS NULL) <> ("content_mac" IS NULL));
