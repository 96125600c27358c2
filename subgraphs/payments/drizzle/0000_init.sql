CREATE SCHEMA "payments";
--> statement-breakpoint
CREATE TABLE "payments"."placeholder" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL
);
