import { scopes } from '@kabinet/auth';
import type { Config } from '@kabinet/config';
import type { Database } from '@kabinet/db';
import { demoOperators, demoPartner, demoUsers } from '@kabinet/demo';
import { oauthClients, users } from './db/schema';
import { registrationProblem, type ClientRegistration } from './oauth/clients';
import { hashPassword } from './passwords';

/** Kabinet's own apps and the demo partner, Demo Bank, which may ask for every scope. */
export const demoClients = (config: Config): ClientRegistration[] => [
  { clientId: 'kabinet-web', name: 'Kabinet', kind: 'FIRST_PARTY', scopes: [...scopes], redirectUris: [new URL('/oauth/callback', config.mail.appUrl).toString()] },
  { clientId: 'kabinet-mobile', name: 'Kabinet (mobile)', kind: 'FIRST_PARTY', scopes: [...scopes], redirectUris: ['dev.kabinet.app:/oauth/callback'] },
  { clientId: demoPartner.clientId, name: demoPartner.name, kind: 'PARTNER', scopes: [...scopes], redirectUris: [demoPartner.redirectUri] },
];

/** The demo logins, confirmed, the demo suppliers' operators and the registered apps; existing rows are left as they are. */
export async function seedIdentityDemo(db: Database, config: Config): Promise<void> {
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
  for (const client of demoClients(config)) {
    const problem = registrationProblem(client);
    if (problem) throw new Error(`demo client ${client.clientId}: ${problem}`);
    await db.insert(oauthClients).values(client).onConflictDoNothing();
  }
}
