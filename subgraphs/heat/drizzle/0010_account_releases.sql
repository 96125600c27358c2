CREATE TABLE "heat"."account_releases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"holder_user_id" uuid NOT NULL,
	"released_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "heat"."account_releases" ADD CONSTRAINT "account_releases_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "heat"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_releases_account_id_holder_user_id_released_at_index" ON "heat"."account_releases" USING btree ("account_id","holder_user_id","released_at");--> statement-breakpoint
-- Releases from before this table: every one was published to payments, and the outbox keeps them.
INSERT INTO "heat"."account_releases" ("account_id", "holder_user_id", "released_at")
SELECT "accounts"."id", ("outbox"."payload"->>'holderUserId')::uuid, ("outbox"."payload"->>'releasedAt')::timestamptz
FROM "heat"."outbox"
CROSS JOIN LATERAL jsonb_array_elements_text("outbox"."payload"->'accountIds') AS "released"("account_id")
JOIN "heat"."accounts" ON "accounts"."id" = "released"."account_id"::uuid
WHERE "outbox"."topic" = 'utility.accounts.released';
