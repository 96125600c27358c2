CREATE TABLE "payments"."bank_accounts" (
	"utility" text NOT NULL,
	"supplier_code" text NOT NULL,
	"recipient" text NOT NULL,
	"recipient_code" text NOT NULL,
	"iban" text NOT NULL,
	CONSTRAINT "bank_accounts_utility_supplier_code_pk" PRIMARY KEY("utility","supplier_code")
);
--> statement-breakpoint
CREATE TABLE "payments"."transfers_received" (
	"utility" text NOT NULL,
	"ledger_payment_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL,
	"paid_on" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "transfers_received_utility_ledger_payment_id_pk" PRIMARY KEY("utility","ledger_payment_id")
);
--> statement-breakpoint
ALTER TABLE "payments"."payment_items" ADD COLUMN "transfer_reference" text;--> statement-breakpoint
ALTER TABLE "payments"."payment_items" ADD COLUMN "transfer_recipient" text;--> statement-breakpoint
ALTER TABLE "payments"."payment_items" ADD COLUMN "transfer_recipient_code" text;--> statement-breakpoint
ALTER TABLE "payments"."payment_items" ADD COLUMN "transfer_iban" text;--> statement-breakpoint
ALTER TABLE "payments"."payment_items" ADD COLUMN "received_minor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "payments"."transfers_received" ADD CONSTRAINT "transfers_received_item_id_payment_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "payments"."payment_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "transfers_received_item_id_index" ON "payments"."transfers_received" USING btree ("item_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_items_transfer_reference_index" ON "payments"."payment_items" USING btree ("transfer_reference");