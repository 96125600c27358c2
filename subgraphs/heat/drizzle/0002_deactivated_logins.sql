CREATE TABLE "heat"."deactivated_logins" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"deactivated_at" timestamp with time zone NOT NULL
);
