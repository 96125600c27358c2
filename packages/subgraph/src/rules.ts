import { viewerHasScope, type Scope, type Viewer } from '@kabinet/auth';
import { firstPartyOnlyRefusal, forbidden, missingScope, unauthenticated, type DomainError } from '@kabinet/errors';
import { Kind, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { allow, and, chain, deny, rule } from 'graphql-shield';
import type { BaseContext } from './service';

export { allow, deny, rule };
export { and, chain, or, shield } from 'graphql-shield';

/** A shield rule or a combination of rules. */
export type ShieldRule = Parameters<typeof and>[number];

/** Any logged-in user. */
export const isAuthenticated = rule({ cache: 'contextual' })((_parent, _args, context: BaseContext) =>
  context.viewer ? true : unauthenticated(),
);

export const isAdmin = rule({ cache: 'contextual' })((_parent, _args, context: BaseContext) =>
  context.viewer?.role === 'ADMIN' ? true : forbidden(),
);

/** Kabinet's own apps (a first-party session), never a token a customer delegated to a partner app. */
export const isFirstParty = rule({ cache: 'contextual' })((_parent, _args, context: BaseContext) =>
  context.viewer?.clientId === undefined ? true : firstPartyOnlyRefusal(),
);

const scopeRule = (scope: Scope) =>
  rule({ cache: 'contextual' })((_parent, _args, context: BaseContext) => {
    if (!context.viewer) return unauthenticated();
    return viewerHasScope(context.viewer, scope) ? true : missingScope(scope);
  });

/** One rule per scope, read from the viewer only (so cached once per request). */
const scopeRules: Record<Scope, ShieldRule> = {
  'accounts:read': scopeRule('accounts:read'),
  'readings:write': scopeRule('readings:write'),
  'payments:write': scopeRule('payments:write'),
};

/**
 * Who may call a root field, delegated tokens included: anyone (`public`: what it reveals is
 * public or proven by its input), a delegated token holding one scope, or Kabinet's own apps
 * only (`firstPartyOnly`). A first-party session may call every field its role allows.
 */
export type RootFieldAccess = 'public' | Scope | 'firstPartyOnly';

/** A root field's shield rule carrying its declared access, so that a test can read the table. */
export type RootFieldRule = ShieldRule & { readonly rootFieldAccess: RootFieldAccess };

// Always a fresh logic rule: the declaration is written on it, never on a shared rule.
const declared = (access: RootFieldAccess, wrapped: ShieldRule): RootFieldRule => Object.assign(wrapped, { rootFieldAccess: access });

/** A root field anyone may call, with or without a token. */
export const publicField = (): RootFieldRule => declared('public', chain(allow));

/**
 * A root field a delegated token may call with the customer's consent to `scope`; `also` is what
 * every caller must pass first (a login by default).
 */
export const needsScope = (scope: Scope, also: ShieldRule = isAuthenticated): RootFieldRule => declared(scope, chain(also, scopeRules[scope]));

/** A root field for Kabinet's own apps: refused to every delegated token whatever its scopes. */
export const firstPartyOnly = (also: ShieldRule = isAuthenticated): RootFieldRule => declared('firstPartyOnly', chain(also, isFirstParty));

/** The access a root field's rule declares; undefined for a rule made otherwise. */
export const rootFieldAccessOf = (fieldRule: unknown): RootFieldAccess | undefined =>
  typeof fieldRule === 'object' && fieldRule !== null && 'rootFieldAccess' in fieldRule ? (fieldRule as RootFieldRule).rootFieldAccess : undefined;

/** Account data for anyone holding `accounts:read`: what a root field's payload adds beside guarded types. Reads only the viewer. */
export const readsAccountData = scopeRules['accounts:read'];

/**
 * A mutation whose answer a delegated token may read with the scope that let it make the
 * mutation, without `accounts:read`: the readings it just submitted, the checkout it just
 * created. Only the mutation's own answer: what the gateway then fetches from other subgraphs
 * comes through `_entities`, a query, and needs `accounts:read`.
 */
export interface AnswerGrant {
  mutation: string;
  scope: Scope;
}

function fieldNameAt(selectionSet: SelectionSetNode, responseKey: string, fragments: Record<string, FragmentDefinitionNode>): string | null {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if ((selection.alias ?? selection.name).value === responseKey) return selection.name.value;
      continue;
    }
    const inner = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragments[selection.name.value]?.selectionSet;
    const found = inner ? fieldNameAt(inner, responseKey, fragments) : null;
    if (found) return found;
  }
  return null;
}

/** The mutation field whose answer is being resolved (`submitHeatReadings`, also when aliased), or null in a query. */
export function mutationFieldOf(info: GraphQLResolveInfo): string | null {
  if (info.operation.operation !== 'mutation') return null;
  let path = info.path;
  while (path.prev) path = path.prev;
  return fieldNameAt(info.operation.selectionSet, String(path.key), info.fragments);
}

/**
 * Whether the viewer may read account data here: a first-party session may (its role and the
 * object's owner decide), a delegated token with `accounts:read`, or inside the answer of a
 * mutation it was allowed to make (`answers`).
 */
export function accountDataVerdict(viewer: Viewer | null, info: GraphQLResolveInfo, answers: readonly AnswerGrant[] = []): true | DomainError {
  if (!viewer) return unauthenticated();
  if (viewerHasScope(viewer, 'accounts:read')) return true;
  const mutation = answers.length > 0 ? mutationFieldOf(info) : null;
  if (mutation && answers.some((grant) => grant.mutation === mutation && viewerHasScope(viewer, grant.scope))) return true;
  return missingScope('accounts:read');
}

/**
 * A rule for a type whose every object belongs to someone: `verdict` decides from the viewer and
 * the object's owner or supplier, a few comparisons. It runs for every field it guards, uncached:
 * a cache key (a string per field) and its lookup cost more than the verdict, which allocates
 * nothing when it grants (the subgraphs spent 4% of their CPU on keys at 100 accounts).
 */
export function guardedBy<TParent>(verdict: (parent: TParent, context: BaseContext) => true | DomainError, answers: readonly AnswerGrant[] = []) {
  return rule({ cache: 'no_cache' })((parent: TParent, _args, context: BaseContext, info) => {
    const scoped = accountDataVerdict(context.viewer, info, answers);
    return scoped === true ? verdict(parent, context) : scoped;
  });
}

/**
 * Type-level guard for an object owned by one user: `ownerOf(parent)` names the owner. Its data
 * is account data: a delegated token needs `accounts:read` (or an `answers` grant).
 */
export function ownedBy<TParent>(ownerOf: (parent: TParent) => string | null | undefined, answers: readonly AnswerGrant[] = []) {
  return guardedBy(
    (parent: TParent, context) => {
      if (context.viewer!.role === 'ADMIN') return true;
      return ownerOf(parent) === context.viewer!.userId ? true : forbidden();
    },
    answers,
  );
}
