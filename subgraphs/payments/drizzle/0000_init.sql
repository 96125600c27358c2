CREATE SCHEMA "payments";
--> statement-breakpoint
CREATE TABLE "payments"."payment_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"payment_id" uuid NOT NULL,
	"utility" text NOT NULL,
	"account_id" uuid NOT NULL,
	"amount_minor" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payments"."payments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"payer_user_id" uuid NOT NULL,
	"status" text NOT NULL,
	"total_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "payments"."payment_items" ADD CONSTRAINT "payment_items_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "payments"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payment_items_payment_id_index" ON "payments"."payment_items" USING btree ("payment_id");--> statement-breakpoint
CREATE INDEX "payments_payer_user_id_created_at_id_index" ON "payments"."payments" USING btree ("payer_user_id","created_at","id");