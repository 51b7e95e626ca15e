CREATE TABLE "audit_witness" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"subgraph" text NOT NULL,
	"seal_no" bigint NOT NULL,
	"xid_to" text NOT NULL,
	"root" text NOT NULL,
	"mac" text NOT NULL,
	"sealed_at" timestamp (3) with time zone NOT NULL,
	"witnessed_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"anomaly" text
);
--> statement-breakpoint
CREATE INDEX "audit_witness_subgraph_seal_idx" ON "audit_witness" USING btree ("subgraph","seal_no");--> statement-breakpoint
CREATE TRIGGER audit_witness_no_change BEFORE UPDATE OR DELETE ON audit_witness
  FOR EACH ROW EXECUTE FUNCTION hub_append_only('audit_witness');--> statement-breakpoint
CREATE TRIGGER audit_witness_no_truncate BEFORE TRUNCATE ON audit_witness
  FOR EACH STATEMENT EXECUTE FUNCTION hub_append_only('audit_witness');
