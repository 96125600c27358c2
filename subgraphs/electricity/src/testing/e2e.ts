import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@kabinet/auth';
import { demoOperators, demoSupplierId, demoUsers } from '@kabinet/demo';
import { loginAs, startTestStack, type TestStack, type TestStackOptions } from '@kabinet/testing';
import { and, eq } from 'drizzle-orm';
import * as tables from '../db/schema';

/**
 * What electricity's end-to-end tests share. The domain clock starts on 2 December 2026 at
 * 10:00 in Kyiv: November's reading windows are open at every demo supplier (Kyiv 1–5, Lviv
 * 1–7, Odesa 1–3 December), and the demo data holds readings and bills for July to October.
 */
export const december2 = '2026-12-02T08:00:00Z';

export const supplierIds = {
  kyiv: demoSupplierId('electricity', 'kyiv-energo'),
  lviv: demoSupplierId('electricity', 'lviv-energo'),
  odesa: demoSupplierId('electricity', 'odesa-energo'),
};

export { tables };

export function startElectricityStack(options: TestStackOptions = {}): Promise<TestStack> {
  return startTestStack({ now: december2, ...options });
}

export { loginAs };

export const demoLogins = { demo: demoUsers.demo, neighbour: demoUsers.second, kyivOperator: demoOperators.kyivEnergo, odesaOperator: demoOperators.odesaEnergo };

/**
 * A fresh customer login nobody else shares (signed with the stack's keys, as identity would
 * sign it), for tests that must not disturb the demo logins.
 */
export async function newCustomer(t: TestStack): Promise<{ userId: string; email: string; token: string }> {
  const userId = randomUUID();
  const email = `customer-${userId.slice(0, 8)}@kabinet.test`;
  const token = await signAccessToken(t.stack.tokenKeys, { userId, role: 'CUSTOMER', sessionId: randomUUID(), email });
  return { userId, email, token };
}

/** The id of a demo account by its supplier and number. */
export async function accountIdOf(t: TestStack, supplierId: string, accountNumber: string): Promise<string> {
  const [row] = await t.stack.database.db
    .select({ id: tables.accounts.id })
    .from(tables.accounts)
    .where(and(eq(tables.accounts.supplierId, supplierId), eq(tables.accounts.accountNumber, accountNumber)));
  if (!row) throw new Error(`no demo account ${accountNumber}`);
  return row.id;
}
