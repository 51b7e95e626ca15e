CREATE TABLE "record_message" (
	"id" uuid PRIMARY KEY NOT NULL,
	"record_kind" text NOT NULL,
	"record_id" text NOT NULL,
	"sender_user_id" text NOT NULL,
	"sender_name" text NOT NULL,
	"sender_organisation_id" text NOT NULL,
	"body" text NOT NULL,
	"sent_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "record_message_read" (
	"message_id" uuid NOT NULL,
	"organisation_id" text NOT NULL,
	"user_id" text NOT NULL,
	"read_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "record_message_read_message_id_organisation_id_pk" PRIMARY KEY("message_id","organisation_id")
);
--> statement-breakpoint
CREATE TABLE "work_item_read" (
	"user_id" text NOT NULL,
	"item_id" text NOT NULL,
	"read_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "work_item_read_user_id_item_id_pk" PRIMARY KEY("user_id","item_id")
);
--> statement-breakpoint
ALTER TABLE "record_message_read" ADD CONSTRAINT "record_message_read_message_id_record_message_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."record_message"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "record_message_record_idx" ON "record_message" USING btree ("record_kind","record_id","sent_at");