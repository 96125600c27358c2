import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The domain (billing, readings, linking, ledger, bills, appeals) never imports its GraphQL and
 * HTTP face (`src/subgraph/`): resolvers, loaders, shield rules and routes call the domain, not
 * the other way round.
 */

const src = path.dirname(new URL(import.meta.url).pathname);
const face = path.join(src, 'subgraph');
const faceLibraries = ['@kabinet/subgraph', 'graphql', 'graphql-shield', 'dataloader', 'express', '@apollo/server', '@apollo/subgraph'];
// Entry points that bring GraphQL along though their package also has plain rules: @kabinet/input's
// index re-exports its scalars and its Apollo plugin; its rules are imported by their own paths.
const faceEntryPoints = ['@kabinet/input'];

function domainFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return file === face || name === 'testing' ? [] : domainFiles(file);
    return name.endsWith('.ts') && !/\.(test|e2e|bench)\.ts$/.test(name) && file !== path.join(src, 'index.ts') ? [file] : [];
  });
}

const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((match) => match[1]!);

describe('the utility core\'s layers', () => {
  it('has domain files to check', () => {
    expect(domainFiles(src).length).toBeGreaterThan(20);
  });

  it.each(domainFiles(src).map((file) => [path.relative(src, file), file]))('%s imports nothing of the GraphQL or HTTP face', (_name, file) => {
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith('.')) expect(path.resolve(path.dirname(file), specifier).startsWith(face), specifier).toBe(false);
      else {
        expect(faceLibraries.some((library) => specifier === library || specifier.startsWith(`${library}/`)), specifier).toBe(false);
        expect(faceEntryPoints.includes(specifier), specifier).toBe(false);
      }
    }
  });
});
