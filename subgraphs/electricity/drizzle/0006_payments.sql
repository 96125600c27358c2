CREATE TABLE "electricity"."outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"destination" text NOT NULL,
	"topic" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"seq" bigserial NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	"parked_at" timestamp with time zone,
	"last_error" text
);
--> statement-breakpoint
DROP INDEX "electricity"."ledger_entries_payment_id_account_id_index";--> statement-breakpoint
CREATE INDEX "outbox_due_idx" ON "electricity"."outbox" USING btree ("next_attempt_at") WHERE delivered_at is null and parked_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_payment_id_account_id_kind_index" ON "electricity"."ledger_entries" USING btree ("payment_id","account_id","kind");