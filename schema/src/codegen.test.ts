import { describe, expect, it } from 'vitest';
import { generateResolverTypes, readGenerated, targets } from '../../codegen';

describe('generated resolver types', () => {
  it.each(Object.keys(targets))('of %s are checked in up to date (run `pnpm codegen`)', async (name) => {
    expect(await readGenerated(name)).toBe(await generateResolverTypes(name));
  });
});
