CREATE SCHEMA "heat";
--> statement-breakpoint
CREATE TABLE "heat"."placeholder" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL
);
