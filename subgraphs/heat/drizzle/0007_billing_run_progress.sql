ALTER TABLE "heat"."billing_runs" ADD COLUMN "accounts_total" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "heat"."billing_runs" ADD COLUMN "accounts_done" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Runs before progress was kept went through every account they counted.
UPDATE "heat"."billing_runs" SET "accounts_total" = "bills_issued" + "accounts_failed", "accounts_done" = "bills_issued" + "accounts_failed";
