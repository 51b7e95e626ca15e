CREATE TABLE "notification" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"recipient_organisation_id" text NOT NULL,
	"recipient_role" text,
	"recipient_user_id" text,
	"kind" text NOT NULL,
	"record_kind" text NOT NULL,
	"record_id" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"dedup_key" text,
	CONSTRAINT "notification_dedup_key" UNIQUE("dedup_key")
);
--> statement-breakpoint
CREATE TABLE "notification_digest" (
	"organisation_id" text PRIMARY KEY NOT NULL,
	"last_seq" bigint NOT NULL,
	"sent_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "notification_read" (
	"notification_seq" bigint NOT NULL,
	"user_id" text NOT NULL,
	"read_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "notification_read_notification_seq_user_id_pk" PRIMARY KEY("notification_seq","user_id")
);
--> statement-breakpoint
ALTER TABLE "notification_read" ADD CONSTRAINT "notification_read_notification_seq_notification_seq_fk" FOREIGN KEY ("notification_seq") REFERENCES "public"."notification"("seq") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notification_recipient_idx" ON "notification" USING btree ("recipient_organisation_id","seq");