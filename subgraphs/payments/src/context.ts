import type { BaseContext } from '@kabinet/subgraph';
import { createPaymentLoaders, type PaymentLoaders } from './loaders';

export interface PaymentsContext extends BaseContext {
  payments: PaymentLoaders;
}

export const createPaymentsContext = (base: BaseContext): PaymentsContext => ({ ...base, payments: createPaymentLoaders(base.db) });
