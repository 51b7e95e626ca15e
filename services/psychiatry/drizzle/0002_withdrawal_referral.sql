CREATE TABLE "withdrawal_internal_note" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"referral_id" uuid NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"kind" text NOT NULL,
	"by_name" text NOT NULL,
	"text" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "withdrawal_referral" (
	"id" uuid PRIMARY KEY NOT NULL,
	"receiving_organisation_id" text NOT NULL,
	"referring_organisation_id" text NOT NULL,
	"idempotency_key" text,
	"person_id" text NOT NULL,
	"personnummer" text NOT NULL,
	"name" text NOT NULL,
	"caseworker_name" text NOT NULL,
	"caseworker_phone" text NOT NULL,
	"caseworker_email" text NOT NULL,
	"substances" text[] NOT NULL,
	"current_problems" text NOT NULL,
	"post_treatment_plan" text NOT NULL,
	"other_illnesses" text[],
	"medications" text[],
	"assessments" jsonb NOT NULL,
	"submitted_by" text NOT NULL,
	"submitted_by_name" text NOT NULL,
	"received_at" timestamp (3) with time zone NOT NULL,
	"stage" text NOT NULL,
	"cycle" integer DEFAULT 1 NOT NULL,
	"cycle_started_at" timestamp (3) with time zone NOT NULL,
	"assessment_due_by" date NOT NULL,
	"assessment_meeting_at" timestamp (3) with time zone,
	"assessment_deadline_missed" boolean DEFAULT false NOT NULL,
	"decision_needed" boolean,
	"decision_setting" text,
	"decided_at" timestamp (3) with time zone,
	"decided_by" text,
	"decision_rationale" text,
	"place_ward_id" text,
	"place_offered_at" timestamp (3) with time zone,
	"place_due_by" date,
	"place_start_date" date,
	"place_lapses_on" date,
	"place_reason" text,
	"admitted_at" timestamp (3) with time zone,
	"completed_at" timestamp (3) with time zone,
	"withdrawn_at" timestamp (3) with time zone,
	"withdrawal_reason" text,
	"earlier_cycles" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "withdrawal_referral_idempotency" UNIQUE("referring_organisation_id","idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "withdrawal_referral_event" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"referral_id" uuid NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"kind" text NOT NULL,
	"by_name" text NOT NULL,
	"by_organisation_id" text NOT NULL,
	"note" text
);
--> statement-breakpoint
ALTER TABLE "withdrawal_internal_note" ADD CONSTRAINT "withdrawal_internal_note_referral_id_withdrawal_referral_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."withdrawal_referral"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "withdrawal_referral_event" ADD CONSTRAINT "withdrawal_referral_event_referral_id_withdrawal_referral_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."withdrawal_referral"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "withdrawal_internal_note_referral_idx" ON "withdrawal_internal_note" USING btree ("referral_id","seq");--> statement-breakpoint
CREATE INDEX "withdrawal_referral_inbox_idx" ON "withdrawal_referral" USING btree ("receiving_organisation_id","received_at","id");--> statement-breakpoint
CREATE INDEX "withdrawal_referral_sent_idx" ON "withdrawal_referral" USING btree ("referring_organisation_id","received_at","id");--> statement-breakpoint
CREATE INDEX "withdrawal_referral_person_idx" ON "withdrawal_referral" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "withdrawal_referral_ward_idx" ON "withdrawal_referral" USING btree ("place_ward_id","stage");--> statement-breakpoint
CREATE INDEX "withdrawal_referral_event_referral_idx" ON "withdrawal_referral_event" USING btree ("referral_id","seq");