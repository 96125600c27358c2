import { describe, expect, it } from 'vitest';
import { newTransferReference, transferReferenceIn } from './transfer-reference';

describe('transfer references', () => {
  it('are KB and ten base32 characters, different each time', () => {
    const made = new Set(Array.from({ length: 2000 }, () => newTransferReference()));
    expect(made.size).toBe(2000);
    for (const reference of made) expect(reference).toMatch(/^KB[0-9A-HJKMNP-TV-Z]{10}$/);
  });

  it('are found in a purpose however a bank wrote them', () => {
    const reference = newTransferReference();
    const tail = reference.slice(2);
    expect(transferReferenceIn(`Оплата за електроенергію, о/р 0123456789, ${reference}`)).toBe(reference);
    expect(transferReferenceIn(`ОПЛАТА ЗА ТЕПЛО; KB-${tail.toLowerCase()};`)).toBe(reference);
    expect(transferReferenceIn(`kb ${tail}`)).toBe(reference);
    expect(transferReferenceIn(`${reference} повторно ${reference}`)).toBe(reference);
  });

  it('are found as people type them: Cyrillic lookalikes on a Ukrainian keyboard, O for zero, I or L for one', () => {
    expect(transferReferenceIn('о/р 10234567, КВ7М2Q9D4ХКТ')).toBe('KB7M2Q9D4XKT');
    expect(transferReferenceIn('кв-7м2q9d4хкт')).toBe('KB7M2Q9D4XKT');
    expect(transferReferenceIn('KB1O2Q9D4XKT')).toBe('KB102Q9D4XKT');
    expect(transferReferenceIn('KBL02Q9D4XKI')).toBe('KB102Q9D4XK1');
  });

  it('are not found where there is none, a longer code, or two different ones', () => {
    expect(transferReferenceIn('Оплата за електроенергію, о/р 0123456789')).toBeNull();
    expect(transferReferenceIn('KB7M2Q9D4XKT9')).toBeNull();
    expect(transferReferenceIn('XKB7M2Q9D4XKT')).toBeNull();
    expect(transferReferenceIn('KB7M2Q9D4XKU')).toBeNull();
    expect(transferReferenceIn('KB7M2Q9D4XKT KB7M2Q9D4XKV')).toBeNull();
  });
});
