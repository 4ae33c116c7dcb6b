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
    "\n  mutation AccountCreate($input: AccountCreateInput!) {\n    accountCreate(input: $input) {\n      account {\n        id\n        name\n        type\n        currency\n        balance {\n          amount\n          currency\n        }\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n": typeof types.AccountCreateDocument,
    "\n  query Account($id: ID!) {\n    account(id: $id) {\n      id\n      householdId\n      name\n      type\n      currency\n      balance {\n        amount\n        currency\n      }\n    }\n  }\n": typeof types.AccountDocument,
    "\n  query AccountTransactions($householdId: ID!, $filter: TransactionFilter, $first: Int, $after: String) {\n    transactions(householdId: $householdId, filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          date\n          payee\n          memo\n          status\n          amount {\n            amount\n            currency\n          }\n          category {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.AccountTransactionsDocument,
    "\n  query Categories($householdId: ID) {\n    categoryGroups(householdId: $householdId, first: 100) {\n      nodes {\n        id\n        name\n        categories(includeHidden: false) {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.CategoriesDocument,
    "\n  mutation TransactionCategorise($input: TransactionUpdateInput!) {\n    transactionUpdate(input: $input) {\n      transaction {\n        id\n        category {\n          id\n          name\n        }\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n": typeof types.TransactionCategoriseDocument,
    "\n  mutation Logout {\n    logout {\n      ok\n    }\n  }\n": typeof types.LogoutDocument,
    "\n  fragment ImportColumn on ImportCsvColumn {\n    header\n    index\n  }\n": typeof types.ImportColumnFragmentDoc,
    "\n  fragment ImportFields on Import {\n    id\n    accountId\n    status\n    filename\n    format\n    problem {\n      code\n      message\n    }\n    counts {\n      total\n      new\n      duplicate\n      conflict\n      invalid\n      created\n      linked\n      skipped\n      removed\n    }\n    csv {\n      headerLine\n      headers\n      rows {\n        line\n        cells\n      }\n      dateFormats\n      decimalSeparator\n      problems\n      proposedMapping {\n        date {\n          ...ImportColumn\n        }\n        amount {\n          ...ImportColumn\n        }\n        payee {\n          ...ImportColumn\n        }\n        memo {\n          ...ImportColumn\n        }\n        dateFormat\n        decimalSeparator\n        hasHeader\n        negate\n      }\n    }\n    rows(first: 100) {\n      nodes {\n        index\n        line\n        date\n        payee\n        memo\n        status\n        reason\n        action\n        amount {\n          amount\n          currency\n        }\n      }\n    }\n  }\n": typeof types.ImportFieldsFragmentDoc,
    "\n  mutation ImportUpload($input: ImportUploadInput!) {\n    importUpload(input: $input) {\n      import {\n        ...ImportFields\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n": typeof types.ImportUploadDocument,
    "\n  mutation ImportDryRun($input: ImportDryRunInput!) {\n    importDryRun(input: $input) {\n      import {\n        ...ImportFields\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n": typeof types.ImportDryRunDocument,
    "\n  mutation ImportCommit($input: ImportCommitInput!) {\n    importCommit(input: $input) {\n      import {\n        id\n        status\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n": typeof types.ImportCommitDocument,
    "\n  mutation ImportUndo($input: ImportUndoInput!) {\n    importUndo(input: $input) {\n      import {\n        id\n        status\n        counts {\n          removed\n        }\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n": typeof types.ImportUndoDocument,
    "\n  subscription ImportProgress($importId: ID!) {\n    importProgress(importId: $importId) {\n      importId\n      status\n      phase\n      processed\n      total\n      created\n      linked\n      skipped\n      message\n    }\n  }\n": typeof types.ImportProgressDocument,
    "\n  fragment AuthResult on AuthPayload {\n    user {\n      id\n      email\n      name\n      households {\n        id\n        name\n        role\n      }\n    }\n    errors {\n      __typename\n      message\n      ... on ValidationError {\n        field\n      }\n    }\n  }\n": typeof types.AuthResultFragmentDoc,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthResult\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      ...AuthResult\n    }\n  }\n": typeof types.RegisterDocument,
    "\n  mutation SilentRefresh {\n    tokenRefresh(input: { useCookies: true }) {\n      user {\n        id\n      }\n    }\n  }\n": typeof types.SilentRefreshDocument,
    "\n  query Me {\n    me {\n      id\n      name\n      email\n      households {\n        id\n        name\n        role\n      }\n    }\n  }\n": typeof types.MeDocument,
    "\n  query Accounts($householdId: ID, $first: Int, $after: String) {\n    accounts(householdId: $householdId, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          name\n          type\n          currency\n          balance {\n            amount\n            currency\n          }\n          portfolio {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.AccountsDocument,
    "\n  subscription AccountBalanceChanged {\n    accountBalanceChanged {\n      id\n      balance {\n        amount\n        currency\n      }\n    }\n  }\n": typeof types.AccountBalanceChangedDocument,
};
const documents: Documents = {
    "\n  mutation AccountCreate($input: AccountCreateInput!) {\n    accountCreate(input: $input) {\n      account {\n        id\n        name\n        type\n        currency\n        balance {\n          amount\n          currency\n        }\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n": types.AccountCreateDocument,
    "\n  query Account($id: ID!) {\n    account(id: $id) {\n      id\n      householdId\n      name\n      type\n      currency\n      balance {\n        amount\n        currency\n      }\n    }\n  }\n": types.AccountDocument,
    "\n  query AccountTransactions($householdId: ID!, $filter: TransactionFilter, $first: Int, $after: String) {\n    transactions(householdId: $householdId, filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          date\n          payee\n          memo\n          status\n          amount {\n            amount\n            currency\n          }\n          category {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.AccountTransactionsDocument,
    "\n  query Categories($householdId: ID) {\n    categoryGroups(householdId: $householdId, first: 100) {\n      nodes {\n        id\n        name\n        categories(includeHidden: false) {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.CategoriesDocument,
    "\n  mutation TransactionCategorise($input: TransactionUpdateInput!) {\n    transactionUpdate(input: $input) {\n      transaction {\n        id\n        category {\n          id\n          name\n        }\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n": types.TransactionCategoriseDocument,
    "\n  mutation Logout {\n    logout {\n      ok\n    }\n  }\n": types.LogoutDocument,
    "\n  fragment ImportColumn on ImportCsvColumn {\n    header\n    index\n  }\n": types.ImportColumnFragmentDoc,
    "\n  fragment ImportFields on Import {\n    id\n    accountId\n    status\n    filename\n    format\n    problem {\n      code\n      message\n    }\n    counts {\n      total\n      new\n      duplicate\n      conflict\n      invalid\n      created\n      linked\n      skipped\n      removed\n    }\n    csv {\n      headerLine\n      headers\n      rows {\n        line\n        cells\n      }\n      dateFormats\n      decimalSeparator\n      problems\n      proposedMapping {\n        date {\n          ...ImportColumn\n        }\n        amount {\n          ...ImportColumn\n        }\n        payee {\n          ...ImportColumn\n        }\n        memo {\n          ...ImportColumn\n        }\n        dateFormat\n        decimalSeparator\n        hasHeader\n        negate\n      }\n    }\n    rows(first: 100) {\n      nodes {\n        index\n        line\n        date\n        payee\n        memo\n        status\n        reason\n        action\n        amount {\n          amount\n          currency\n        }\n      }\n    }\n  }\n": types.ImportFieldsFragmentDoc,
    "\n  mutation ImportUpload($input: ImportUploadInput!) {\n    importUpload(input: $input) {\n      import {\n        ...ImportFields\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n": types.ImportUploadDocument,
    "\n  mutation ImportDryRun($input: ImportDryRunInput!) {\n    importDryRun(input: $input) {\n      import {\n        ...ImportFields\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n": types.ImportDryRunDocument,
    "\n  mutation ImportCommit($input: ImportCommitInput!) {\n    importCommit(input: $input) {\n      import {\n        id\n        status\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n": types.ImportCommitDocument,
    "\n  mutation ImportUndo($input: ImportUndoInput!) {\n    importUndo(input: $input) {\n      import {\n        id\n        status\n        counts {\n          removed\n        }\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n": types.ImportUndoDocument,
    "\n  subscription ImportProgress($importId: ID!) {\n    importProgress(importId: $importId) {\n      importId\n      status\n      phase\n      processed\n      total\n      created\n      linked\n      skipped\n      message\n    }\n  }\n": types.ImportProgressDocument,
    "\n  fragment AuthResult on AuthPayload {\n    user {\n      id\n      email\n      name\n      households {\n        id\n        name\n        role\n      }\n    }\n    errors {\n      __typename\n      message\n      ... on ValidationError {\n        field\n      }\n    }\n  }\n": types.AuthResultFragmentDoc,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      ...AuthResult\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      ...AuthResult\n    }\n  }\n": types.RegisterDocument,
    "\n  mutation SilentRefresh {\n    tokenRefresh(input: { useCookies: true }) {\n      user {\n        id\n      }\n    }\n  }\n": types.SilentRefreshDocument,
    "\n  query Me {\n    me {\n      id\n      name\n      email\n      households {\n        id\n        name\n        role\n      }\n    }\n  }\n": types.MeDocument,
    "\n  query Accounts($householdId: ID, $first: Int, $after: String) {\n    accounts(householdId: $householdId, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          name\n          type\n          currency\n          balance {\n            amount\n            currency\n          }\n          portfolio {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.AccountsDocument,
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
export function graphql(source: "\n  mutation AccountCreate($input: AccountCreateInput!) {\n    accountCreate(input: $input) {\n      account {\n        id\n        name\n        type\n        currency\n        balance {\n          amount\n          currency\n        }\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AccountCreate($input: AccountCreateInput!) {\n    accountCreate(input: $input) {\n      account {\n        id\n        name\n        type\n        currency\n        balance {\n          amount\n          currency\n        }\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Account($id: ID!) {\n    account(id: $id) {\n      id\n      householdId\n      name\n      type\n      currency\n      balance {\n        amount\n        currency\n      }\n    }\n  }\n"): (typeof documents)["\n  query Account($id: ID!) {\n    account(id: $id) {\n      id\n      householdId\n      name\n      type\n      currency\n      balance {\n        amount\n        currency\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AccountTransactions($householdId: ID!, $filter: TransactionFilter, $first: Int, $after: String) {\n    transactions(householdId: $householdId, filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          date\n          payee\n          memo\n          status\n          amount {\n            amount\n            currency\n          }\n          category {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query AccountTransactions($householdId: ID!, $filter: TransactionFilter, $first: Int, $after: String) {\n    transactions(householdId: $householdId, filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          date\n          payee\n          memo\n          status\n          amount {\n            amount\n            currency\n          }\n          category {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Categories($householdId: ID) {\n    categoryGroups(householdId: $householdId, first: 100) {\n      nodes {\n        id\n        name\n        categories(includeHidden: false) {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Categories($householdId: ID) {\n    categoryGroups(householdId: $householdId, first: 100) {\n      nodes {\n        id\n        name\n        categories(includeHidden: false) {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TransactionCategorise($input: TransactionUpdateInput!) {\n    transactionUpdate(input: $input) {\n      transaction {\n        id\n        category {\n          id\n          name\n        }\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation TransactionCategorise($input: TransactionUpdateInput!) {\n    transactionUpdate(input: $input) {\n      transaction {\n        id\n        category {\n          id\n          name\n        }\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout {\n      ok\n    }\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout {\n      ok\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ImportColumn on ImportCsvColumn {\n    header\n    index\n  }\n"): (typeof documents)["\n  fragment ImportColumn on ImportCsvColumn {\n    header\n    index\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ImportFields on Import {\n    id\n    accountId\n    status\n    filename\n    format\n    problem {\n      code\n      message\n    }\n    counts {\n      total\n      new\n      duplicate\n      conflict\n      invalid\n      created\n      linked\n      skipped\n      removed\n    }\n    csv {\n      headerLine\n      headers\n      rows {\n        line\n        cells\n      }\n      dateFormats\n      decimalSeparator\n      problems\n      proposedMapping {\n        date {\n          ...ImportColumn\n        }\n        amount {\n          ...ImportColumn\n        }\n        payee {\n          ...ImportColumn\n        }\n        memo {\n          ...ImportColumn\n        }\n        dateFormat\n        decimalSeparator\n        hasHeader\n        negate\n      }\n    }\n    rows(first: 100) {\n      nodes {\n        index\n        line\n        date\n        payee\n        memo\n        status\n        reason\n        action\n        amount {\n          amount\n          currency\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment ImportFields on Import {\n    id\n    accountId\n    status\n    filename\n    format\n    problem {\n      code\n      message\n    }\n    counts {\n      total\n      new\n      duplicate\n      conflict\n      invalid\n      created\n      linked\n      skipped\n      removed\n    }\n    csv {\n      headerLine\n      headers\n      rows {\n        line\n        cells\n      }\n      dateFormats\n      decimalSeparator\n      problems\n      proposedMapping {\n        date {\n          ...ImportColumn\n        }\n        amount {\n          ...ImportColumn\n        }\n        payee {\n          ...ImportColumn\n        }\n        memo {\n          ...ImportColumn\n        }\n        dateFormat\n        decimalSeparator\n        hasHeader\n        negate\n      }\n    }\n    rows(first: 100) {\n      nodes {\n        index\n        line\n        date\n        payee\n        memo\n        status\n        reason\n        action\n        amount {\n          amount\n          currency\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ImportUpload($input: ImportUploadInput!) {\n    importUpload(input: $input) {\n      import {\n        ...ImportFields\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ImportUpload($input: ImportUploadInput!) {\n    importUpload(input: $input) {\n      import {\n        ...ImportFields\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ImportDryRun($input: ImportDryRunInput!) {\n    importDryRun(input: $input) {\n      import {\n        ...ImportFields\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ImportDryRun($input: ImportDryRunInput!) {\n    importDryRun(input: $input) {\n      import {\n        ...ImportFields\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ImportCommit($input: ImportCommitInput!) {\n    importCommit(input: $input) {\n      import {\n        id\n        status\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ImportCommit($input: ImportCommitInput!) {\n    importCommit(input: $input) {\n      import {\n        id\n        status\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ImportUndo($input: ImportUndoInput!) {\n    importUndo(input: $input) {\n      import {\n        id\n        status\n        counts {\n          removed\n        }\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ImportUndo($input: ImportUndoInput!) {\n    importUndo(input: $input) {\n      import {\n        id\n        status\n        counts {\n          removed\n        }\n      }\n      errors {\n        __typename\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ImportProgress($importId: ID!) {\n    importProgress(importId: $importId) {\n      importId\n      status\n      phase\n      processed\n      total\n      created\n      linked\n      skipped\n      message\n    }\n  }\n"): (typeof documents)["\n  subscription ImportProgress($importId: ID!) {\n    importProgress(importId: $importId) {\n      importId\n      status\n      phase\n      processed\n      total\n      created\n      linked\n      skipped\n      message\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuthResult on AuthPayload {\n    user {\n      id\n      email\n      name\n      households {\n        id\n        name\n        role\n      }\n    }\n    errors {\n      __typename\n      message\n      ... on ValidationError {\n        field\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment AuthResult on AuthPayload {\n    user {\n      id\n      email\n      name\n      households {\n        id\n        name\n        role\n      }\n    }\n    errors {\n      __typename\n      message\n      ... on ValidationError {\n        field\n      }\n    }\n  }\n"];
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
export function graphql(source: "\n  query Me {\n    me {\n      id\n      name\n      email\n      households {\n        id\n        name\n        role\n      }\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      id\n      name\n      email\n      households {\n        id\n        name\n        role\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Accounts($householdId: ID, $first: Int, $after: String) {\n    accounts(householdId: $householdId, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          name\n          type\n          currency\n          balance {\n            amount\n            currency\n          }\n          portfolio {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Accounts($householdId: ID, $first: Int, $after: String) {\n    accounts(householdId: $householdId, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          name\n          type\n          currency\n          balance {\n            amount\n            currency\n          }\n          portfolio {\n            id\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AccountBalanceChanged {\n    accountBalanceChanged {\n      id\n      balance {\n        amount\n        currency\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription AccountBalanceChanged {\n    accountBalanceChanged {\n      id\n      balance {\n        amount\n        currency\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;