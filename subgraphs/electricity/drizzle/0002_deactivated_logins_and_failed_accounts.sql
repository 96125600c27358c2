CREATE TABLE "electricity"."deactivated_logins" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"deactivated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "electricity"."billing_runs" ADD COLUMN "accounts_failed" integer DEFAULT 0 NOT NULL;