import { readFileSync } from 'node:fs';
import { parseSdl, sharedSdlFiles } from '@kabinet/subgraph';
import type { DocumentNode } from 'graphql';

/** How one utility names its cabinet: `{ Utility: 'Electricity', utility: 'electricity', utilityWords: 'electricity' }`. */
export interface UtilityNames {
  /** In type and field names, capitalised: `HeatAccount`, `linkHeatAccount`. */
  Utility: string;
  /** In field names, lower case: `heatAccounts`, `heatSuppliers`. */
  utility: string;
  /** In descriptions: "A heat & hot-water supplier's account". */
  utilityWords: string;
}

/**
 * The names the shared resolvers and shield rules are written with (`CabinetAccount`,
 * `linkCabinetAccount`), and their generated types (`generated/resolvers-types.ts`) made from;
 * `renamedFor()` gives each utility its own.
 */
export const neutralNames: UtilityNames = { Utility: 'Cabinet', utility: 'cabinet', utilityWords: 'a utility' };

const template = readFileSync(new URL('../../cabinet-account.graphql.template', import.meta.url), 'utf8');

function fill(text: string, names: UtilityNames): string {
  return text.replace(/\{\{(Utility|utility|utilityWords)\}\}/g, (_match, key: keyof UtilityNames) => names[key]);
}

/** A name under `neutralNames` (`linkCabinetAccount`) as one utility's (`linkHeatAccount`). */
export function renamedFor(names: UtilityNames) {
  return (name: string) => name.replace(/^cabinet/, names.utility).replace(/Cabinet/, names.Utility);
}

/** The cabinet's SDL for one utility: its account type, its `User` field and its root fields. */
export function cabinetSdl(names: UtilityNames): string {
  return fill(template.replace(/^#.*\n/gm, ''), names);
}

const utilitySdlFiles = [new URL('../../schema.graphql', import.meta.url), new URL('../../cabinet.graphql', import.meta.url)];

/**
 * A utility subgraph's whole SDL: its own (the `@link` to federation and what only this utility
 * has), the shared utility and cabinet shapes, the cabinet declared for it, and the shapes every
 * subgraph shares.
 */
export function utilityTypeDefs(ownSdl: string | URL, names: UtilityNames): DocumentNode {
  const own = ownSdl instanceof URL ? readFileSync(ownSdl, 'utf8') : ownSdl;
  return parseSdl(...utilitySdlFiles, ...sharedSdlFiles, { sdl: `${own}\n${cabinetSdl(names)}` });
}

/**
 * What every utility subgraph serves, under `neutralNames`: the source of the shared resolvers'
 * generated types. The link stands in for a utility's own SDL, which opens with one like it.
 */
export const neutralCabinetTypeDefs = () =>
  utilityTypeDefs('extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])', neutralNames);
