DROP INDEX "withdrawal_referral_inbox_due_idx";--> statement-breakpoint
CREATE INDEX "withdrawal_referral_inbox_next_due_idx" ON "withdrawal_referral" USING btree ("receiving_organisation_id",(case
    when "stage" in ('RECEIVED', 'ASSESSMENT_BOOKED') then "assessment_due_by"
    when "stage" = 'CARE_PLANNING' and "decided_at" is not null then (("decided_at" at time zone 'Europe/Stockholm')::date + 14)
    when "stage" = 'PLACE_OFFERED' and "place_lapses_on" is not null then "place_lapses_on"
    else '9999-12-31'::date end),"received_at","id");