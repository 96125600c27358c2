CREATE SCHEMA "identity";
--> statement-breakpoint
CREATE TABLE "identity"."placeholder" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL
);
