import { sql } from 'drizzle-orm';
import { defineOutboxTable } from '@kabinet/events';
import { index, jsonb, pgSchema, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const identitySchema = pgSchema('identity');

export const users = identitySchema.table(
  'users',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    /** Stored trimmed and lower-cased. */
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    phone: text('phone'),
    passwordHash: text('password_hash').notNull(),
    role: text('role').notNull().default('CUSTOMER'),
    /**
     * Operators only: the suppliers (ids in the utility subgraphs) whose staff they are, one per
     * utility their organisation supplies.
     */
    supplierIds: uuid('supplier_ids').array().notNull().default(sql`'{}'::uuid[]`),
    emailConfirmedAt: timestamp('email_confirmed_at', { withTimezone: true }),
    /** A new address waiting for confirmation; `email` stays in use until then. */
    pendingEmail: text('pending_email'),
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex().on(table.email)],
);

/** Single-use tokens sent by mail; only their SHA-256 is stored. */
export const emailTokens = identitySchema.table(
  'email_tokens',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    userId: uuid('user_id').notNull().references(() => users.id),
    purpose: text('purpose').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** For email confirmation: the address being confirmed. */
    email: text('email'),
    /** For a registration link: the password and name it sets when used (a later registration may send others). */
    passwordHash: text('password_hash'),
    displayName: text('display_name'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    /** Ended unused: another link was used or mailed, the password changed, or the login was deactivated. */
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex().on(table.tokenHash), index().on(table.userId)],
);

/** Rotating refresh tokens: one family per login session, only hashes stored. */
export const refreshTokens = identitySchema.table(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    familyId: uuid('family_id').notNull(),
    userId: uuid('user_id').notNull().references(() => users.id),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    rotatedAt: timestamp('rotated_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // revoked_at: every service reads the sessions ended lately, once a second (`sessions.ts`).
  (table) => [uniqueIndex().on(table.tokenHash), index().on(table.familyId), index().on(table.userId), index().on(table.revokedAt)],
);

/**
 * Apps that may ask a customer for delegated access (OAuth 2.1): partners, with the scopes they
 * may ask for and the exact redirect URIs they may use. Kabinet's own apps log in with `login`,
 * not here; whether a client is first-party is the gateway's `schema/clients.json`.
 */
export const oauthClients = identitySchema.table('oauth_clients', {
  /** A slug, e.g. `demo-bank`: the `client_id` the app sends. */
  clientId: text('client_id').primaryKey(),
  /** Shown to the customer on the consent page. */
  name: text('name').notNull(),
  scopes: text('scopes').array().notNull(),
  redirectUris: text('redirect_uris').array().notNull(),
  /** `none`: a public app proving itself with PKCE only (the only method offered so far). */
  tokenEndpointAuthMethod: text('token_endpoint_auth_method').notNull().default('none'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * What oidc-provider stores (authorization codes, refresh tokens, grants, interactions, its
 * browser sessions), one row per artifact, its payload as oidc-provider made it.
 */
export const oauthArtifacts = identitySchema.table(
  'oauth_artifacts',
  {
    kind: text('kind').notNull(),
    id: text('id').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    grantId: text('grant_id'),
    uid: text('uid'),
    userCode: text('user_code'),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
  },
  (table) => [primaryKey({ columns: [table.kind, table.id] }), index().on(table.grantId), index().on(table.uid), index().on(table.expiresAt)],
);

/**
 * A customer's consent to an app, as the customer sees it (`authorizedApps`): one row per
 * oidc-provider grant. `revoked_at` feeds the list of ended sessions, since a delegated token's
 * `sid` is its grant id.
 */
export const oauthGrants = identitySchema.table(
  'oauth_grants',
  {
    grantId: text('grant_id').primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id),
    clientId: text('client_id').notNull().references(() => oauthClients.clientId),
    scopes: text('scopes').array().notNull(),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (table) => [index().on(table.userId), index().on(table.revokedAt)],
);

/** Durable events for other subgraphs (a login deactivated), written in the same transaction as the change. */
export const outbox = defineOutboxTable(identitySchema);
