ALTER TABLE "withdrawal_referral" ADD COLUMN "expected_discharge_on" date;--> statement-breakpoint
ALTER TABLE "withdrawal_referral" ADD COLUMN "admission_refused_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "withdrawal_referral" ADD COLUMN "admission_refusal_reason" text;