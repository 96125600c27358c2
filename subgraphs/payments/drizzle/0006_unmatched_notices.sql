CREATE TABLE "payments"."unmatched_notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider" text NOT NULL,
	"order_id" text NOT NULL,
	"reason" text NOT NULL,
	"source" text NOT NULL,
	"provider_status" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"transaction_id" text,
	"event_id" text NOT NULL,
	"signed_at" timestamp with time zone,
	"data_hash" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "unmatched_notices_provider_data_hash_index" ON "payments"."unmatched_notices" USING btree ("provider","data_hash");--> statement-breakpoint
CREATE INDEX "unmatched_notices_order_id_index" ON "payments"."unmatched_notices" USING btree ("order_id");