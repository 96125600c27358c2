import { createRequire } from 'node:module';
import { printSchema, Supergraph } from '@apollo/federation-internals';
import { CriticalityLevel, diff, DiffRule, type Change } from '@graphql-inspector/core';
import type { GraphQLNamedType, GraphQLSchema } from 'graphql';
import type { PersistedQueryManifest, RegisteredClient } from './persisted-queries';

// graphql-inspector and federation-internals load graphql's CommonJS build through Node, while vitest
// would hand this module the ESM build: one copy for all of them, or graphql refuses their schemas.
const { buildSchema, getNamedType, isEnumType, isInputObjectType, parse, TypeInfo, validate, visit, visitWithTypeInfo } = createRequire(import.meta.url)(
  'graphql',
) as typeof import('graphql');

export interface ClientOperations {
  client: RegisteredClient;
  manifest: PersistedQueryManifest;
}

/** One registered operation of one client. */
export interface OperationRef {
  client: string;
  clientTitle: string;
  operation: string;
}

export interface OperationCheck {
  /** Registered operations the new schema no longer accepts. */
  invalid: (OperationRef & { errors: string[] })[];
  /** Breaking changes that touch what a registered operation uses, with every operation they break. */
  breaking: { message: string; path: string | undefined; usedBy: OperationRef[] }[];
  /** Changes that break no registered operation (breaking ones only because nothing uses them). */
  safe: string[];
  ok: boolean;
}

/** The schema clients see (no join directives, no @inaccessible parts) of a supergraph. */
export const apiSchemaOf = (supergraphSdl: string): GraphQLSchema => buildSchema(printSchema(Supergraph.build(supergraphSdl).apiSchema()));

/**
 * Schema coordinates each registered operation relies on, read against `schema`: every field it
 * selects or passes an argument to (`Type.field`), and every type it names, selects or sends,
 * with the input objects and enums inside its variables taken whole (a client may send any of
 * their fields or values).
 */
function usageIndex(schema: GraphQLSchema, clients: ClientOperations[]) {
  const users = new Map<string, OperationRef[]>();
  const use = (coordinate: string, ref: OperationRef) => {
    const list = users.get(coordinate) ?? [];
    if (!list.includes(ref)) list.push(ref);
    users.set(coordinate, list);
  };
  const useType = (type: GraphQLNamedType, ref: OperationRef, seen = new Set<string>()) => {
    if (seen.has(type.name)) return;
    seen.add(type.name);
    use(type.name, ref);
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        use(`${type.name}.${field.name}`, ref);
        useType(getNamedType(field.type), ref, seen);
      }
    }
  };
  for (const { client, manifest } of clients) {
    for (const operation of manifest.operations) {
      const ref: OperationRef = { client: client.name, clientTitle: client.title, operation: operation.name };
      const typeInfo = new TypeInfo(schema);
      visit(
        parse(operation.body),
        visitWithTypeInfo(typeInfo, {
          OperationDefinition: () => {
            const root = typeInfo.getType();
            if (root) useType(getNamedType(root), ref);
          },
          Field: () => {
            const parent = typeInfo.getParentType();
            const field = typeInfo.getFieldDef();
            if (!parent || !field) return;
            use(`${parent.name}.${field.name}`, ref);
            useType(getNamedType(field.type), ref);
            for (const argument of field.args) useType(getNamedType(argument.type), ref);
          },
          VariableDefinition: () => {
            const type = typeInfo.getInputType();
            if (type) useType(getNamedType(type), ref);
          },
          InlineFragment: () => {
            const type = typeInfo.getType();
            if (type) useType(getNamedType(type), ref);
          },
        }),
      );
    }
  }
  return (type: string, field?: string): OperationRef[] => {
    const named = schema.getType(type);
    // Input objects and enums are taken whole: any change inside them reaches whoever uses them.
    if (!field || !named || isInputObjectType(named) || isEnumType(named)) return users.get(type) ?? [];
    return users.get(`${type}.${field}`) ?? [];
  };
}

const coordinateOf = (change: Change) => {
  const [type, field] = (change.path ?? '').split('.');
  return { type: type ?? '', field };
};

/**
 * Validates every registered operation against the new API schema, and diffs the approved
 * supergraph against the new one with graphql-inspector, where a breaking change counts only if a
 * registered operation uses what it changes (its `considerUsage` rule, fed from the manifests).
 */
export async function checkOperations(options: { baseSupergraphSdl: string; newSupergraphSdl: string; clients: ClientOperations[] }): Promise<OperationCheck> {
  const base = apiSchemaOf(options.baseSupergraphSdl);
  const next = apiSchemaOf(options.newSupergraphSdl);

  const invalid: OperationCheck['invalid'] = [];
  for (const { client, manifest } of options.clients) {
    for (const operation of manifest.operations) {
      const errors = validate(next, parse(operation.body)).map((error) => error.message);
      if (errors.length > 0) invalid.push({ client: client.name, clientTitle: client.title, operation: operation.name, errors });
    }
  }

  // Usage is read against the approved schema: what is removed or changed exists there.
  const usersOf = usageIndex(base, options.clients);
  const changes = await diff(base, next, [DiffRule.considerUsage], {
    checkUsage: async (coordinates) => coordinates.map(({ type, field }) => usersOf(type, field).length === 0),
  });
  const breaking = changes
    .filter((change) => change.criticality.level === CriticalityLevel.Breaking)
    .map((change) => {
      const { type, field } = coordinateOf(change);
      return { message: change.message, path: change.path, usedBy: change.path ? usersOf(type, field) : [] };
    });
  const safe = changes.filter((change) => change.criticality.level !== CriticalityLevel.Breaking).map((change) => change.message);
  return { invalid, breaking, safe, ok: invalid.length === 0 && breaking.length === 0 };
}

const named = (refs: OperationRef[]) => refs.map((ref) => `${ref.clientTitle} (${ref.client}) ${ref.operation}`).join(', ');

/** What `pnpm check:operations` prints. */
export function describeCheck(check: OperationCheck): string[] {
  const lines: string[] = [];
  for (const change of check.breaking) {
    lines.push(`BREAKING ${change.message}${change.usedBy.length > 0 ? ` — breaks ${named(change.usedBy)}` : ''}`);
  }
  for (const operation of check.invalid) {
    lines.push(`INVALID ${operation.clientTitle} (${operation.client}) ${operation.operation}: ${operation.errors.join(' ')}`);
  }
  for (const message of check.safe) lines.push(`safe ${message}`);
  return lines;
}
