ALTER TABLE "audit_event" ADD COLUMN "owner_organisation_id" text;--> statement-breakpoint
CREATE INDEX "audit_event_owner_idx" ON "audit_event" USING btree ("owner_organisation_id","at");