import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { allow, and, chain, deny, not, or, race, rule, type IRules } from 'graphql-shield';
import type { ShieldRule } from './rules';

/**
 * Puts graphql-shield rule trees on a schema, with shield's meaning (a type's rule guards every
 * field of it, a field map's `*` the fields it does not name, `fallbackRule` every other field;
 * `false` or a throwing rule refuses with `fallbackError`, an Error refuses with itself; `and`,
 * `chain`, `or`, `race`, `not` as shield combines them; a rule's `cache` key function or
 * `contextual` remembers its verdict for the request) but without shield's cost per field:
 * graphql-middleware made every field of the schema asynchronous (several promises for a
 * `Money.amount`), and shield hashed whole parents for `strict` rules. Here a field whose rule is
 * `allow` keeps its resolver as it is, and a rule that answers synchronously adds no promise.
 * Verdicts are remembered per rule object (never by shield's names, which may collide); a
 * `strict` rule is simply evaluated every time.
 */
export interface GuardOptions {
  fallbackRule: ShieldRule;
  fallbackError: () => Error;
}

type Verdict = boolean | Error;
type Pending = Verdict | Promise<Verdict>;
type Check = (parent: unknown, args: unknown, context: unknown, info: GraphQLResolveInfo) => Pending;

// graphql-shield 7.6.5 (no longer maintained) exports its rule classes only through its
// constructors: their instances name them. The fields read below are those of that version.
const classes = {
  rule: rule()(() => true).constructor,
  and: and().constructor,
  chain: chain().constructor,
  or: or().constructor,
  race: race().constructor,
  not: not(allow).constructor,
  allow: allow.constructor,
  deny: deny.constructor,
};
interface LeafRule {
  func: (parent: unknown, args: unknown, context: unknown, info: GraphQLResolveInfo) => unknown;
  cache: 'strict' | 'contextual' | 'no_cache' | ((parent: unknown, args: unknown, context: unknown, info: GraphQLResolveInfo) => string);
}
interface LogicRule {
  getRules(): ShieldRule[];
}

const isRuleObject = (value: unknown): value is ShieldRule =>
  typeof value === 'object' && value !== null && Object.values(classes).includes((value as object).constructor);

const isPromise = <T>(value: unknown): value is Promise<T> => typeof (value as Promise<T> | null)?.then === 'function';

/** What shield makes of a rule function's answer. */
const verdictOf = (answer: unknown): Verdict => {
  if (answer instanceof Error) return answer;
  if (typeof answer === 'string') return new Error(answer);
  return answer === true;
};

/** The refusal of failed verdicts: the first Error among them, else a plain `false`. */
const refusalAmong = (verdicts: Verdict[]): Verdict => verdicts.find((verdict) => verdict instanceof Error) ?? false;

// Per request, on its context: each rule's remembered verdicts.
const verdictsKey = Symbol('kabinet.guard.verdicts');
type RequestVerdicts = Map<object, Map<string, Pending>>;

function rememberedVerdicts(context: unknown, owner: object): Map<string, Pending> | null {
  if (typeof context !== 'object' || context === null) return null;
  const all = ((context as { [verdictsKey]?: RequestVerdicts })[verdictsKey] ??= new Map());
  let verdicts = all.get(owner);
  if (!verdicts) {
    verdicts = new Map();
    all.set(owner, verdicts);
  }
  return verdicts;
}

function leafCheck(leaf: LeafRule): Check {
  const run: Check = (parent, args, context, info) => {
    let answer: unknown;
    try {
      answer = leaf.func(parent, args, context, info);
    } catch {
      return false;
    }
    return isPromise(answer) ? answer.then(verdictOf, () => false) : verdictOf(answer);
  };
  const { cache } = leaf;
  if (cache !== 'contextual' && typeof cache !== 'function') return run;
  const owner = {};
  return (parent, args, context, info) => {
    let key: string;
    try {
      key = typeof cache === 'function' ? String(cache(parent, args, context, info)) : '';
    } catch {
      return false;
    }
    const verdicts = rememberedVerdicts(context, owner);
    if (!verdicts) return run(parent, args, context, info);
    let verdict = verdicts.get(key);
    if (verdict === undefined) {
      verdict = run(parent, args, context, info);
      verdicts.set(key, verdict);
    }
    return verdict;
  };
}

/** Every rule evaluated (shield's `and` and `or`), then `combine`d, without a promise unless one answered with one. */
const allOf =
  (checks: Check[], combine: (verdicts: Verdict[]) => Verdict): Check =>
  (parent, args, context, info) => {
    const verdicts = checks.map((check) => check(parent, args, context, info));
    return verdicts.some(isPromise) ? Promise.all(verdicts).then(combine) : combine(verdicts as Verdict[]);
  };

