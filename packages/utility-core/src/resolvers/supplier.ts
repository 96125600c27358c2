import type { UtilityContext } from '../context';
import { readingWindowStatus, type SupplierRow } from '../suppliers';

export const supplierResolvers = {
  readingWindow: (supplier: SupplierRow, _args: unknown, context: UtilityContext) => readingWindowStatus(supplier, context.now),
};
