CREATE SCHEMA "electricity";
--> statement-breakpoint
CREATE TABLE "electricity"."placeholder" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL
);
