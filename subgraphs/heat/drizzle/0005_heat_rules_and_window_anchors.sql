CREATE TABLE "heat"."building_readings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"building_id" uuid NOT NULL,
	"period" date NOT NULL,
	"value" numeric(14, 3) NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"recorded_by_user_id" uuid
);
--> statement-breakpoint
CREATE TABLE "heat"."buildings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"address" text NOT NULL,
	"meter_serial_number" text NOT NULL,
	"meter_start_value" numeric(14, 3) NOT NULL,
	"common_area_share_basis_points" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "heat"."heating_seasons" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"opened_by_user_id" uuid,
	"closed_by_user_id" uuid
);
--> statement-breakpoint
CREATE TABLE "heat"."premises" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"heated_area_m2" numeric(10, 2) NOT NULL,
	"occupants" integer DEFAULT 1 NOT NULL,
	"heating" text NOT NULL,
	"hot_water" text NOT NULL,
	"building_id" uuid
);
--> statement-breakpoint
ALTER TABLE "heat"."suppliers" ADD COLUMN "reading_window_opens_from" text DEFAULT 'NEXT_MONTH_START' NOT NULL;--> statement-breakpoint
ALTER TABLE "heat"."tariffs" ADD COLUMN "heating_norm_gcal_per_m2" numeric(10, 5) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "heat"."tariffs" ADD COLUMN "hot_water_norm_m3_per_person" numeric(10, 3) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "heat"."tariffs" ADD COLUMN "subscription_fee" numeric(12, 2) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "heat"."building_readings" ADD CONSTRAINT "building_readings_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "heat"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "heat"."buildings" ADD CONSTRAINT "buildings_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "heat"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "heat"."heating_seasons" ADD CONSTRAINT "heating_seasons_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "heat"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "heat"."premises" ADD CONSTRAINT "premises_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "heat"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "heat"."premises" ADD CONSTRAINT "premises_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "heat"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "building_readings_building_id_period_index" ON "heat"."building_readings" USING btree ("building_id","period");--> statement-breakpoint
CREATE UNIQUE INDEX "heating_seasons_supplier_id_starts_on_index" ON "heat"."heating_seasons" USING btree ("supplier_id","starts_on");