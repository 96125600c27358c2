CREATE TABLE "electricity"."appeal_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"appeal_id" uuid NOT NULL,
	"author_role" text NOT NULL,
	"author_user_id" uuid NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "electricity"."appeals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"supplier_id" uuid NOT NULL,
	"created_by_user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"subject" text NOT NULL,
	"status" text NOT NULL,
	"phone" text,
	"preferred_callback_time" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "electricity"."bill_consumption" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"bill_id" uuid NOT NULL,
	"meter_id" uuid NOT NULL,
	"zone" text NOT NULL,
	"previous_value" numeric(14, 3) NOT NULL,
	"current_value" numeric(14, 3) NOT NULL,
	"consumption" numeric(14, 3) NOT NULL,
	"estimated" boolean NOT NULL,
	"corrected_consumption" numeric(14, 3),
	"corrected_by_bill_id" uuid
);
--> statement-breakpoint
CREATE TABLE "electricity"."bill_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"bill_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"kind" text NOT NULL,
	"description" text NOT NULL,
	"zone" text,
	"quantity" numeric(14, 3),
	"unit" text,
	"unit_price" numeric(14, 6),
	"amount_minor" bigint NOT NULL,
	"corrected_period" date
);
--> statement-breakpoint
CREATE TABLE "electricity"."billing_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"period" date NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"started_by_user_id" uuid,
	"bills_issued" integer DEFAULT 0 NOT NULL,
	"estimated_meters" integer DEFAULT 0 NOT NULL,
	"accounts_failed" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "electricity"."deactivated_logins" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"deactivated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "electricity"."e_receipt_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subscription_id" uuid NOT NULL,
	"bill_id" uuid NOT NULL,
	"email" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "electricity"."e_receipt_subscriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"email" text NOT NULL,
	"status" text NOT NULL,
	"confirmation_token_hash" text,
	"confirmation_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activated_at" timestamp with time zone,
	CONSTRAINT "e_receipt_subscriptions_confirmation_token_hash_unique" UNIQUE("confirmation_token_hash")
);
--> statement-breakpoint
CREATE TABLE "electricity"."inbox" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "electricity"."link_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"issued_by_user_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "electricity"."link_failures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"supplier_id" uuid NOT NULL,
	"account_number" text NOT NULL,
	"failed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "electricity"."tariffs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"account_kind" text NOT NULL,
	"valid_from" date NOT NULL,
	"tiers" jsonb NOT NULL,
	"zone_coefficients" jsonb
);
--> statement-breakpoint
DROP INDEX "electricity"."ledger_entries_account_id_index";--> statement-breakpoint
ALTER TABLE "electricity"."accounts" ADD COLUMN "holder_name" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "electricity"."accounts" ADD COLUMN "kind" text DEFAULT 'RESIDENTIAL' NOT NULL;--> statement-breakpoint
ALTER TABLE "electricity"."accounts" ADD COLUMN "contract_number" text;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ADD COLUMN "run_id" uuid;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ADD COLUMN "cutoff_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ADD COLUMN "issued_to" jsonb;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ADD COLUMN "issued_on" date;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ADD COLUMN "issued_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ADD COLUMN "opening_minor" bigint;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ADD COLUMN "charges_minor" bigint;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ADD COLUMN "vat_minor" bigint;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ADD COLUMN "corrections_minor" bigint;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ADD COLUMN "payments_minor" bigint;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ADD COLUMN "adjustments_minor" bigint;--> statement-breakpoint
ALTER TABLE "electricity"."ledger_entries" ADD COLUMN "recorded_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "electricity"."ledger_entries" ADD COLUMN "bill_id" uuid;--> statement-breakpoint
ALTER TABLE "electricity"."ledger_entries" ADD COLUMN "statement_bill_id" uuid;--> statement-breakpoint
ALTER TABLE "electricity"."meters" ADD COLUMN "digits" integer DEFAULT 6 NOT NULL;--> statement-breakpoint
ALTER TABLE "electricity"."readings" ADD COLUMN "period" date;--> statement-breakpoint
ALTER TABLE "electricity"."readings" ADD COLUMN "submitted_by_user_id" uuid;--> statement-breakpoint
ALTER TABLE "electricity"."suppliers" ADD COLUMN "account_number_format" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "electricity"."suppliers" ADD COLUMN "link_proofs" text[] DEFAULT '{HOLDER_SURNAME}' NOT NULL;--> statement-breakpoint
ALTER TABLE "electricity"."suppliers" ADD COLUMN "reading_window_opens_day" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "electricity"."suppliers" ADD COLUMN "reading_window_closes_day" integer DEFAULT 4 NOT NULL;--> statement-breakpoint
ALTER TABLE "electricity"."suppliers" ADD COLUMN "vat_rate_basis_points" integer DEFAULT 2000 NOT NULL;--> statement-breakpoint
ALTER TABLE "electricity"."suppliers" ADD COLUMN "unusual_consumption_floor" numeric(14, 3) DEFAULT '1000' NOT NULL;--> statement-breakpoint
ALTER TABLE "electricity"."suppliers" ADD COLUMN "payment_term_days" integer DEFAULT 20 NOT NULL;--> statement-breakpoint
-- Rows written before billing runs existed: a reading closes the month before it was taken; a bill's
-- statement was just its month's charge, issued on the 1st after it; entries were on the books when they happened.
UPDATE "electricity"."readings" SET "period" = date_trunc('month', "read_at" - interval '1 month')::date;--> statement-breakpoint
ALTER TABLE "electricity"."readings" ALTER COLUMN "period" SET NOT NULL;--> statement-breakpoint
UPDATE "electricity"."bills" AS b SET "issued_to" = jsonb_build_object('supplierName', s."name", 'holderName', coalesce(nullif(a."holder_name", ''), a."holder_surname"), 'address', a."address", 'accountKind', a."kind", 'contractNumber', a."contract_number", 'vatRateBasisPoints', case when a."kind" = 'BUSINESS' then s."vat_rate_basis_points" end) FROM "electricity"."accounts" AS a JOIN "electricity"."suppliers" AS s ON s."id" = a."supplier_id" WHERE a."id" = b."account_id";--> statement-breakpoint
UPDATE "electricity"."bills" SET "issued_on" = ("period" + interval '1 month')::date, "issued_at" = ("period" + interval '1 month')::timestamp AT TIME ZONE 'UTC', "cutoff_at" = ("period" + interval '1 month')::timestamp AT TIME ZONE 'UTC', "opening_minor" = 0, "charges_minor" = "amount_due_minor", "vat_minor" = 0, "corrections_minor" = 0, "payments_minor" = 0, "adjustments_minor" = 0;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ALTER COLUMN "cutoff_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ALTER COLUMN "issued_to" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ALTER COLUMN "issued_on" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ALTER COLUMN "issued_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ALTER COLUMN "opening_minor" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ALTER COLUMN "charges_minor" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ALTER COLUMN "vat_minor" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ALTER COLUMN "corrections_minor" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ALTER COLUMN "payments_minor" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ALTER COLUMN "adjustments_minor" SET NOT NULL;--> statement-breakpoint
UPDATE "electricity"."ledger_entries" SET "recorded_at" = "occurred_at";--> statement-breakpoint
UPDATE "electricity"."ledger_entries" AS e SET "bill_id" = b."id" FROM "electricity"."bills" AS b WHERE e."kind" = 'CHARGE' AND e."account_id" = b."account_id" AND e."occurred_at" = b."issued_at";--> statement-breakpoint
UPDATE "electricity"."ledger_entries" AS e SET "statement_bill_id" = (SELECT b."id" FROM "electricity"."bills" AS b WHERE b."account_id" = e."account_id" AND b."cutoff_at" >= e."recorded_at" ORDER BY b."period" LIMIT 1) WHERE e."bill_id" IS NULL;--> statement-breakpoint
ALTER TABLE "electricity"."appeal_messages" ADD CONSTRAINT "appeal_messages_appeal_id_appeals_id_fk" FOREIGN KEY ("appeal_id") REFERENCES "electricity"."appeals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "electricity"."appeals" ADD CONSTRAINT "appeals_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "electricity"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "electricity"."appeals" ADD CONSTRAINT "appeals_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "electricity"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "electricity"."bill_consumption" ADD CONSTRAINT "bill_consumption_bill_id_bills_id_fk" FOREIGN KEY ("bill_id") REFERENCES "electricity"."bills"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "electricity"."bill_consumption" ADD CONSTRAINT "bill_consumption_meter_id_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "electricity"."meters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "electricity"."bill_consumption" ADD CONSTRAINT "bill_consumption_corrected_by_bill_id_bills_id_fk" FOREIGN KEY ("corrected_by_bill_id") REFERENCES "electricity"."bills"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "electricity"."bill_lines" ADD CONSTRAINT "bill_lines_bill_id_bills_id_fk" FOREIGN KEY ("bill_id") REFERENCES "electricity"."bills"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "electricity"."billing_runs" ADD CONSTRAINT "billing_runs_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "electricity"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "electricity"."e_receipt_deliveries" ADD CONSTRAINT "e_receipt_deliveries_subscription_id_e_receipt_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "electricity"."e_receipt_subscriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "electricity"."e_receipt_deliveries" ADD CONSTRAINT "e_receipt_deliveries_bill_id_bills_id_fk" FOREIGN KEY ("bill_id") REFERENCES "electricity"."bills"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "electricity"."e_receipt_subscriptions" ADD CONSTRAINT "e_receipt_subscriptions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "electricity"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "electricity"."link_codes" ADD CONSTRAINT "link_codes_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "electricity"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "electricity"."tariffs" ADD CONSTRAINT "tariffs_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "electricity"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "appeal_messages_appeal_id_created_at_index" ON "electricity"."appeal_messages" USING btree ("appeal_id","created_at");--> statement-breakpoint
CREATE INDEX "appeals_account_id_index" ON "electricity"."appeals" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "appeals_supplier_id_status_updated_at_index" ON "electricity"."appeals" USING btree ("supplier_id","status","updated_at");--> statement-breakpoint
CREATE INDEX "bill_consumption_bill_id_index" ON "electricity"."bill_consumption" USING btree ("bill_id");--> statement-breakpoint
CREATE INDEX "bill_consumption_meter_id_zone_index" ON "electricity"."bill_consumption" USING btree ("meter_id","zone");--> statement-breakpoint
CREATE INDEX "bill_lines_bill_id_index" ON "electricity"."bill_lines" USING btree ("bill_id");--> statement-breakpoint
CREATE UNIQUE INDEX "billing_runs_supplier_id_period_index" ON "electricity"."billing_runs" USING btree ("supplier_id","period");--> statement-breakpoint
CREATE UNIQUE INDEX "e_receipt_deliveries_subscription_id_bill_id_index" ON "electricity"."e_receipt_deliveries" USING btree ("subscription_id","bill_id");--> statement-breakpoint
CREATE UNIQUE INDEX "e_receipt_subscriptions_account_id_index" ON "electricity"."e_receipt_subscriptions" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "link_codes_account_id_code_hash_index" ON "electricity"."link_codes" USING btree ("account_id","code_hash");--> statement-breakpoint
CREATE INDEX "link_failures_user_id_supplier_id_account_number_failed_at_index" ON "electricity"."link_failures" USING btree ("user_id","supplier_id","account_number","failed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tariffs_supplier_id_account_kind_valid_from_index" ON "electricity"."tariffs" USING btree ("supplier_id","account_kind","valid_from");--> statement-breakpoint
ALTER TABLE "electricity"."bills" ADD CONSTRAINT "bills_run_id_billing_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "electricity"."billing_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "electricity"."ledger_entries" ADD CONSTRAINT "ledger_entries_bill_id_bills_id_fk" FOREIGN KEY ("bill_id") REFERENCES "electricity"."bills"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "electricity"."ledger_entries" ADD CONSTRAINT "ledger_entries_statement_bill_id_bills_id_fk" FOREIGN KEY ("statement_bill_id") REFERENCES "electricity"."bills"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bills_issued_at_index" ON "electricity"."bills" USING btree ("issued_at");--> statement-breakpoint
CREATE INDEX "ledger_entries_account_id_occurred_at_index" ON "electricity"."ledger_entries" USING btree ("account_id","occurred_at");--> statement-breakpoint
CREATE INDEX "ledger_entries_account_id_recorded_at_index" ON "electricity"."ledger_entries" USING btree ("account_id","recorded_at");--> statement-breakpoint
CREATE UNIQUE INDEX "readings_meter_id_zone_period_index" ON "electricity"."readings" USING btree ("meter_id","zone","period");