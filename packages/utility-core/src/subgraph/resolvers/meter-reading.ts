import { Big, formatQuantity } from '@kabinet/money';
import type { MeterReadingResolvers } from '../generated/resolvers-types';

export const meterReadingResolvers: MeterReadingResolvers = {
  // numeric(14,3) arrives as e.g. "12345.000"; shown without trailing zeros.
  value: (reading) => formatQuantity(new Big(reading.value)),
  period: (reading) => reading.period.slice(0, 7),
};
