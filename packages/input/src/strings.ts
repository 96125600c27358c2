import { BREAK, Kind, visit, type DocumentNode } from 'graphql';
import { stringProblem, type StringProblem } from './text';

export { maxStringLength, stringProblem, type StringProblem } from './text';

export interface BadString {
  problem: StringProblem;
  /** Where: `$variable.path.to.value`, or the literal's position in the document. */
  location: string;
}

function inValue(value: unknown, location: string): BadString | null {
  if (typeof value === 'string') {
    const problem = stringProblem(value);
    return problem ? { problem, location } : null;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = inValue(item, `${location}[${index}]`);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = inValue(item, `${location}.${key}`) ?? inValue(key, location);
      if (found) return found;
    }
  }
  return null;
}

function inLiterals(document: DocumentNode): BadString | null {
  let found: BadString | null = null;
  visit(document, {
    [Kind.STRING](node) {
      const problem = stringProblem(node.value);
      if (!problem) return undefined;
      found = { problem, location: node.loc ? `line ${node.loc.startToken.line}` : 'a literal' };
      return BREAK;
    },
  });
  return found;
}

// A parsed document's literals never change, and Apollo Server hands the same document object to
// every request with the same text (its document cache): they are checked once per document.
const literalsChecked = new WeakMap<DocumentNode, BadString | null>();

/** The first string of a request, literal or variable, that no field of ours may take. */
export function findBadString(document: DocumentNode, variables: Record<string, unknown> | undefined): BadString | null {
  let found = literalsChecked.get(document);
  if (found === undefined) {
    found = inLiterals(document);
    literalsChecked.set(document, found);
  }
  if (found) return found;
  for (const [name, value] of Object.entries(variables ?? {})) {
    const inVariable = inValue(value, `$${name}`);
    if (inVariable) return inVariable;
  }
  return null;
}
