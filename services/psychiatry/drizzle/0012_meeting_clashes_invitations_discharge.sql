ALTER TABLE "withdrawal_referral" ADD COLUMN "expected_discharge_changes" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
CREATE INDEX "withdrawal_meeting_start_idx" ON "withdrawal_meeting" USING btree ("start_at");--> statement-breakpoint
CREATE INDEX "withdrawal_meeting_invitations_idx" ON "withdrawal_meeting" USING gin ("invitations");