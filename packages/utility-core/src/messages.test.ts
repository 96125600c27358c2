import { describe, expect, it } from 'vitest';
import { messages, momentIn } from './messages';

describe('what the cabinet tells a person', () => {
  it('ends a sentence on a date with one full stop in every language', () => {
    const closed = messages.readingWindowClosed('Київтеплоенерго', { period: '2026-12', opensOn: '2026-12-05', closesOn: '2026-12-31' });
    expect(closed.uk).toBe('Київтеплоенерго сьогодні не приймає показання: показання за грудень 2026 р. приймають з 5 грудня 2026 р. до 31 грудня 2026 р.');
    expect(closed.ru).toMatch(/по 31 декабря 2026 г\.$/);
    expect(closed.en).toMatch(/to 31 December 2026\.$/);
  });

  it('tells a time with its clock, so that it reads the same from another zone', () => {
    const at = new Date('2026-12-02T12:41:00Z');
    expect(momentIn('uk', at, 'Europe/Kyiv')).toBe('2 грудня 2026 р. о 14:41 GMT+2');
    expect(momentIn('en', at, 'Europe/Kyiv')).toBe('2 December 2026 at 14:41 EET');
    // A Kamchatka supplier's lock ends on its own clock, the next day there.
    expect(momentIn('ru', at, 'Asia/Kamchatka')).toBe('3 декабря 2026 г. в 00:41 GMT+12');
    expect(messages.linkLocked(at, 'Europe/Kyiv').uk).toBe('Забагато хибних підтверджень для цього номера рахунку. Спробуйте знову після 2 грудня 2026 р. о 14:41 GMT+2.');
  });
});

describe('a meter zone in a sentence', () => {
  it('is named in the person’s language, not by its API code', () => {
    const below = messages.readingBelowPrevious('NIK-2303-0041187', 'DAY', '19288', '19000');
    expect(below).toEqual({
      en: 'Meter NIK-2303-0041187 (day) read 19288 before; 19000 is lower',
      uk: 'Лічильник NIK-2303-0041187 (день) раніше показував 19288; 19000 — менше',
      ru: 'Счётчик NIK-2303-0041187 (день) раньше показывал 19288; 19000 — меньше',
    });
    expect(messages.missingZones('MERCURY-201-8841207', ['HALF_PEAK', 'PEAK']).uk).toBe('Подайте всі зони лічильника MERCURY-201-8841207: бракує напівпік, пік');
    expect(messages.zoneTwice('GV-88104', 'HOT_WATER').ru).toBe('Счётчик GV-88104 (горячая вода) подан дважды');
  });
});
