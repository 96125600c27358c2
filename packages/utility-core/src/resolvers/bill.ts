import { money } from '@kabinet/money';
import type { BillRow } from '../loaders';

export const billResolvers = {
  period: (bill: BillRow) => bill.period.slice(0, 7),
  amountDue: (bill: BillRow) => money(bill.amountDueMinor, bill.currency),
};
