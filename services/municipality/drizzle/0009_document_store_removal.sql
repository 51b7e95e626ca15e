ALTER TABLE "document" ADD COLUMN "sha256" text;--> statement-breakpoint
ALTER TABLE "document" ADD COLUMN "storage_key" text;--> statement-breakpoint
ALTER TABLE "document" ADD COLUMN "removed_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "document" ADD COLUMN "removed_by" text;--> statement-breakpoint
ALTER TABLE "document" ADD COLUMN "removed_by_name" text;--> statement-breakpoint
ALTER TABLE "document" ADD COLUMN "removed_by_organisation_id" text;--> statement-breakpoint
ALTER TABLE "document" ADD COLUMN "removal_reason" text;--> statement-breakpoint
CREATE INDEX "document_pending_idx" ON "document" USING btree ("upload_expires_at") WHERE "document"."uploaded_at" is null;