import { readingWindowStatus } from '../../suppliers';
import type { SupplierResolvers } from '../generated/resolvers-types';

export const supplierResolvers: SupplierResolvers = {
  accountNumberFormat: (supplier, _args, context) => supplier.accountNumberFormat[context.locale],
  readingWindow: (supplier, _args, context) => readingWindowStatus(supplier, context.now),
};
