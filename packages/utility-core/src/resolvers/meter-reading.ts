import type { ReadingRow } from '../loaders';

export const meterReadingResolvers = {
  // numeric(14,3) arrives as e.g. "12345.000"; show it without trailing zeros.
  value: (reading: ReadingRow) => trimDecimal(reading.value),
};

export function trimDecimal(value: string): string {
  return value.includes('.') ? value.replace(/\.?0+$/, '') : value;
}
