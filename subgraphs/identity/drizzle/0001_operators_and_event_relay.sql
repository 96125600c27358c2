ALTER TABLE "identity"."outbox" ADD COLUMN "destination" text;--> statement-breakpoint
-- Events written before they had destinations (no relay existed yet) go to both utility subgraphs.
INSERT INTO "identity"."outbox" ("id", "destination", "topic", "payload", "created_at") SELECT gen_random_uuid(), 'heat', "topic", "payload", "created_at" FROM "identity"."outbox" WHERE "destination" IS NULL;--> statement-breakpoint
UPDATE "identity"."outbox" SET "destination" = 'electricity' WHERE "destination" IS NULL;--> statement-breakpoint
ALTER TABLE "identity"."outbox" ALTER COLUMN "destination" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "identity"."outbox" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
ALTER TABLE "identity"."outbox" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "identity"."outbox" ADD COLUMN "next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "identity"."outbox" ADD COLUMN "delivered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "identity"."outbox" ADD COLUMN "parked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "identity"."outbox" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "identity"."users" ADD COLUMN "supplier_id" uuid;--> statement-breakpoint
CREATE INDEX "outbox_due_idx" ON "identity"."outbox" USING btree ("next_attempt_at") WHERE delivered_at is null and parked_at is null;--> statement-breakpoint
ALTER TABLE "identity"."outbox" DROP COLUMN "published_at";