DROP INDEX "payments"."provider_callbacks_data_hash_index";--> statement-breakpoint
ALTER TABLE "payments"."provider_callbacks" ADD COLUMN "event_id" text;--> statement-breakpoint
-- Rows from before: their exact data was their identity; kept as that, so they never collide with a provider's id.
UPDATE "payments"."provider_callbacks" SET "event_id" = 'data:' || "data_hash";--> statement-breakpoint
ALTER TABLE "payments"."provider_callbacks" ALTER COLUMN "event_id" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "provider_callbacks_payment_id_event_id_index" ON "payments"."provider_callbacks" USING btree ("payment_id","event_id");
