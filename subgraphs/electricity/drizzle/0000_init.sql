CREATE SCHEMA "electricity";
--> statement-breakpoint
CREATE TABLE "electricity"."accounts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"supplier_id" uuid NOT NULL,
	"account_number" text NOT NULL,
	"address" text NOT NULL,
	"holder_surname" text NOT NULL,
	"currency" text NOT NULL,
	"holder_user_id" uuid,
	"linked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "electricity"."bills" (
	"id" uuid PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"period" date NOT NULL,
	"amount_due_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"due_date" date NOT NULL,
	"receipt_code" text NOT NULL,
	CONSTRAINT "bills_receipt_code_unique" UNIQUE("receipt_code")
);
--> statement-breakpoint
CREATE TABLE "electricity"."ledger_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"description" text NOT NULL,
	"payment_id" uuid
);
--> statement-breakpoint
CREATE TABLE "electricity"."meters" (
	"id" uuid PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"serial_number" text NOT NULL,
	"zones" text[] NOT NULL,
	"installed_on" date NOT NULL,
	"last_verified_on" date NOT NULL,
	"verification_interval_years" integer NOT NULL,
	"removed_on" date
);
--> statement-breakpoint
CREATE TABLE "electricity"."readings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meter_id" uuid NOT NULL,
	"zone" text NOT NULL,
	"value" numeric(14, 3) NOT NULL,
	"read_at" timestamp with time zone NOT NULL,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "electricity"."suppliers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"currency" text NOT NULL,
	"time_zone" text NOT NULL,
	"account_number_pattern" text NOT NULL,
	CONSTRAINT "suppliers_code_unique" UNIQUE("code")
);
--> statement-breakpoint
ALTER TABLE "electricity"."accounts" ADD CONSTRAINT "accounts_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "electricity"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "electricity"."bills" ADD CONSTRAINT "bills_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "electricity"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "electricity"."ledger_entries" ADD CONSTRAINT "ledger_entries_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "electricity"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "electricity"."meters" ADD CONSTRAINT "meters_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "electricity"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "electricity"."readings" ADD CONSTRAINT "readings_meter_id_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "electricity"."meters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_supplier_id_account_number_index" ON "electricity"."accounts" USING btree ("supplier_id","account_number");--> statement-breakpoint
CREATE INDEX "accounts_holder_user_id_index" ON "electricity"."accounts" USING btree ("holder_user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "bills_account_id_period_index" ON "electricity"."bills" USING btree ("account_id","period");--> statement-breakpoint
CREATE INDEX "ledger_entries_account_id_index" ON "electricity"."ledger_entries" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_payment_id_account_id_index" ON "electricity"."ledger_entries" USING btree ("payment_id","account_id");--> statement-breakpoint
CREATE INDEX "meters_account_id_index" ON "electricity"."meters" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "readings_meter_id_zone_read_at_index" ON "electricity"."readings" USING btree ("meter_id","zone","read_at");