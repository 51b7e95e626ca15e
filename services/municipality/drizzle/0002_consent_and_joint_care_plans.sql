CREATE TABLE "care_plan_effort" (
	"id" uuid PRIMARY KEY NOT NULL,
	"plan_id" uuid NOT NULL,
	"organisation_id" text NOT NULL,
	"description" text NOT NULL,
	"responsible" text NOT NULL,
	"starts_on" date,
	"ends_on" date,
	"added_in_version" integer NOT NULL,
	"added_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "care_plan_follow_up" (
	"id" uuid PRIMARY KEY NOT NULL,
	"plan_id" uuid NOT NULL,
	"held_on" date NOT NULL,
	"summary" text NOT NULL,
	"recorded_by" text NOT NULL,
	"organisation_id" text NOT NULL,
	"recorded_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "care_plan_signature" (
	"id" uuid PRIMARY KEY NOT NULL,
	"plan_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"signed_by" text NOT NULL,
	"as_individual" boolean NOT NULL,
	"organisation_id" text,
	"organisation_agency" text,
	"signed_at" timestamp (3) with time zone NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_by_organisation_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consent" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"purpose" text NOT NULL,
	"organisation_ids" text[] NOT NULL,
	"given_at" timestamp (3) with time zone NOT NULL,
	"valid_until" date NOT NULL,
	"revoked_at" timestamp (3) with time zone,
	"revoked_by" text,
	"recorded_by_organisation_id" text NOT NULL,
	"recorded_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "joint_care_plan" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"person_id" text NOT NULL,
	"owner_organisation_id" text NOT NULL,
	"consent_id" uuid NOT NULL,
	"withdrawal_referral_id" text,
	"contract_care_order_id" text,
	"version" integer NOT NULL,
	"goals" text[] NOT NULL,
	"follow_up_on" date NOT NULL,
	"follow_up_set_on" date NOT NULL,
	"participants" jsonb NOT NULL,
	"participant_organisation_ids" text[] NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"created_by" text NOT NULL,
	"ended_at" timestamp (3) with time zone,
	"ended_by" text,
	"ended_by_organisation_id" text,
	"end_reason" text,
	"completed" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "joint_care_plan_version" (
	"plan_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"goals" text[] NOT NULL,
	"follow_up_on" date NOT NULL,
	"participants" jsonb NOT NULL,
	"change" text NOT NULL,
	"changed_by" text NOT NULL,
	"changed_by_organisation_id" text NOT NULL,
	"changed_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "joint_care_plan_version_plan_id_version_pk" PRIMARY KEY("plan_id","version")
);
--> statement-breakpoint
ALTER TABLE "care_plan_effort" ADD CONSTRAINT "care_plan_effort_plan_id_joint_care_plan_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."joint_care_plan"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_plan_follow_up" ADD CONSTRAINT "care_plan_follow_up_plan_id_joint_care_plan_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."joint_care_plan"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_plan_signature" ADD CONSTRAINT "care_plan_signature_plan_id_joint_care_plan_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."joint_care_plan"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_care_plan" ADD CONSTRAINT "joint_care_plan_consent_id_consent_id_fk" FOREIGN KEY ("consent_id") REFERENCES "public"."consent"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "joint_care_plan_version" ADD CONSTRAINT "joint_care_plan_version_plan_id_joint_care_plan_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."joint_care_plan"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "care_plan_effort_plan_idx" ON "care_plan_effort" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "care_plan_follow_up_plan_idx" ON "care_plan_follow_up" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "care_plan_signature_plan_idx" ON "care_plan_signature" USING btree ("plan_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "care_plan_signature_individual_idx" ON "care_plan_signature" USING btree ("plan_id","version") WHERE "care_plan_signature"."as_individual";--> statement-breakpoint
CREATE UNIQUE INDEX "care_plan_signature_org_idx" ON "care_plan_signature" USING btree ("plan_id","version","organisation_id") WHERE not "care_plan_signature"."as_individual";--> statement-breakpoint
CREATE INDEX "consent_person_idx" ON "consent" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "joint_care_plan_person_idx" ON "joint_care_plan" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "joint_care_plan_owner_idx" ON "joint_care_plan" USING btree ("owner_organisation_id");--> statement-breakpoint
CREATE INDEX "joint_care_plan_participants_idx" ON "joint_care_plan" USING gin ("participant_organisation_ids");--> statement-breakpoint
CREATE UNIQUE INDEX "joint_care_plan_referral_open_idx" ON "joint_care_plan" USING btree ("withdrawal_referral_id") WHERE "joint_care_plan"."ended_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "joint_care_plan_order_open_idx" ON "joint_care_plan" USING btree ("contract_care_order_id") WHERE "joint_care_plan"."ended_at" is null;