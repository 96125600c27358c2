CREATE TABLE "heat"."billed_building_shares" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"bill_id" uuid NOT NULL,
	"period" date NOT NULL,
	"metered_gcal" numeric(14, 3) NOT NULL
);
--> statement-breakpoint
ALTER TABLE "heat"."billed_building_shares" ADD CONSTRAINT "billed_building_shares_bill_id_bills_id_fk" FOREIGN KEY ("bill_id") REFERENCES "heat"."bills"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "billed_building_shares_bill_id_period_index" ON "heat"."billed_building_shares" USING btree ("bill_id","period");