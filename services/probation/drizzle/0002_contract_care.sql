CREATE TABLE "contract_care_deviation" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"order_id" uuid NOT NULL,
	"occurred_on" date NOT NULL,
	"reported_at" timestamp (3) with time zone NOT NULL,
	"description" text NOT NULL,
	"reported_by_organisation_id" text NOT NULL,
	"reported_by" text NOT NULL,
	"reported_by_name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contract_care_evaluation" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"order_id" uuid NOT NULL,
	"held_on" date NOT NULL,
	"summary" text NOT NULL,
	"recorded_at" timestamp (3) with time zone NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_by_name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contract_care_order" (
	"id" uuid PRIMARY KEY NOT NULL,
	"probation_office_id" text NOT NULL,
	"person_id" text NOT NULL,
	"personnummer" text NOT NULL,
	"name" text NOT NULL,
	"court_decision_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"partner_organisation_ids" text[] NOT NULL,
	"registered_at" timestamp (3) with time zone NOT NULL,
	"registered_by" text NOT NULL,
	"registered_by_name" text NOT NULL,
	"breached_at" timestamp (3) with time zone,
	"breach_reason" text,
	"breach_recorded_by_name" text
);
--> statement-breakpoint
ALTER TABLE "contract_care_deviation" ADD CONSTRAINT "contract_care_deviation_order_id_contract_care_order_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."contract_care_order"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_care_evaluation" ADD CONSTRAINT "contract_care_evaluation_order_id_contract_care_order_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."contract_care_order"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contract_care_deviation_order_idx" ON "contract_care_deviation" USING btree ("order_id","seq");--> statement-breakpoint
CREATE INDEX "contract_care_evaluation_order_idx" ON "contract_care_evaluation" USING btree ("order_id","seq");--> statement-breakpoint
CREATE INDEX "contract_care_order_office_idx" ON "contract_care_order" USING btree ("probation_office_id","court_decision_on","id");--> statement-breakpoint
CREATE INDEX "contract_care_order_person_idx" ON "contract_care_order" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "contract_care_order_partners_idx" ON "contract_care_order" USING gin ("partner_organisation_ids");