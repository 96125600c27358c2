import { localize } from '@kabinet/errors';
import { readingWindowStatus } from '../../suppliers';
import type { SupplierResolvers } from '../generated/resolvers-types';

export const supplierResolvers: SupplierResolvers = {
  accountNumberFormat: (supplier) => localize(supplier.accountNumberFormat),
  readingWindow: (supplier, _args, context) => readingWindowStatus(supplier, context.now),
};
