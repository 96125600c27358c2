import { electricityRules } from '@kabinet/electricity';
import { heatRules } from '@kabinet/heat';
import { zoneOrderOf } from '@kabinet/utility-core';
import { buildSchema, isEnumType } from 'graphql';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const supergraph = buildSchema(readFileSync(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8'), { assumeValidSDL: true });

describe('meter zones', () => {
  it('are what the utilities measure, each named once in the API\'s MeterZone enum', () => {
    const meterZone = supergraph.getType('MeterZone');
    if (!isEnumType(meterZone)) throw new Error('MeterZone is not an enum');
    const apiZones = meterZone.getValues().map((value) => value.name).sort();
    const utilityZones = [electricityRules, heatRules].flatMap((rules) => zoneOrderOf(rules));
    expect(new Set(utilityZones).size).toBe(utilityZones.length);
    expect([...utilityZones].sort()).toEqual(apiZones);
  });
});
