import { defaultPageSize, maxPageSize } from '@kabinet/input';
import { visit, type ASTNode, type DocumentNode, type GraphQLOutputType, type GraphQLSchema } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';

/** What a root mutation field costs on top of what it selects: it writes, and writes cost more than reads. */
export const mutationSurcharge = 10;

/**
 * The cost model clients are told about (README, "Query cost"): an object 1 point, a scalar 0; a
 * field with a `first` argument (a page) counts what it selects once per item it may return,
 * `first` literal or from a variable, the field's default page size without one, never more than
 * the 100 a page can hold; a root mutation field 10 more.
 */
const estimateField: ComplexityEstimator = ({ field, args, childComplexity, type, context }) => {
  const own = isComposite(field.type) ? 1 : 0;
  const pageArgument = field.args.find((argument) => argument.name === 'first');
  const items = pageArgument ? pageSize(args.first, pageArgument.defaultValue) : 1;
  const surcharge = type === (context as EstimateContext).mutationType ? mutationSurcharge : 0;
  return own + items * childComplexity + surcharge;
};

/**
 * Whether a field selects an object (object, interface or union type). Told by shape, not by
 * graphql-js' `isCompositeType`: under vitest the schema Apollo builds and this module may come from
 * two copies of graphql (its CommonJS and ESM builds), and graphql refuses the other copy's objects.
 */
function isComposite(type: GraphQLOutputType): boolean {
  let named: object = type;
  while ('ofType' in named && named.ofType) named = named.ofType as object;
  return 'getFields' in named || 'getTypes' in named;
}

interface EstimateContext {
  mutationType: unknown;
}

/** As the subgraphs read `first` (`pageArguments`): null means the default; outside 0..100 is refused there, priced at the cap here. */
function pageSize(first: unknown, sdlDefault: unknown): number {
  const size = typeof first === 'number' ? first : typeof sdlDefault === 'number' ? sdlDefault : defaultPageSize;
  return Math.min(Math.max(Math.trunc(size), 0), maxPageSize);
}

export interface CostedOperation {
  schema: GraphQLSchema;
  document: DocumentNode;
  /** The operation to price (the one Apollo resolved); others in the document cost nothing. */
  operationName?: string | undefined;
  variables?: Record<string, unknown> | undefined;
}

/**
 * An operation's cost in points, at least 1 (an empty query still takes a round trip). Throws the
 * GraphQLError graphql-js raises when the variables do not fit their definitions.
 */
export function operationCost({ schema, document, operationName, variables }: CostedOperation): number {
  const cost = getComplexity({
    schema,
    query: document,
    operationName,
    variables: variables ?? {},
    estimators: [estimateField],
    context: { mutationType: schema.getMutationType() } satisfies EstimateContext,
  });
  return Math.max(cost, 1);
}

/**
 * Costs already worked out, by parsed document: Apollo keeps one document per query text (its
 * document store), so an operation the clients keep sending is priced once per set of the
 * variables its cost depends on (`costVariables`) rather than walked again on every request: a
 * thousand households submitting readings send a thousand sets of variables and one cost.
 * Bounded: a document remembers a few dozen sets, and long ones not at all.
 */
const remembered = new WeakMap<DocumentNode, { schema: GraphQLSchema; costVariables: string[]; costs: Map<string, number> }>();
const maxRememberedPerDocument = 64;
const maxRememberedKeyLength = 2_000;

/**
 * The variables a document's cost can depend on: those in a `first` argument (a page's size) or
 * in a directive's arguments (`@include(if: $x)` and `@skip` drop what they guard from the count).
 * The cost model reads no other argument.
 */
function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (node: ASTNode) =>
    visit(node, {
      Variable(variable) {
        names.add(variable.name.value);
      },
    });
  visit(document, {
    // Not the operation's own definitions: `query Q($first: Int)` declares, it does not use.
    VariableDefinition: () => false,
    Directive(directive) {
      for (const argument of directive.arguments ?? []) collect(argument.value);
    },
    Field(field) {
      for (const argument of field.arguments ?? []) if (argument.name.value === 'first') collect(argument.value);
    },
  });
  return [...names].sort();
}

/**
 * `operationCost`, remembered for the document (see `remembered`); what throws is never remembered.
 * Variables that do not fit their definitions are refused here only when the cost reads them; the
 * gateway checks all of them before it plans.
 */
export function rememberedOperationCost(operation: CostedOperation): number {
  let entry = remembered.get(operation.document);
  if (!entry || entry.schema !== operation.schema) {
    entry = { schema: operation.schema, costVariables: costVariables(operation.document), costs: new Map() };
    remembered.set(operation.document, entry);
  }
  const variables = operation.variables ?? {};
  const key = `${operation.operationName ?? ''}\n${JSON.stringify(entry.costVariables.map((name) => variables[name] ?? null))}`;
  if (key.length > maxRememberedKeyLength) return operationCost(operation);
  let cost = entry.costs.get(key);
  if (cost === undefined) {
    cost = operationCost(operation);
    if (entry.costs.size >= maxRememberedPerDocument) entry.costs.clear();
    entry.costs.set(key, cost);
  }
  return cost;
}
