import { pageArguments, toConnection } from '@kabinet/subgraph';
import { afterPosition } from '@kabinet/db';
import { and, desc, eq } from 'drizzle-orm';
import { localDateIn } from '../../calendar';
import type { UtilityContext } from '../context';
import { pagedLists } from '../paged-lists';
import type { MeterResolvers } from '../generated/resolvers-types';
import { withScope, type Scoped } from '../../access';
import type { MeterRow } from '../../tables';
import { isVerificationOverdue, nextVerificationDue, sortByZone } from '../../meters';
import { zoneOrderOf } from '../../billing/run';

async function latestReadings(meter: Scoped<MeterRow>, context: UtilityContext) {
  return withScope(sortByZone(await context.utility.latestReadingsByMeter.load(meter.id), zoneOrderOf(context.services.rules)), meter.scope);
}

export const meterResolvers: MeterResolvers = {
  nextVerificationDue: (meter) => nextVerificationDue(meter),
  /** Judged on the supplier's calendar. */
  verificationOverdue: async (meter, _args, context) => {
    const supplier = await context.utility.supplierById.load(meter.scope.supplierId);
    return isVerificationOverdue(meter, localDateIn(context.now, supplier!.timeZone));
  },
  latestReadings: (meter, _args, context) => latestReadings(meter, context),
  latestReading: async (meter, _args, context) =>
    (await latestReadings(meter, context)).find((reading) => reading.zone === meter.zones[0]) ?? null,
  readings: async (meter, args, context) => {
    const { first, after } = pageArguments(args, pagedLists.readings, 12);
    const { readings } = context.services.tables;
    const rows = await context.db
      .select()
      .from(readings)
      .where(and(eq(readings.meterId, meter.id), afterPosition(readings.period, readings.id, after)))
      .orderBy(desc(readings.period), desc(readings.id))
      .limit(first + 1);
    return toConnection(withScope(rows, meter.scope), first, pagedLists.readings, (reading) => ({ at: reading.period, id: reading.id }));
  },
};
