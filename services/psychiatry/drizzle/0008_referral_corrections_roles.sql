CREATE TABLE "withdrawal_referral_amendment" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"referral_id" uuid NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"by_user_id" text NOT NULL,
	"by_name" text NOT NULL,
	"by_organisation_id" text NOT NULL,
	"reason" text,
	"changes" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "withdrawal_referral" ADD COLUMN "new_cycle_of" uuid;--> statement-breakpoint
ALTER TABLE "withdrawal_referral" ADD COLUMN "assigned_to_user_id" text;--> statement-breakpoint
ALTER TABLE "withdrawal_referral" ADD COLUMN "assigned_to_name" text;--> statement-breakpoint
ALTER TABLE "withdrawal_referral" ADD COLUMN "assigned_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "withdrawal_referral" ADD COLUMN "assigned_by_name" text;--> statement-breakpoint
ALTER TABLE "withdrawal_referral" ADD COLUMN "prepared_needed" boolean;--> statement-breakpoint
ALTER TABLE "withdrawal_referral" ADD COLUMN "prepared_setting" text;--> statement-breakpoint
ALTER TABLE "withdrawal_referral" ADD COLUMN "prepared_rationale" text;--> statement-breakpoint
ALTER TABLE "withdrawal_referral" ADD COLUMN "prepared_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "withdrawal_referral" ADD COLUMN "prepared_by" text;--> statement-breakpoint
ALTER TABLE "withdrawal_referral" ADD COLUMN "decision_prepared_by" text;--> statement-breakpoint
ALTER TABLE "withdrawal_referral_amendment" ADD CONSTRAINT "withdrawal_referral_amendment_referral_id_withdrawal_referral_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."withdrawal_referral"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "withdrawal_referral_amendment_referral_idx" ON "withdrawal_referral_amendment" USING btree ("referral_id","seq");--> statement-breakpoint
CREATE INDEX "withdrawal_referral_inbox_next_due_idx" ON "withdrawal_referral" USING btree ("receiving_organisation_id",(case
    when "stage" in ('RECEIVED', 'ASSESSMENT_BOOKED') then "assessment_due_by"
    when "stage" = 'CARE_PLANNING' and "decided_at" is not null then (("decided_at" at time zone 'Europe/Stockholm')::date + 14)
    when "stage" = 'PLACE_OFFERED' and "place_lapses_on" is not null then "place_lapses_on"
    else '9999-12-31'::date end),"received_at","id");--> statement-breakpoint
CREATE INDEX "withdrawal_referral_assigned_idx" ON "withdrawal_referral" USING btree ("receiving_organisation_id","assigned_to_user_id");--> statement-breakpoint
CREATE INDEX "withdrawal_referral_submitted_by_idx" ON "withdrawal_referral" USING btree ("referring_organisation_id","submitted_by");