import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

/** Reads SDL files and joins them into one document (a subgraph's own SDL plus shared shapes). */
export function readSdl(...files: (string | URL)[]): string {
  return files.map((file) => readFileSync(file, 'utf8')).join('\n');
}

export function parseSdl(...files: (string | URL)[]): DocumentNode {
  return parse(readSdl(...files));
}

/** SDL shared by every subgraph (Money, Date, DateTime). */
export const sharedSdlFiles: URL[] = [new URL('../../../schema/shared/money.graphql', import.meta.url)];

/** A subgraph's own SDL file(s) plus the shared shapes, as one document. */
export function subgraphTypeDefs(...files: (string | URL)[]): DocumentNode {
  return parseSdl(...files, ...sharedSdlFiles);
}
