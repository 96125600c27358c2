import type { UtilityContext } from '../context';
import { heldBy, type Held } from '../held';
import type { MeterRow } from '../loaders';
import { isVerificationOverdue, nextVerificationDue, sortByZone } from '../meters';

const today = () => new Date().toISOString().slice(0, 10);

async function latestReadings(meter: Held<MeterRow>, context: UtilityContext) {
  return heldBy(sortByZone(await context.utility.latestReadingsByMeter.load(meter.id)), meter.holderUserId);
}

export const meterResolvers = {
  nextVerificationDue: (meter: MeterRow) => nextVerificationDue(meter),
  verificationOverdue: (meter: MeterRow) => isVerificationOverdue(meter, today()),
  latestReadings: (meter: Held<MeterRow>, _args: unknown, context: UtilityContext) => latestReadings(meter, context),
  latestReading: async (meter: Held<MeterRow>, _args: unknown, context: UtilityContext) =>
    (await latestReadings(meter, context)).find((reading) => reading.zone === meter.zones[0]) ?? null,
};
