import { describe, expect, it } from 'vitest';
import { generateResolverTypes, readGenerated, subgraphs } from '../../codegen';

describe('generated resolver types', () => {
  it.each(Object.keys(subgraphs))('of %s are checked in up to date (run `pnpm codegen`)', async (name) => {
    expect(await readGenerated(name)).toBe(await generateResolverTypes(name));
  });
});
