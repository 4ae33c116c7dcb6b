// An operation's estimated cost, checked before anything is fetched: every field returning an object counts 1,
// times the sizes of the lists it sits in; a mutation adds 10. A list counts `listSize` items, except the
// `edges` / `nodes` of a connection fetched with `first: n`, which count n.
//
// Not Hive Gateway's `demandControl`: in 2.15.1 it recognises a list type only when it is not wrapped in NonNull,
// so for `[T!]!` — every list in FinCloud's schema — it counts one item whatever `listSize` says (three nested
// connections were estimated at 10). It also adds up cost per subgraph call, after earlier calls (a mutation's)
// have already run.

import type { GatewayPlugin } from '@graphql-hive/gateway';
import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  getOperationAST,
  isCompositeType,
  isIntrospectionType,
  isListType,
  isObjectType,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type GraphQLType,
  type SelectionSetNode,
} from 'graphql';

export interface OperationCostOptions {
  maxCost: number;
  /** Items assumed in a list whose size the operation does not state. */
  listSize: number;
}

const MUTATION_COST = 10;
/** The list fields of a connection that `first` sizes. */
const SIZED_FIELDS = new Set(['edges', 'nodes']);

type Variables = Record<string, unknown> | null | undefined;

function listDepth(type: GraphQLType): number {
  let depth = 0;
  for (let t = getNullableType(type); isListType(t); t = getNullableType(t.ofType)) depth++;
  return depth;
}

/** A connection field's page size (`first`, else `listSize`); undefined for fields that are not connections. */
function pageSize(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Variables, listSize: number) {
  const first = field.args.find((arg) => arg.name === 'first');
  if (!first || !isObjectType(getNamedType(field.type))) return undefined;
  const given = node.arguments?.find((arg) => arg.name.value === 'first');
  const value = given ? valueFromAST(given.value, first.type, variables ?? undefined) : undefined;
  return typeof value === 'number' && value >= 0 ? value : listSize;
}

export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Variables,
  listSize: number,
): number {
  const operation = getOperationAST(document, operationName);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }

  /** The cost of a selection set on `parentType`, each of its objects counted `factor` times; `sized` is the page
   * size when the parent is a connection. */
  function walk(
    selectionSet: SelectionSetNode,
    parentType: GraphQLType,
    factor: number,
    sized: number | undefined,
    seen: ReadonlySet<string>,
  ): number {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        const type = schema.getType(fragment.typeCondition.name.value) ?? parentType;
        cost += walk(fragment.selectionSet, type, factor, sized, new Set(seen).add(fragment.name.value));
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition && schema.getType(selection.typeCondition.name.value);
        cost += walk(selection.selectionSet, condition ?? parentType, factor, sized, seen);
        continue;
      }
      const parent = getNamedType(parentType);
      if (selection.name.value.startsWith('__') || !isCompositeType(parent) || !('getFields' in parent)) continue;
      const field = parent.getFields()[selection.name.value];
      if (!field || isIntrospectionType(getNamedType(field.type))) continue;
      const depth = listDepth(field.type);
      const size = SIZED_FIELDS.has(field.name) && sized !== undefined ? sized : listSize;
      const items = depth === 0 ? 1 : size ** depth;
      const fieldFactor = factor * items;
      if (isCompositeType(getNamedType(field.type))) cost += fieldFactor;
      if (selection.selectionSet) {
        const childSized = pageSize(field, selection, variables, listSize);
        cost += walk(selection.selectionSet, field.type, fieldFactor, childSized, seen);
      }
    }
    return cost;
  }

  const base = operation.operation === 'mutation' ? MUTATION_COST : 0;
  return base + walk(operation.selectionSet, root, 1, undefined, new Set());
}

interface Operation {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: unknown;
}

/** Refuses an operation whose estimated cost exceeds `maxCost` (COST_ESTIMATED_TOO_EXPENSIVE), before execution. */
export function useOperationCost({ maxCost, listSize }: OperationCostOptions): GatewayPlugin {
  function refusal(args: Operation): GraphQLError | undefined {
    const variables = args.variableValues as Variables;
    const cost = operationCost(args.schema, args.document, args.operationName, variables, listSize);
    if (cost <= maxCost) return undefined;
    return new GraphQLError(`Operation estimated cost ${cost} exceeds the limit of ${maxCost}: ask for smaller pages`, {
      extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated: cost, max: maxCost } },
    });
  }
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = refusal(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = refusal(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
