CREATE TABLE "clinic_effort" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"enrolment_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"performed_on" date NOT NULL,
	"recorded_at" timestamp (3) with time zone NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_by_name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clinic_enrolment" (
	"id" uuid PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"person_id" text NOT NULL,
	"personnummer" text NOT NULL,
	"enrolled_on" date NOT NULL,
	"target_groups" text[] NOT NULL,
	"enrolled_at" timestamp (3) with time zone NOT NULL,
	"enrolled_by" text NOT NULL,
	"enrolled_by_name" text NOT NULL,
	CONSTRAINT "clinic_enrolment_person_once" UNIQUE("clinic_id","person_id")
);
--> statement-breakpoint
ALTER TABLE "clinic_effort" ADD CONSTRAINT "clinic_effort_enrolment_id_clinic_enrolment_id_fk" FOREIGN KEY ("enrolment_id") REFERENCES "public"."clinic_enrolment"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clinic_enrolment" ADD CONSTRAINT "clinic_enrolment_clinic_id_clinic_id_fk" FOREIGN KEY ("clinic_id") REFERENCES "public"."clinic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "clinic_effort_enrolment_idx" ON "clinic_effort" USING btree ("enrolment_id","seq");--> statement-breakpoint
CREATE INDEX "clinic_enrolment_person_idx" ON "clinic_enrolment" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "clinic_enrolment_list_idx" ON "clinic_enrolment" USING btree ("clinic_id","enrolled_at","id");