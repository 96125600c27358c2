import { describe, expect, it } from 'vitest';
import { phoneInput } from './phone';

describe('a phone number as people type it', () => {
  it('keeps Ukrainian numbers typed at home or abroad as one E.164 number', () => {
    for (const typed of ['067 123 45 67', '0671234567', '(067) 123-45-67', '+380 (67) 123-45-67', '+380671234567', ' 380 67 123 45 67 ']) {
      expect(phoneInput(typed), typed).toBe('+380671234567');
    }
    expect(phoneInput('044 123 45 67')).toBe('+380441234567');
  });

  it('reads a Kamchatka household’s national number, and any number with its country code', () => {
    expect(phoneInput('8 914 123 45 67')).toBe('+79141234567');
    expect(phoneInput('+7 914 123-45-67')).toBe('+79141234567');
    expect(phoneInput('+44 20 7946 0958')).toBe('+442079460958');
  });

  it('clears on nothing, and refuses what no numbering plan has', () => {
    expect(phoneInput(null)).toBeNull();
    expect(phoneInput('   ')).toBeNull();
    for (const typed of ['12', '067 123', '+380 12 345', 'call me', '0'.repeat(41)]) {
      expect(() => phoneInput(typed), typed).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'phone' }) }));
    }
  });
});
