CREATE TABLE "electricity"."billing_leases" (
	"supplier_id" uuid PRIMARY KEY NOT NULL,
	"period" date NOT NULL,
	"holder" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "electricity"."billing_leases" ADD CONSTRAINT "billing_leases_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "electricity"."suppliers"("id") ON DELETE no action ON UPDATE no action;