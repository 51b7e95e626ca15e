CREATE TABLE "withdrawal_meeting" (
	"id" uuid PRIMARY KEY NOT NULL,
	"referral_id" uuid NOT NULL,
	"cycle" integer NOT NULL,
	"kind" text NOT NULL,
	"start_at" timestamp (3) with time zone NOT NULL,
	"first_offered_at" timestamp (3) with time zone NOT NULL,
	"duration_minutes" integer NOT NULL,
	"place" text,
	"video_link" text,
	"participants" jsonb NOT NULL,
	"invitations" jsonb NOT NULL,
	"status" text NOT NULL,
	"outcome_reason" text,
	"outcome_at" timestamp (3) with time zone,
	"outcome_by_name" text,
	"booked_at" timestamp (3) with time zone NOT NULL,
	"booked_by_name" text NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "withdrawal_meeting" ADD CONSTRAINT "withdrawal_meeting_referral_id_withdrawal_referral_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."withdrawal_referral"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "withdrawal_meeting_referral_idx" ON "withdrawal_meeting" USING btree ("referral_id","first_offered_at","id");