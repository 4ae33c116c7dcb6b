/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation Logout {\n    logout {\n      ok\n    }\n  }\n": typeof types.LogoutDocument,
    "\n  fragment AuthResult on AuthPayload {\n    user {\n      id\n      email\n      name\n    }\n    errors {\n      __typename\n      message\n      ... on ValidationError {\n        field\n      }\n    }\n  }\n": typeof types.AuthResultFragmentDoc,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthResult\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      ...AuthResult\n    }\n  }\n": typeof types.RegisterDocument,
    "\n  mutation SilentRefresh {\n    tokenRefresh(input: { useCookies: true }) {\n      user {\n        id\n      }\n    }\n  }\n": typeof types.SilentRefreshDocument,
    "\n  query Me {\n    me {\n      id\n      name\n      email\n    }\n  }\n": typeof types.MeDocument,
    "\n  query Accounts($first: Int, $after: String) {\n    accounts(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          name\n          type\n          currency\n          balance {\n            amount\n            currency\n          }\n          portfolio {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.AccountsDocument,
    "\n  subscription AccountBalanceChanged {\n    accountBalanceChanged {\n      id\n      balance {\n        amount\n        currency\n      }\n    }\n  }\n": typeof types.AccountBalanceChangedDocument,
};
const documents: Documents = {
    "\n  mutation Logout {\n    logout {\n      ok\n    }\n  }\n": types.LogoutDocument,
    "\n  fragment AuthResult on AuthPayload {\n    user {\n      id\n      email\n      name\n    }\n    errors {\n      __typename\n      message\n      ... on ValidationError {\n        field\n      }\n    }\n  }\n": types.AuthResultFragmentDoc,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthResult\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      ...AuthResult\n    }\n  }\n": types.RegisterDocument,
    "\n  mutation SilentRefresh {\n    tokenRefresh(input: { useCookies: true }) {\n      user {\n        id\n      }\n    }\n  }\n": types.SilentRefreshDocument,
    "\n  query Me {\n    me {\n      id\n      name\n      email\n    }\n  }\n": types.MeDocument,
    "\n  query Accounts($first: Int, $after: String) {\n    accounts(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          name\n          type\n          currency\n          balance {\n            amount\n            currency\n          }\n          portfolio {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.AccountsDocument,
    "\n  subscription AccountBalanceChanged {\n    accountBalanceChanged {\n      id\n      balance {\n        amount\n        currency\n      }\n    }\n  }\n": types.AccountBalanceChangedDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout {\n      ok\n    }\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout {\n      ok\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuthResult on AuthPayload {\n    user {\n      id\n      email\n      name\n    }\n    errors {\n      __typename\n      message\n      ... on ValidationError {\n        field\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment AuthResult on AuthPayload {\n    user {\n      id\n      email\n      name\n    }\n    errors {\n      __typename\n      message\n      ... on ValidationError {\n        field\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthResult\n    }\n  }\n"): (typeof documents)["\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthResult\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      ...AuthResult\n    }\n  }\n"): (typeof documents)["\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      ...AuthResult\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SilentRefresh {\n    tokenRefresh(input: { useCookies: true }) {\n      user {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SilentRefresh {\n    tokenRefresh(input: { useCookies: true }) {\n      user {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      id\n      name\n      email\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      id\n      name\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Accounts($first: Int, $after: String) {\n    accounts(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          name\n          type\n          currency\n          balance {\n            amount\n            currency\n          }\n          portfolio {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Accounts($first: Int, $after: String) {\n    accounts(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          name\n          type\n          currency\n          balance {\n            amount\n            currency\n          }\n          portfolio {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AccountBalanceChanged {\n    accountBalanceChanged {\n      id\n      balance {\n        amount\n        currency\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription AccountBalanceChanged {\n    accountBalanceChanged {\n      id\n      balance {\n        amount\n        currency\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;