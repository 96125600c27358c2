-- Hand-edited: text becomes jsonb with the old text as every language's until a supplier is told in each.
ALTER TABLE "electricity"."suppliers" ALTER COLUMN "account_number_format" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "electricity"."suppliers" ALTER COLUMN "account_number_format" SET DATA TYPE jsonb USING jsonb_build_object('en', "account_number_format", 'uk', "account_number_format", 'ru', "account_number_format");
