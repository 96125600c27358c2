import type { Database } from '@kabinet/db';
import { demoOperators, demoUsers } from '@kabinet/demo';
import { users } from './db/schema';
import { hashPassword } from './passwords';

/** The demo logins, confirmed, and the demo suppliers' operators; existing rows are left as they are. */
export async function seedIdentityDemo(db: Database): Promise<void> {
  const logins = [
    ...Object.values(demoUsers).map((user) => ({ ...user, role: 'CUSTOMER', supplierId: null })),
    ...Object.values(demoOperators).map((operator) => ({ ...operator, role: 'OPERATOR' })),
  ];
  for (const login of logins) {
    await db
      .insert(users)
      .values({
        id: login.id,
        email: login.email,
        displayName: login.displayName,
        passwordHash: await hashPassword(login.password),
        role: login.role,
        supplierId: login.supplierId,
        emailConfirmedAt: new Date(),
      })
      .onConflictDoNothing();
  }
}
