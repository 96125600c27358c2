import type { Locale, Translations } from '@kabinet/errors';
import type { MeterZone } from './meters';

/**
 * Each meter zone as people name it, in every language: one table for what a bill prints (its
 * Ukrainian name, capitalised: `zoneLabels`) and what a refusal says ("Лічильник … (день)"). The
 * codes (DAY) are the API's.
 */
const zoneNames: Record<MeterZone, Translations> = {
  SINGLE: { en: 'single rate', uk: 'загальна', ru: 'общая' },
  DAY: { en: 'day', uk: 'день', ru: 'день' },
  NIGHT: { en: 'night', uk: 'ніч', ru: 'ночь' },
  HALF_PEAK: { en: 'half-peak', uk: 'напівпік', ru: 'полупик' },
  PEAK: { en: 'peak', uk: 'пік', ru: 'пик' },
  HEAT: { en: 'heat', uk: 'тепло', ru: 'тепло' },
  HOT_WATER: { en: 'hot water', uk: 'гаряча вода', ru: 'горячая вода' },
};

/** A zone's name in a sentence; its code when it has none. */
export const zoneIn = (locale: Locale, zone: MeterZone) => zoneNames[zone]?.[locale] ?? zone;

/** A utility's zones as its bills print them: "День", "Гаряча вода". */
export function zoneLabels(zones: readonly MeterZone[]): Record<MeterZone, string> {
  return Object.fromEntries(zones.map((zone) => [zone, zoneIn('uk', zone).replace(/^./, (first) => first.toLocaleUpperCase('uk'))]));
}