/** Rules one after another until one answers `stopAt` (shield's `chain` stops at a refusal, `race` at a grant). */
const sequence =
  (checks: Check[], stopAt: boolean): Check =>
  (parent, args, context, info) => {
    const verdicts: Verdict[] = [];
    const from = (index: number): Pending => {
      for (let at = index; at < checks.length; at += 1) {
        const verdict = checks[at]!(parent, args, context, info);
        if (isPromise<Verdict>(verdict)) {
          return verdict.then((settled) => {
            verdicts.push(settled);
            return (settled === true) === stopAt ? (stopAt ? true : refusalAmong(verdicts)) : from(at + 1);
          });
        }
        verdicts.push(verdict);
        if ((verdict === true) === stopAt) return stopAt ? true : refusalAmong(verdicts);
      }
      return stopAt ? refusalAmong(verdicts) : true;
    };
    return from(0);
  };

function compile(fieldRule: ShieldRule, compiled: Map<ShieldRule, Check>): Check {
  const known = compiled.get(fieldRule);
  if (known) return known;
  const children = () => (fieldRule as unknown as LogicRule).getRules().map((child) => compile(child, compiled));
  let check: Check;
  switch (fieldRule.constructor) {
    case classes.rule:
      check = leafCheck(fieldRule as unknown as LeafRule);
      break;
    case classes.allow:
      check = () => true;
      break;
    case classes.deny:
      check = () => false;
      break;
    case classes.and:
      check = allOf(children(), (verdicts) => (verdicts.every((verdict) => verdict === true) ? true : refusalAmong(verdicts)));
      break;
    case classes.or:
      check = allOf(children(), (verdicts) => (verdicts.some((verdict) => verdict === true) ? true : refusalAmong(verdicts)));
      break;
    case classes.chain:
      check = sequence(children(), false);
      break;
    case classes.race:
      check = sequence(children(), true);
      break;
    case classes.not: {
      const [negated] = children();
      const error = (fieldRule as unknown as { error?: Error }).error;
      const negate = (verdict: Verdict): Verdict => (verdict === true ? (error ?? false) : true);
      check = (parent, args, context, info) => {
        const verdict = negated!(parent, args, context, info);
        return isPromise<Verdict>(verdict) ? verdict.then(negate) : negate(verdict);
      };
      break;
    }
    default:
      throw new Error(`not a graphql-shield rule: ${String(fieldRule)}`);
  }
  compiled.set(fieldRule, check);
  return check;
}

function guarded(check: Check, resolve: GraphQLFieldResolver<unknown, unknown>, refuse: () => Error): GraphQLFieldResolver<unknown, unknown> {
  // A refusal is the field's value, as shield answers it: graphql reports a returned Error like a thrown one.
  const refusal = (verdict: Verdict) => (verdict === false ? refuse() : verdict);
  return (parent, args, context, info) => {
    const verdict = check(parent, args, context, info);
    if (verdict === true) return resolve(parent, args, context, info);
    if (isPromise<Verdict>(verdict)) return verdict.then((settled) => (settled === true ? resolve(parent, args, context, info) : refusal(settled)));
    return refusal(verdict);
  };
}

// By tag, not `isObjectType`: a schema built by another copy of graphql (CommonJS beside ESM) is still guarded.
const isObjectType = (type: unknown) => Object.prototype.toString.call(type) === '[object GraphQLObjectType]';

/** Wraps the schema's field resolvers, in place, with the rules' checks; returns the schema. */
export function guardSchema(schema: GraphQLSchema, rules: IRules, options: GuardOptions): GraphQLSchema {
  const typeMap = schema.getTypeMap();
  const ruleTree = rules as Record<string, unknown>;
  const unknownTypes = Object.keys(ruleTree).filter((name) => !(name in typeMap));
  if (unknownTypes.length > 0) throw new Error(`rules for types the schema does not have: ${unknownTypes.join(', ')}`);
  const compiled = new Map<ShieldRule, Check>();

  for (const type of Object.values(typeMap)) {
    if (type.name.startsWith('__') || !isObjectType(type)) continue;
    const fields = (type as unknown as { getFields(): Record<string, { resolve?: GraphQLFieldResolver<unknown, unknown> }> }).getFields();
    const typeRule = ruleTree[type.name];
    let ruleOf: (field: string) => ShieldRule;
    if (typeRule === undefined) {
      ruleOf = () => options.fallbackRule;
    } else if (isRuleObject(typeRule)) {
      ruleOf = () => typeRule;
    } else {
      const fieldRules = typeRule as Record<string, unknown>;
      const malformed = Object.entries(fieldRules).filter(([name, value]) => !isRuleObject(value) || (name !== '*' && !(name in fields)));
      if (malformed.length > 0) throw new Error(`rules for ${type.name} name fields it does not have or are not rules: ${malformed.map(([name]) => name).join(', ')}`);
      ruleOf = (field) => (fieldRules[field] ?? fieldRules['*'] ?? options.fallbackRule) as ShieldRule;
    }
    for (const [name, field] of Object.entries(fields)) {
      const fieldRule = ruleOf(name);
      if (fieldRule.constructor === classes.allow) continue;
      field.resolve = guarded(compile(fieldRule, compiled), field.resolve ?? defaultFieldResolver, options.fallbackError);
    }
  }
  return schema;
}
