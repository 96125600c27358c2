import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { findBadString, maxStringLength, stringProblem } from './strings';

describe('string inputs', () => {
  it('keeps text people type: any script, tabs and line breaks', () => {
    for (const text of ['Олена Демченко', 'line one\nline two\r\n\tindented', 'Зʼєднання №5 — «добре» ✓', 'x'.repeat(maxStringLength)])
      expect(stringProblem(text)).toBeNull();
  });

  it('refuses NUL, other control characters and DEL', () => {
    for (const text of ['a\u0000', '\u0007bell', 'esc\u001b[31m', 'del\u007f', 'vt\u000b']) expect(stringProblem(text)).toBe('CONTROL_CHARACTER');
  });

  it('refuses C1 controls and lone surrogates, and keeps characters outside the BMP', () => {
    for (const text of ['csi\u009b31m', 'nel\u0085', 'pad\u0080', 'lone\ud800', '\udc00lone', 'reversed\udc00\ud800']) {
      expect(stringProblem(text), JSON.stringify(text)).toBe('CONTROL_CHARACTER');
    }
    for (const text of ['emoji 😀', 'Ґанок і ліхтарі', 'non-breaking\u00a0space', 'Zoë']) expect(stringProblem(text)).toBeNull();
  });

  it('refuses text longer than any field takes', () => {
    expect(stringProblem('x'.repeat(maxStringLength + 1))).toBe('TOO_LONG');
  });

  it('finds the first bad string in literals, then in variables, and says where', () => {
    const document = parse('mutation { login(input: { email: "a\\u0000", password: "p" }) { accessToken } }');
    expect(findBadString(document, {})).toEqual({ problem: 'CONTROL_CHARACTER', location: 'line 1' });
    const withVariables = parse('mutation ($input: LoginInput!) { login(input: $input) { accessToken } }');
    expect(findBadString(withVariables, { input: { email: 'a@b.c', list: ['ok', 'bad\u0000'] } })).toEqual({
      problem: 'CONTROL_CHARACTER',
      location: '$input.list[1]',
    });
    expect(findBadString(withVariables, { input: { email: 'a@b.c', password: 'p' } })).toBeNull();
  });

  it('checks each request\'s variables, also with a document it has checked before', () => {
    const document = parse('mutation ($input: LoginInput!) { login(input: $input) { accessToken } }');
    expect(findBadString(document, { input: { email: 'a@b.c' } })).toBeNull();
    expect(findBadString(document, { input: { email: 'a\u0000' } })).toEqual({ problem: 'CONTROL_CHARACTER', location: '$input.email' });
    const literal = parse('mutation { login(input: { email: "a\u0000", password: "p" }) { accessToken } }');
    expect(findBadString(literal, {})).toEqual({ problem: 'CONTROL_CHARACTER', location: 'line 1' });
    expect(findBadString(literal, {})).toEqual({ problem: 'CONTROL_CHARACTER', location: 'line 1' });
  });
});
