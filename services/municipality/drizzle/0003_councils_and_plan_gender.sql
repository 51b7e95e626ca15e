CREATE TABLE "cooperation_agreement" (
	"id" uuid PRIMARY KEY NOT NULL,
	"council_id" text NOT NULL,
	"title" text NOT NULL,
	"joint_goals" text[] NOT NULL,
	"valid_from" date NOT NULL,
	"review_by" date NOT NULL,
	"added_by" text NOT NULL,
	"added_by_organisation_id" text NOT NULL,
	"added_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "joint_care_plan" ADD COLUMN "legal_gender" text;--> statement-breakpoint
ALTER TABLE "cooperation_agreement" ADD CONSTRAINT "cooperation_agreement_council_id_council_id_fk" FOREIGN KEY ("council_id") REFERENCES "public"."council"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cooperation_agreement_council_idx" ON "cooperation_agreement" USING btree ("council_id");--> statement-breakpoint
CREATE INDEX "joint_care_plan_created_idx" ON "joint_care_plan" USING btree ("created_at");