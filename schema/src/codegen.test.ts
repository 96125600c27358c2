import { describe, expect, it } from 'vitest';
import { generateResolverTypes, readGenerated, targets } from '../../codegen';

// Generating takes a second or two alone; on a machine busy with the e2e suites, more than the default 5 s.
describe('generated resolver types', { timeout: 30_000 }, () => {
  it.each(Object.keys(targets))('of %s are checked in up to date (run `pnpm codegen`)', async (name) => {
    expect(await readGenerated(name)).toBe(await generateResolverTypes(name));
  });
});
