import { describe, expect, it } from 'vitest';
import {
  attemptsLeft,
  hashOfficeCode,
  lockedUntil,
  matchesReceiptCode,
  matchesRecentPayment,
  newOfficeCode,
  normalizeAddress,
  normalizeSurname,
} from './proofs';

describe('link proofs', () => {
  it('accept the last payment or the one before it, and nothing older', () => {
    const recent = [51_220, 84_150, 90_000];
    expect(matchesRecentPayment('512.20', 'UAH', recent)).toBe(true);
    expect(matchesRecentPayment('841,5', 'UAH', recent)).toBe(true);
    expect(matchesRecentPayment('900', 'UAH', recent)).toBe(false);
    expect(matchesRecentPayment('512.2O', 'UAH', recent)).toBe(false);
    expect(matchesRecentPayment('512.20', 'UAH', [])).toBe(false);
  });

  it('compare receipt codes as typed from paper', () => {
    expect(matchesReceiptCode('e7c4-1b09-d2a5', ['E7C41B09D2A5'])).toBe(true);
    expect(matchesReceiptCode('E7C41B09D2A6', ['E7C41B09D2A5'])).toBe(false);
    expect(matchesReceiptCode('  ', [''])).toBe(false);
  });

  it('compare surnames whatever the case and apostrophe', () => {
    expect(normalizeSurname(" Обʼєднана ")).toBe(normalizeSurname("ОБ'ЄДНАНА"));
    expect(normalizeSurname('Демченко')).toBe(normalizeSurname('демченко'));
    expect(normalizeSurname('Демченко')).not.toBe(normalizeSurname('Демчук'));
  });

  it('compare addresses on letters and digits only', () => {
    expect(normalizeAddress('м. Київ, вул. Хрещатик, 15, кв. 42')).toBe(normalizeAddress('м Київ вул Хрещатик 15 кв 42'));
    expect(normalizeAddress('м. Київ, вул. Хрещатик, 15, кв. 42')).not.toBe(normalizeAddress('м. Київ, вул. Хрещатик, 15, кв. 24'));
  });

  it('issue eight-digit office codes, stored only as hashes', () => {
    const code = newOfficeCode();
    expect(code).toMatch(/^\d{8}$/);
    expect(hashOfficeCode(code)).toHaveLength(64);
    expect(hashOfficeCode('1234 5678')).toBe(hashOfficeCode('12345678'));
  });
});

describe('link lockout', () => {
  const at = (minutes: number) => new Date(Date.UTC(2026, 10, 23, 10, minutes));

  it('locks after five failures within an hour, for an hour after the last', () => {
    const failures = [0, 5, 10, 15, 20].map(at);
    expect(lockedUntil(failures.slice(0, 4), at(21))).toBeNull();
    expect(lockedUntil(failures, at(21))).toEqual(at(80));
  });

  it('lifts the lock an hour after the last failure', () => {
    expect(lockedUntil([0, 5, 10, 15, 20].map(at), at(79))).toEqual(at(80));
    expect(lockedUntil([0, 5, 10, 15, 20].map(at), at(80))).toBeNull();
  });

  it('keeps the lock its full hour when the failures were spread over the hour', () => {
    // Three failures at 10:00, two at 10:40: locked until 11:40, even after the first three are an hour old.
    const failures = [0, 0, 0, 40, 40].map(at);
    expect(lockedUntil(failures, at(70))).toEqual(at(100));
    expect(attemptsLeft(failures, at(70))).toBe(3);
  });

  it('does not lock for five failures spread over more than an hour', () => {
    expect(lockedUntil([0, 20, 40, 59, 61].map(at), at(62))).toBeNull();
    expect(lockedUntil([0, 20, 40, 59, 61, 62].map(at), at(63))).toEqual(at(122));
  });
});
