import type { BaseContext } from '@kabinet/subgraph';
import { createUtilityLoaders, type UtilityLoaders } from './loaders';
import type { UtilityTables } from './tables';

export interface UtilityContext extends BaseContext {
  utility: UtilityLoaders;
}

/** `createContext` of a utility subgraph: fresh loaders per request, so nothing is cached across users. */
export function utilityContextFactory(tables: UtilityTables) {
  return (base: BaseContext): UtilityContext => ({ ...base, utility: createUtilityLoaders(base.db, tables) });
}
