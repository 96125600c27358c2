import type { Database } from '@kabinet/db';
import { demoUsers } from '@kabinet/demo';
import { users } from './db/schema';
import { hashPassword } from './passwords';

/** The demo logins, confirmed; existing rows are left as they are. */
export async function seedIdentityDemo(db: Database): Promise<void> {
  for (const user of Object.values(demoUsers)) {
    await db
      .insert(users)
      .values({
        id: user.id,
        email: user.email,
        displayName: user.displayName,
        passwordHash: await hashPassword(user.password),
        emailConfirmedAt: new Date(),
      })
      .onConflictDoNothing();
  }
}
