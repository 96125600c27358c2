CREATE TABLE "payments"."inbox" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payments"."merchants" (
	"utility" text NOT NULL,
	"supplier_code" text NOT NULL,
	"public_key" text NOT NULL,
	CONSTRAINT "merchants_utility_supplier_code_pk" PRIMARY KEY("utility","supplier_code")
);
--> statement-breakpoint
CREATE TABLE "payments"."outbox" (
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
CREATE TABLE "payments"."provider_callbacks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"payment_id" uuid NOT NULL,
	"provider_status" text NOT NULL,
	"data_hash" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "payments"."payments" ALTER COLUMN "currency" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "payments"."payment_items" ADD COLUMN "position" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "payments"."payment_items" ADD COLUMN "state" text DEFAULT 'PAYABLE' NOT NULL;--> statement-breakpoint
ALTER TABLE "payments"."payment_items" ADD COLUMN "refusal" text;--> statement-breakpoint
ALTER TABLE "payments"."payment_items" ADD COLUMN "supplier_code" text;--> statement-breakpoint
ALTER TABLE "payments"."payment_items" ADD COLUMN "supplier_name" text;--> statement-breakpoint
ALTER TABLE "payments"."payment_items" ADD COLUMN "account_number" text;--> statement-breakpoint
ALTER TABLE "payments"."payment_items" ADD COLUMN "currency" text;--> statement-breakpoint
ALTER TABLE "payments"."payment_items" ADD COLUMN "already_paid" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "provider" text DEFAULT 'LIQPAY' NOT NULL;--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "request_hash" text;--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "return_url" text;--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "payment_url" text;--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "provider_status" text;--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "refusal" text;--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "locale" text DEFAULT 'uk' NOT NULL;--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "payer_email" text;--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "receipt_mailed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "captured_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "reversed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "provider_payment_id" text;--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "payments"."provider_callbacks" ADD CONSTRAINT "provider_callbacks_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "payments"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbox_due_idx" ON "payments"."outbox" USING btree ("next_attempt_at") WHERE delivered_at is null and parked_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "provider_callbacks_data_hash_index" ON "payments"."provider_callbacks" USING btree ("data_hash");--> statement-breakpoint
CREATE INDEX "payment_items_account_id_index" ON "payments"."payment_items" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_payer_user_id_idempotency_key_index" ON "payments"."payments" USING btree ("payer_user_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "payments_pending_idx" ON "payments"."payments" USING btree ("updated_at") WHERE status in ('AWAITING_CONFIRMATION', 'PENDING');--> statement-breakpoint
CREATE INDEX "payments_receipt_due_idx" ON "payments"."payments" USING btree ("captured_at") WHERE status = 'CAPTURED' and receipt_mailed_at is null and payer_email is not null;