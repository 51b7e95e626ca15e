ALTER TABLE "care_plan_signature" ADD COLUMN "how" text;--> statement-breakpoint
ALTER TABLE "care_plan_signature" ADD COLUMN "document_id" text;--> statement-breakpoint
ALTER TABLE "care_plan_signature" ADD COLUMN "assertion" text;--> statement-breakpoint
ALTER TABLE "care_plan_signature" ADD COLUMN "representative_name" text;