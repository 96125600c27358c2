import { scopes } from '@kabinet/auth';
import type { Database } from '@kabinet/db';
import { inArray } from 'drizzle-orm';
import { demoOperators, demoPartner, demoUsers } from '@kabinet/demo';
import { oauthClients, users } from './db/schema';
import { registrationProblem, type ClientRegistration } from './oauth/clients';
import { hashPassword } from './passwords';

/**
 * The demo partner, Demo Bank, which may ask for every scope. Kabinet's own apps are no OAuth
 * clients: they log in with `login`.
 */
export const demoClients = (): ClientRegistration[] => [
  { clientId: demoPartner.clientId, name: demoPartner.name, scopes: [...scopes], redirectUris: [demoPartner.redirectUri] },
];

/** The demo logins, confirmed, the demo suppliers' operators and the registered apps; existing rows are left as they are. */
export async function seedIdentityDemo(db: Database): Promise<void> {
  const logins = [
    ...Object.values(demoUsers).map((user) => ({ ...user, role: 'CUSTOMER', supplierIds: [] })),
    ...Object.values(demoOperators).map((operator) => ({ ...operator, role: 'OPERATOR' })),
  ];
  // A password hash costs tens of milliseconds of CPU: only logins not there yet get one (a
  // second start adds nothing, and hashes nothing), and those are hashed side by side.
  const existing = new Set((await db.select({ id: users.id }).from(users).where(inArray(users.id, logins.map((login) => login.id)))).map((row) => row.id));
  const missing = logins.filter((login) => !existing.has(login.id));
  const hashes = await Promise.all(missing.map((login) => hashPassword(login.password)));
  for (const [index, login] of missing.entries()) {
    await db
      .insert(users)
      .values({
        id: login.id,
        email: login.email,
        displayName: login.displayName,
        passwordHash: hashes[index]!,
        role: login.role,
        supplierIds: [...login.supplierIds],
        emailConfirmedAt: new Date(),
      })
      .onConflictDoNothing();
  }
  for (const client of demoClients()) {
    const problem = registrationProblem(client);
    if (problem) throw new Error(`demo client ${client.clientId}: ${problem}`);
    await db.insert(oauthClients).values(client).onConflictDoNothing();
  }
}
