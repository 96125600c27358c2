import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

/** An SDL file, or SDL made in code (`{ sdl }`). */
export type SdlSource = string | URL | { sdl: string };

/** Reads SDL sources and joins them into one document (a subgraph's own SDL plus shared shapes). */
export function readSdl(...sources: SdlSource[]): string {
  return sources.map((source) => (typeof source === 'object' && 'sdl' in source ? source.sdl : readFileSync(source, 'utf8'))).join('\n');
}

export function parseSdl(...sources: SdlSource[]): DocumentNode {
  return parse(readSdl(...sources));
}

/** SDL shared by every subgraph (Money, Date, DateTime). */
export const sharedSdlFiles: URL[] = [new URL('../../../schema/shared/money.graphql', import.meta.url)];

/** A subgraph's own SDL file(s) plus the shared shapes, as one document. */
export function subgraphTypeDefs(...files: (string | URL)[]): DocumentNode {
  return parseSdl(...files, ...sharedSdlFiles);
}
