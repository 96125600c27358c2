import type { UtilityContext } from '../context';
import { localize } from '@kabinet/errors';
import { readingWindowStatus, type SupplierRow } from '../../suppliers';

export const supplierResolvers = {
  accountNumberFormat: (supplier: SupplierRow) => localize(supplier.accountNumberFormat),
  readingWindow: (supplier: SupplierRow, _args: unknown, context: UtilityContext) => readingWindowStatus(supplier, context.now),
};
