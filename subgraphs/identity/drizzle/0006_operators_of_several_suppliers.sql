ALTER TABLE "identity"."users" ADD COLUMN "supplier_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
-- An operator's one supplier becomes the first of a list: an organisation supplying electricity
-- and heat has a supplier row in each utility subgraph, and its staff serve both.
UPDATE "identity"."users" SET "supplier_ids" = ARRAY["supplier_id"] WHERE "supplier_id" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "identity"."users" DROP COLUMN "supplier_id";