import type { SignedLinks } from '@kabinet/auth';
import type { BaseContext } from '@kabinet/subgraph';
import type { Checkouts } from './checkout/service';
import { createPaymentLoaders, type PaymentLoaders } from './loaders';

export interface PaymentsContext extends BaseContext {
  payments: PaymentLoaders;
  checkouts: Checkouts;
  receiptLinks: SignedLinks;
  transferLinks: SignedLinks;
}

export interface PaymentsServices {
  checkouts: Checkouts;
  receiptLinks: SignedLinks;
  transferLinks: SignedLinks;
}

export const createPaymentsContext =
  (services: PaymentsServices) =>
  (base: BaseContext): PaymentsContext => ({ ...base, ...services, payments: createPaymentLoaders(base.db) });
