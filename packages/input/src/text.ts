/*
 * What a string may hold, wherever it comes from: GraphQL (strings.ts checks every request once,
 * at the edge), uploaded files and OAuth parameters. Plain rules, no GraphQL.
 */

/** Longer than any field takes (an appeal's body, the longest, takes 5000). */
export const maxStringLength = 10_000;

// NUL (PostgreSQL refuses it in text), the other C0 controls, DEL and the C1 controls (U+009B
// starts a terminal's escape sequence as ESC [ does): never typed by a person, often a sign of an
// attack on logs or terminals. Tab and line breaks are text. A lone surrogate is no character at
// all: stored, it would silently become U+FFFD.
const controlCharacter = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export type StringProblem = 'CONTROL_CHARACTER' | 'TOO_LONG';

export function stringProblem(value: string): StringProblem | null {
  if (value.length > maxStringLength) return 'TOO_LONG';
  return controlCharacter.test(value) ? 'CONTROL_CHARACTER' : null;
}
