import type { BaseContext } from '@kabinet/subgraph';
import DataLoader from 'dataloader';
import type { IdentityService, UserRow } from './services/identity';

export interface IdentityContext extends BaseContext {
  identity: IdentityService;
  users: DataLoader<string, UserRow | null>;
  /** Set by login-like mutations: the user this request just proved to be. */
  authenticatedUserId?: string;
}
