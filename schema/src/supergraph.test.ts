import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeSupergraph, supergraphFile } from './index';

describe('supergraph', () => {
  const composition = composeSupergraph();

  it('composes without errors or hints', () => {
    expect(composition.errors).toEqual([]);
    expect(composition.hints).toEqual([]);
  });

  it('is checked in up to date (run `pnpm compose`)', () => {
    expect(readFileSync(supergraphFile, 'utf8')).toBe(composition.supergraphSdl);
  });
});
