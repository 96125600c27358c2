import { Big, formatQuantity } from '@kabinet/money';
import type { ReadingRow } from '../../tables';

export const meterReadingResolvers = {
  // numeric(14,3) arrives as e.g. "12345.000"; shown without trailing zeros.
  value: (reading: ReadingRow) => formatQuantity(new Big(reading.value)),
  period: (reading: ReadingRow) => reading.period.slice(0, 7),
};
