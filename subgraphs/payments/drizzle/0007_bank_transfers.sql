CREATE TABLE "payments"."bank_accounts" (
	"utility" text NOT NULL,
	"supplier_code" text NOT NULL,
	"recipient" text NOT NULL,
	"recipient_code" text NOT NULL,
	"iban" text NOT NULL,
	CONSTRAINT "bank_accounts_utility_supplier_code_pk" PRIMARY KEY("utility","supplier_code")
);
--> statement-breakpoint
ALTER TABLE "payments"."payment_items" ADD COLUMN "transfer_reference" text;--> statement-breakpoint
ALTER TABLE "payments"."payment_items" ADD COLUMN "transfer_recipient" text;--> statement-breakpoint
ALTER TABLE "payments"."payment_items" ADD COLUMN "transfer_recipient_code" text;--> statement-breakpoint
ALTER TABLE "payments"."payment_items" ADD COLUMN "transfer_iban" text;--> statement-breakpoint
ALTER TABLE "payments"."payment_items" ADD COLUMN "received_minor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "payment_items_transfer_reference_index" ON "payments"."payment_items" USING btree ("transfer_reference");