ALTER TABLE "identity"."email_tokens" ADD COLUMN "password_hash" text;--> statement-breakpoint
ALTER TABLE "identity"."email_tokens" ADD COLUMN "display_name" text;--> statement-breakpoint
ALTER TABLE "identity"."email_tokens" ADD COLUMN "revoked_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "email_tokens_user_id_index" ON "identity"."email_tokens" USING btree ("user_id");--> statement-breakpoint
-- Links mailed before deactivation ended them: end them now.
UPDATE "identity"."email_tokens" SET "revoked_at" = now() WHERE "used_at" IS NULL AND "user_id" IN (SELECT "id" FROM "identity"."users" WHERE "deactivated_at" IS NOT NULL);
