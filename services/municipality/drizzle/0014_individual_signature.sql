CREATE TABLE "care_plan_individual_voice" (
	"id" uuid PRIMARY KEY NOT NULL,
	"plan_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"text" text NOT NULL,
	"recorded_by" text NOT NULL,
	"organisation_id" text NOT NULL,
	"recorded_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "care_plan_signature" ADD COLUMN "how" text;--> statement-breakpoint
ALTER TABLE "care_plan_signature" ADD COLUMN "document_id" text;--> statement-breakpoint
ALTER TABLE "care_plan_signature" ADD COLUMN "assertion" text;--> statement-breakpoint
ALTER TABLE "care_plan_signature" ADD COLUMN "representative_name" text;--> statement-breakpoint
ALTER TABLE "care_plan_individual_voice" ADD CONSTRAINT "care_plan_individual_voice_plan_id_joint_care_plan_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."joint_care_plan"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "care_plan_individual_voice_plan_idx" ON "care_plan_individual_voice" USING btree ("plan_id");