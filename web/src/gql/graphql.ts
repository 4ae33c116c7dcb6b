/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** A new account. */
export type AccountCreateInput = {
  /** ISO 4217 currency, such as EUR. */
  currency: string;
  /** Owning household; defaults to the viewer's first household. */
  householdId?: string | null | undefined;
  /** The bank or provider, at most 200 characters. */
  institution?: string | null | undefined;
  /** Display name, 1 to 200 characters. */
  name: string;
  /** Free-text note, at most 5000 characters. */
  note?: string | null | undefined;
  /** Balance before the first transaction, in the account's currency. */
  openingBalance?: string;
  /** The date of the opening balance (balances as of an earlier date leave it out); default: it always counts. */
  openingDate?: string | null | undefined;
  /** Kind of account. */
  type: AccountType;
};

/** What kind of account this is. */
export type AccountType =
  | 'CASH'
  | 'CHECKING'
  | 'CREDIT_CARD'
  | 'INVESTMENT'
  | 'LOAN'
  | 'OTHER'
  | 'SAVINGS';

/** Commit an import's dry run to the ledger. */
export type ImportCommitInput = {
  /** What to do with conflicts not resolved one by one; required when there are any. */
  conflicts?: ImportRowAction | null | undefined;
  /** The import (status READY, or FAILED to try again). */
  importId: string;
  /** Choices for single rows (a duplicate that is in fact new, a conflict to merge ...); the other rows follow their classification: new rows are created, duplicates linked, deleted ones skipped. */
  resolutions?: Array<ImportRowResolutionInput>;
};

/** A CSV column: give `header` (robust when the bank reorders columns) or `index`. */
export type ImportCsvColumnInput = {
  /** The header as written in the file. */
  header?: string | null | undefined;
  /** 0-based position, for files without a header. */
  index?: number | null | undefined;
};

/** How to read a bank's CSV layout: the date column, and an amount column or debit/credit. */
export type ImportCsvMappingInput = {
  /** A signed amount (or unsigned, with `direction`). */
  amount?: ImportCsvColumnInput | null | undefined;
  /** The bank's category. */
  category?: ImportCsvColumnInput | null | undefined;
  /** A cheque number. */
  checkNumber?: ImportCsvColumnInput | null | undefined;
  /** The other side's account. */
  counterpartyAccount?: ImportCsvColumnInput | null | undefined;
  /** Money in, in a column of its own. */
  credit?: ImportCsvColumnInput | null | undefined;
  /** A currency per row. */
  currency?: ImportCsvColumnInput | null | undefined;
  /** The booking date. */
  date: ImportCsvColumnInput;
  /** Such as `DD.MM.YYYY`; null detects it. */
  dateFormat?: string | null | undefined;
  /** Money out, in a column of its own. */
  debit?: ImportCsvColumnInput | null | undefined;
  /** `,` or `.`; null detects it. */
  decimalSeparator?: string | null | undefined;
  /** Such as `;`; null detects it. */
  delimiter?: string | null | undefined;
  /** A debit/credit mark (`S`/`H`, `Af`/`Bij`, `D`/`C`) for an unsigned amount. */
  direction?: ImportCsvColumnInput | null | undefined;
  /** Such as `cp1252`; null detects it. */
  encoding?: string | null | undefined;
  /** Whether the table has a header row. */
  hasHeader?: boolean;
  /** Columns joined into the memo. */
  memo?: Array<ImportCsvColumnInput>;
  /** Flip every sign. */
  negate?: boolean;
  /** Who was paid or who paid. */
  payee?: ImportCsvColumnInput | null | undefined;
  /** The bank's reference. */
  reference?: ImportCsvColumnInput | null | undefined;
  /** Lines before the header row. */
  skipRows?: number | null | undefined;
  /** The value date. */
  valueDate?: ImportCsvColumnInput | null | undefined;
};

/** Read an uploaded statement again, with other settings, against the ledger as it is now. */
export type ImportDryRunInput = {
  /** The import. */
  importId: string;
  /** What to change; settings left out keep their value. */
  settings?: ImportSettingsInput | null | undefined;
};

/** Why a row was classified as it was. */
export type ImportMatchReason =
  /** It matches a transaction the user deleted; it is not brought back. */
  | 'DELETED'
  /** The same amount within a few days at a similar payee, from another export of the statement. */
  | 'LIKELY_DUPLICATE'
  /** Nothing in the ledger matches it. */
  | 'NO_MATCH'
  /** The same bank reference with another date or amount. */
  | 'REFERENCE_MISMATCH'
  /** Imported before under the same identity (bank reference, or same fields). */
  | 'SAME_IMPORT_KEY'
  /** A transaction with the same bank reference and figures. */
  | 'SAME_REFERENCE';

/** What committing does with a row. */
export type ImportRowAction =
  /** Add it as a new transaction. */
  | 'CREATE'
  /** Merge it into the transaction it matched: nothing is added, and the row becomes another import identity of that transaction (re-importing it finds it). The transaction's own date and amount are kept. */
  | 'LINK'
  /** Leave it out. */
  | 'SKIP';

/** What to do with one row of the dry run. */
export type ImportRowResolutionInput = {
  /** Create it, link (merge) it, or skip it. */
  action: ImportRowAction;
  /** The row's `index`. */
  index: number;
};

/** How a statement row stands against the ledger. */
export type ImportRowStatus =
  /** The bank's reference matches a recorded transaction whose date or amount differs: choose. */
  | 'CONFLICT'
  /** Already in the ledger (`matchedTransaction`), or a transaction the user deleted (reason DELETED). */
  | 'DUPLICATE'
  /** Not in the ledger. */
  | 'NEW';

/** How to read a statement; anything left out is detected (or kept from before). */
export type ImportSettingsInput = {
  /** Such as `DD/MM/YYYY`, when the file's dates can be read more than one way. */
  dateFormat?: string | null | undefined;
  /** CSV: `,` or `.`. */
  decimalSeparator?: string | null | undefined;
  /** CSV: the column separator. */
  delimiter?: string | null | undefined;
  /** CSV: the text encoding, such as `cp1252`. */
  encoding?: string | null | undefined;
  /** An installed format's name (`importFormats`). */
  format?: string | null | undefined;
  /** CSV: the column mapping. */
  mapping?: ImportCsvMappingInput | null | undefined;
  /** CSV: a saved mapping profile to use. */
  profileId?: string | null | undefined;
  /** Leave bad rows out (listed in `warnings`) instead of refusing the file: rows the file cannot give, and rows that do not fit the account (another currency, finer than its minor unit; never rounded). */
  skipInvalidRows?: boolean | null | undefined;
  /** For a file with several accounts: which one (0-based, see `statementAccounts`). */
  statementAccount?: number | null | undefined;
};

/** Where an import stands. */
export type ImportStatus =
  /** Written to the ledger. */
  | 'COMMITTED'
  /** The commit is running (see `importProgress`). */
  | 'COMMITTING'
  /** The commit failed and wrote nothing; `problem` says why. It can be committed again. */
  | 'FAILED'
  /** The file cannot be read as set: `problem` says what to choose or fix. */
  | 'NEEDS_INPUT'
  /** The commit is waiting for a worker. */
  | 'QUEUED'
  /** Dry run done: the rows show what a commit would do. */
  | 'READY'
  /** Undone: the transactions it added were deleted. */
  | 'UNDONE';

/** Undo a committed import. */
export type ImportUndoInput = {
  /** The import (status COMMITTED). */
  importId: string;
};

/** A statement file to import into an account. */
export type ImportUploadInput = {
  /** The account to import into. */
  accountId: string;
  /** The statement (CSV, OFX/QFX, QIF, CAMT.053), sent as a GraphQL multipart request. */
  file: File;
  /** How to read it; anything left out is detected. */
  settings?: ImportSettingsInput | null | undefined;
};

/** Sign-in credentials. */
export type LoginInput = {
  /** Sign-in email address. */
  email: string;
  /** Password. */
  password: string;
  /** Browsers: deliver the tokens as httpOnly cookies instead of in the payload. */
  useCookies?: boolean;
};

/** Money into or out of the account. */
export type MoneyDirection =
  /** Positive amounts. */
  | 'IN'
  /** Negative amounts. */
  | 'OUT';

/** A new user and their first household. */
export type RegisterInput = {
  /** Sign-in email address. */
  email: string;
  /** Name of the first household; defaults to "<name>'s household". */
  householdName?: string | null | undefined;
  /** Display name. */
  name: string;
  /** At least 10 characters. */
  password: string;
  /** Browsers: deliver the tokens as httpOnly cookies instead of in the payload. */
  useCookies?: boolean;
};

/** One part of a split transaction. */
export type SplitInput = {
  /** The part's amount, with the transaction's sign, in the account's currency. */
  amount: string;
  /** The part's category. */
  categoryId?: string | null | undefined;
  /** What this part was for. */
  memo?: string | null | undefined;
};

/** Which transactions to list; every condition given must hold. */
export type TransactionFilter = {
  /** Only these accounts. */
  accountIds?: Array<string> | null | undefined;
  /** Largest amount, without its sign, in the transaction's own currency. */
  amountMax?: string | null | undefined;
  /** Smallest amount, without its sign, in the transaction's own currency. */
  amountMin?: string | null | undefined;
  /** Only these categories (a split transaction matches through any of its parts). */
  categoryIds?: Array<string> | null | undefined;
  /** Only money in, or only out. */
  direction?: MoneyDirection | null | undefined;
  /** First date, inclusive. */
  from?: string | null | undefined;
  /** Only these statuses. */
  statuses?: Array<TransactionFilterStatus> | null | undefined;
  /** Only transactions with all these tags. */
  tags?: Array<string> | null | undefined;
  /** Words to find in the payee, memo, notes and tags; each word matches as a prefix, accents and case are ignored, and payees with a similar name (typos) match too. At most 200 characters. */
  text?: string | null | undefined;
  /** Last date, inclusive. */
  to?: string | null | undefined;
  /** True: only transfers between the household's accounts; false: no transfers. */
  transfers?: boolean | null | undefined;
  /** True: only transactions without a category (or with a split part without one), transfers excepted; false: only categorised ones. */
  uncategorised?: boolean | null | undefined;
};

/** Where a transaction is in its life. */
export type TransactionFilterStatus =
  /** Cleared by the bank. */
  | 'CLEARED'
  /** Not yet cleared by the bank. */
  | 'PENDING'
  /** Matched to a statement. */
  | 'RECONCILED';

/** Where a transaction is in the bank's books. */
export type TransactionStatus =
  /** Booked by the bank. */
  | 'CLEARED'
  /** Authorised but not booked by the bank yet. */
  | 'PENDING'
  /** Checked against a statement; its amount, date, account and status change only when asked explicitly (`unlockReconciled`). */
  | 'RECONCILED';

/** Changes to a transaction; fields left out keep their value. */
export type TransactionUpdateInput = {
  /** Move it to another account of the household, in the same currency. */
  accountId?: string | null | undefined;
  /** Positive for money in, negative for money out. */
  amount?: string | null | undefined;
  /** The category; null makes it uncategorised. */
  categoryId?: string | null | undefined;
  /** For a transfer between two currencies: the other leg's new amount, in its account's currency (within one currency the other leg always follows `amount`). */
  counterpartAmount?: string | null | undefined;
  /** Calendar date. */
  date?: string | null | undefined;
  /** The transaction to change. */
  id: string;
  /** Free-text note; null clears. */
  memo?: string | null | undefined;
  /** Longer private notes; null clears. */
  notes?: string | null | undefined;
  /** Who was paid or who paid; null clears. */
  payee?: string | null | undefined;
  /** The parts, replacing the old ones as a whole (they must sum exactly to the amount); [] or null makes the transaction unsplit (give `categoryId` with it to categorise it). */
  splits?: Array<SplitInput> | null | undefined;
  /** PENDING or CLEARED; only reconciling an account makes transactions RECONCILED. */
  status?: TransactionStatus | null | undefined;
  /** The new tags, replacing the old ones; null or [] clears. */
  tags?: Array<string> | null | undefined;
  /** Needed to change the amount, date, account or status of a reconciled transaction (or of a transfer whose other leg is reconciled): reconciled transactions are protected from silent edits. */
  unlockReconciled?: boolean;
};

export type AccountCreateMutationVariables = Exact<{
  input: AccountCreateInput;
}>;


export type AccountCreateMutation = { accountCreate: { account: { id: string, name: string, type: AccountType, currency: string, balance: { amount: string, currency: string } } | null, errors: Array<
      | { __typename: 'AuthenticationError', message: string }
      | { __typename: 'ImportFileError', message: string }
      | { __typename: 'NotFoundError', message: string }
      | { __typename: 'PriceRowError', message: string }
      | { __typename: 'RateLimitedError', message: string }
      | { __typename: 'ValidationError', message: string }
    > } };

export type AccountQueryVariables = Exact<{
  id: string;
}>;


export type AccountQuery = { account: { id: string, householdId: string, name: string, type: AccountType, currency: string, balance: { amount: string, currency: string } } | null };

export type AccountTransactionsQueryVariables = Exact<{
  householdId: string;
  filter?: TransactionFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type AccountTransactionsQuery = { transactions: { edges: Array<{ cursor: string, node: { id: string, date: string, payee: string | null, memo: string | null, status: TransactionStatus, amount: { amount: string, currency: string }, category: { id: string, name: string } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type CategoriesQueryVariables = Exact<{
  householdId?: string | null | undefined;
}>;


export type CategoriesQuery = { categoryGroups: { nodes: Array<{ id: string, name: string, categories: Array<{ id: string, name: string }> }> } };

export type TransactionCategoriseMutationVariables = Exact<{
  input: TransactionUpdateInput;
}>;


export type TransactionCategoriseMutation = { transactionUpdate: { transaction: { id: string, category: { id: string, name: string } | null } | null, errors: Array<
      | { __typename: 'AuthenticationError', message: string }
      | { __typename: 'ImportFileError', message: string }
      | { __typename: 'NotFoundError', message: string }
      | { __typename: 'PriceRowError', message: string }
      | { __typename: 'RateLimitedError', message: string }
      | { __typename: 'ValidationError', message: string }
    > } };

export type LogoutMutationVariables = Exact<{ [key: string]: never; }>;


export type LogoutMutation = { logout: { ok: boolean } };

export type ImportColumnFragment = { header: string | null, index: number | null };

export type ImportFieldsFragment = { id: string, accountId: string, status: ImportStatus, filename: string | null, format: string | null, problem: { code: string, message: string } | null, counts: { total: number, new: number, duplicate: number, conflict: number, invalid: number, created: number | null, linked: number | null, skipped: number | null, removed: number | null }, csv: { headerLine: number | null, headers: Array<string>, dateFormats: Array<string>, decimalSeparator: string | null, problems: Array<string>, rows: Array<{ line: number, cells: Array<string> }>, proposedMapping: { dateFormat: string | null, decimalSeparator: string | null, hasHeader: boolean, negate: boolean, date: { header: string | null, index: number | null } | null, amount: { header: string | null, index: number | null } | null, payee: { header: string | null, index: number | null } | null, memo: Array<{ header: string | null, index: number | null }> } | null } | null, rows: { nodes: Array<{ index: number, line: number | null, date: string, payee: string | null, memo: string | null, status: ImportRowStatus, reason: ImportMatchReason, action: ImportRowAction, amount: { amount: string, currency: string } }> } };

export type ImportUploadMutationVariables = Exact<{
  input: ImportUploadInput;
}>;


export type ImportUploadMutation = { importUpload: { import: { id: string, accountId: string, status: ImportStatus, filename: string | null, format: string | null, problem: { code: string, message: string } | null, counts: { total: number, new: number, duplicate: number, conflict: number, invalid: number, created: number | null, linked: number | null, skipped: number | null, removed: number | null }, csv: { headerLine: number | null, headers: Array<string>, dateFormats: Array<string>, decimalSeparator: string | null, problems: Array<string>, rows: Array<{ line: number, cells: Array<string> }>, proposedMapping: { dateFormat: string | null, decimalSeparator: string | null, hasHeader: boolean, negate: boolean, date: { header: string | null, index: number | null } | null, amount: { header: string | null, index: number | null } | null, payee: { header: string | null, index: number | null } | null, memo: Array<{ header: string | null, index: number | null }> } | null } | null, rows: { nodes: Array<{ index: number, line: number | null, date: string, payee: string | null, memo: string | null, status: ImportRowStatus, reason: ImportMatchReason, action: ImportRowAction, amount: { amount: string, currency: string } }> } } | null, errors: Array<
      | { __typename: 'AuthenticationError', message: string }
      | { __typename: 'ImportFileError', message: string }
      | { __typename: 'NotFoundError', message: string }
      | { __typename: 'PriceRowError', message: string }
      | { __typename: 'RateLimitedError', message: string }
      | { __typename: 'ValidationError', message: string }
    > } };

export type ImportDryRunMutationVariables = Exact<{
  input: ImportDryRunInput;
}>;


export type ImportDryRunMutation = { importDryRun: { import: { id: string, accountId: string, status: ImportStatus, filename: string | null, format: string | null, problem: { code: string, message: string } | null, counts: { total: number, new: number, duplicate: number, conflict: number, invalid: number, created: number | null, linked: number | null, skipped: number | null, removed: number | null }, csv: { headerLine: number | null, headers: Array<string>, dateFormats: Array<string>, decimalSeparator: string | null, problems: Array<string>, rows: Array<{ line: number, cells: Array<string> }>, proposedMapping: { dateFormat: string | null, decimalSeparator: string | null, hasHeader: boolean, negate: boolean, date: { header: string | null, index: number | null } | null, amount: { header: string | null, index: number | null } | null, payee: { header: string | null, index: number | null } | null, memo: Array<{ header: string | null, index: number | null }> } | null } | null, rows: { nodes: Array<{ index: number, line: number | null, date: string, payee: string | null, memo: string | null, status: ImportRowStatus, reason: ImportMatchReason, action: ImportRowAction, amount: { amount: string, currency: string } }> } } | null, errors: Array<
      | { __typename: 'AuthenticationError', message: string }
      | { __typename: 'ImportFileError', message: string }
      | { __typename: 'NotFoundError', message: string }
      | { __typename: 'PriceRowError', message: string }
      | { __typename: 'RateLimitedError', message: string }
      | { __typename: 'ValidationError', message: string }
    > } };

export type ImportCommitMutationVariables = Exact<{
  input: ImportCommitInput;
}>;


export type ImportCommitMutation = { importCommit: { import: { id: string, status: ImportStatus } | null, errors: Array<
      | { __typename: 'AuthenticationError', message: string }
      | { __typename: 'ImportFileError', message: string }
      | { __typename: 'NotFoundError', message: string }
      | { __typename: 'PriceRowError', message: string }
      | { __typename: 'RateLimitedError', message: string }
      | { __typename: 'ValidationError', message: string }
    > } };

export type ImportUndoMutationVariables = Exact<{
  input: ImportUndoInput;
}>;


export type ImportUndoMutation = { importUndo: { import: { id: string, status: ImportStatus, counts: { removed: number | null } } | null, errors: Array<
      | { __typename: 'AuthenticationError', message: string }
      | { __typename: 'ImportFileError', message: string }
      | { __typename: 'NotFoundError', message: string }
      | { __typename: 'PriceRowError', message: string }
      | { __typename: 'RateLimitedError', message: string }
      | { __typename: 'ValidationError', message: string }
    > } };

export type ImportProgressSubscriptionVariables = Exact<{
  importId: string;
}>;


export type ImportProgressSubscription = { importProgress: { importId: string, status: ImportStatus, phase: string, processed: number, total: number, created: number | null, linked: number | null, skipped: number | null, message: string | null } };

export type AuthResultFragment = { user: { id: string, email: string, name: string, households: Array<{ id: string, name: string, role: string | null }> } | null, errors: Array<
    | { __typename: 'AuthenticationError', message: string }
    | { __typename: 'ImportFileError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'PriceRowError', message: string }
    | { __typename: 'RateLimitedError', message: string }
    | { __typename: 'ValidationError', field: string, message: string }
  > };

export type LoginMutationVariables = Exact<{
  input: LoginInput;
}>;


export type LoginMutation = { login: { user: { id: string, email: string, name: string, households: Array<{ id: string, name: string, role: string | null }> } | null, errors: Array<
      | { __typename: 'AuthenticationError', message: string }
      | { __typename: 'ImportFileError', message: string }
      | { __typename: 'NotFoundError', message: string }
      | { __typename: 'PriceRowError', message: string }
      | { __typename: 'RateLimitedError', message: string }
      | { __typename: 'ValidationError', field: string, message: string }
    > } };

export type RegisterMutationVariables = Exact<{
  input: RegisterInput;
}>;


export type RegisterMutation = { register: { user: { id: string, email: string, name: string, households: Array<{ id: string, name: string, role: string | null }> } | null, errors: Array<
      | { __typename: 'AuthenticationError', message: string }
      | { __typename: 'ImportFileError', message: string }
      | { __typename: 'NotFoundError', message: string }
      | { __typename: 'PriceRowError', message: string }
      | { __typename: 'RateLimitedError', message: string }
      | { __typename: 'ValidationError', field: string, message: string }
    > } };

export type SilentRefreshMutationVariables = Exact<{ [key: string]: never; }>;


export type SilentRefreshMutation = { tokenRefresh: { user: { id: string } | null } };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { id: string, name: string, email: string, households: Array<{ id: string, name: string, role: string | null }> } | null };

export type AccountsQueryVariables = Exact<{
  householdId?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type AccountsQuery = { accounts: { edges: Array<{ cursor: string, node: { id: string, name: string, type: AccountType, currency: string, balance: { amount: string, currency: string }, portfolio: { id: string, name: string } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type AccountBalanceChangedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type AccountBalanceChangedSubscription = { accountBalanceChanged: { id: string, balance: { amount: string, currency: string } } };

export const ImportColumnFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImportColumn"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ImportCsvColumn"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"header"}},{"kind":"Field","name":{"kind":"Name","value":"index"}}]}}]} as unknown as DocumentNode<ImportColumnFragment, unknown>;
export const ImportFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImportFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Import"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"accountId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"filename"}},{"kind":"Field","name":{"kind":"Name","value":"format"}},{"kind":"Field","name":{"kind":"Name","value":"problem"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"counts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"new"}},{"kind":"Field","name":{"kind":"Name","value":"duplicate"}},{"kind":"Field","name":{"kind":"Name","value":"conflict"}},{"kind":"Field","name":{"kind":"Name","value":"invalid"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"linked"}},{"kind":"Field","name":{"kind":"Name","value":"skipped"}},{"kind":"Field","name":{"kind":"Name","value":"removed"}}]}},{"kind":"Field","name":{"kind":"Name","value":"csv"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"headerLine"}},{"kind":"Field","name":{"kind":"Name","value":"headers"}},{"kind":"Field","name":{"kind":"Name","value":"rows"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"line"}},{"kind":"Field","name":{"kind":"Name","value":"cells"}}]}},{"kind":"Field","name":{"kind":"Name","value":"dateFormats"}},{"kind":"Field","name":{"kind":"Name","value":"decimalSeparator"}},{"kind":"Field","name":{"kind":"Name","value":"problems"}},{"kind":"Field","name":{"kind":"Name","value":"proposedMapping"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"date"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImportColumn"}}]}},{"kind":"Field","name":{"kind":"Name","value":"amount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImportColumn"}}]}},{"kind":"Field","name":{"kind":"Name","value":"payee"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImportColumn"}}]}},{"kind":"Field","name":{"kind":"Name","value":"memo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImportColumn"}}]}},{"kind":"Field","name":{"kind":"Name","value":"dateFormat"}},{"kind":"Field","name":{"kind":"Name","value":"decimalSeparator"}},{"kind":"Field","name":{"kind":"Name","value":"hasHeader"}},{"kind":"Field","name":{"kind":"Name","value":"negate"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"rows"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"line"}},{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"payee"}},{"kind":"Field","name":{"kind":"Name","value":"memo"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"amount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImportColumn"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ImportCsvColumn"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"header"}},{"kind":"Field","name":{"kind":"Name","value":"index"}}]}}]} as unknown as DocumentNode<ImportFieldsFragment, unknown>;
export const AuthResultFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AuthResult"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AuthPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"households"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]}}]}}]} as unknown as DocumentNode<AuthResultFragment, unknown>;
export const AccountCreateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AccountCreate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AccountCreateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accountCreate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"balance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<AccountCreateMutation, AccountCreateMutationVariables>;
export const AccountDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Account"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"account"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"householdId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"balance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}}]}}]} as unknown as DocumentNode<AccountQuery, AccountQueryVariables>;
export const AccountTransactionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AccountTransactions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"householdId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"TransactionFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"transactions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"householdId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"householdId"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"payee"}},{"kind":"Field","name":{"kind":"Name","value":"memo"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"amount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"category"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<AccountTransactionsQuery, AccountTransactionsQueryVariables>;
export const CategoriesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Categories"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"householdId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"categoryGroups"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"householdId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"householdId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"categories"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"includeHidden"},"value":{"kind":"BooleanValue","value":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<CategoriesQuery, CategoriesQueryVariables>;
export const TransactionCategoriseDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"TransactionCategorise"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TransactionUpdateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"transactionUpdate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"transaction"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"category"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<TransactionCategoriseMutation, TransactionCategoriseMutationVariables>;
export const LogoutDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Logout"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"logout"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ok"}}]}}]}}]} as unknown as DocumentNode<LogoutMutation, LogoutMutationVariables>;
export const ImportUploadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ImportUpload"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ImportUploadInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"importUpload"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"import"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImportFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImportColumn"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ImportCsvColumn"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"header"}},{"kind":"Field","name":{"kind":"Name","value":"index"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImportFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Import"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"accountId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"filename"}},{"kind":"Field","name":{"kind":"Name","value":"format"}},{"kind":"Field","name":{"kind":"Name","value":"problem"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"counts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"new"}},{"kind":"Field","name":{"kind":"Name","value":"duplicate"}},{"kind":"Field","name":{"kind":"Name","value":"conflict"}},{"kind":"Field","name":{"kind":"Name","value":"invalid"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"linked"}},{"kind":"Field","name":{"kind":"Name","value":"skipped"}},{"kind":"Field","name":{"kind":"Name","value":"removed"}}]}},{"kind":"Field","name":{"kind":"Name","value":"csv"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"headerLine"}},{"kind":"Field","name":{"kind":"Name","value":"headers"}},{"kind":"Field","name":{"kind":"Name","value":"rows"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"line"}},{"kind":"Field","name":{"kind":"Name","value":"cells"}}]}},{"kind":"Field","name":{"kind":"Name","value":"dateFormats"}},{"kind":"Field","name":{"kind":"Name","value":"decimalSeparator"}},{"kind":"Field","name":{"kind":"Name","value":"problems"}},{"kind":"Field","name":{"kind":"Name","value":"proposedMapping"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"date"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImportColumn"}}]}},{"kind":"Field","name":{"kind":"Name","value":"amount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImportColumn"}}]}},{"kind":"Field","name":{"kind":"Name","value":"payee"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImportColumn"}}]}},{"kind":"Field","name":{"kind":"Name","value":"memo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImportColumn"}}]}},{"kind":"Field","name":{"kind":"Name","value":"dateFormat"}},{"kind":"Field","name":{"kind":"Name","value":"decimalSeparator"}},{"kind":"Field","name":{"kind":"Name","value":"hasHeader"}},{"kind":"Field","name":{"kind":"Name","value":"negate"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"rows"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"line"}},{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"payee"}},{"kind":"Field","name":{"kind":"Name","value":"memo"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"amount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ImportUploadMutation, ImportUploadMutationVariables>;
export const ImportDryRunDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ImportDryRun"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ImportDryRunInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"importDryRun"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"import"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImportFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImportColumn"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ImportCsvColumn"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"header"}},{"kind":"Field","name":{"kind":"Name","value":"index"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImportFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Import"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"accountId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"filename"}},{"kind":"Field","name":{"kind":"Name","value":"format"}},{"kind":"Field","name":{"kind":"Name","value":"problem"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"counts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"new"}},{"kind":"Field","name":{"kind":"Name","value":"duplicate"}},{"kind":"Field","name":{"kind":"Name","value":"conflict"}},{"kind":"Field","name":{"kind":"Name","value":"invalid"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"linked"}},{"kind":"Field","name":{"kind":"Name","value":"skipped"}},{"kind":"Field","name":{"kind":"Name","value":"removed"}}]}},{"kind":"Field","name":{"kind":"Name","value":"csv"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"headerLine"}},{"kind":"Field","name":{"kind":"Name","value":"headers"}},{"kind":"Field","name":{"kind":"Name","value":"rows"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"line"}},{"kind":"Field","name":{"kind":"Name","value":"cells"}}]}},{"kind":"Field","name":{"kind":"Name","value":"dateFormats"}},{"kind":"Field","name":{"kind":"Name","value":"decimalSeparator"}},{"kind":"Field","name":{"kind":"Name","value":"problems"}},{"kind":"Field","name":{"kind":"Name","value":"proposedMapping"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"date"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImportColumn"}}]}},{"kind":"Field","name":{"kind":"Name","value":"amount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImportColumn"}}]}},{"kind":"Field","name":{"kind":"Name","value":"payee"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImportColumn"}}]}},{"kind":"Field","name":{"kind":"Name","value":"memo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImportColumn"}}]}},{"kind":"Field","name":{"kind":"Name","value":"dateFormat"}},{"kind":"Field","name":{"kind":"Name","value":"decimalSeparator"}},{"kind":"Field","name":{"kind":"Name","value":"hasHeader"}},{"kind":"Field","name":{"kind":"Name","value":"negate"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"rows"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"line"}},{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"payee"}},{"kind":"Field","name":{"kind":"Name","value":"memo"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"amount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ImportDryRunMutation, ImportDryRunMutationVariables>;
export const ImportCommitDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ImportCommit"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ImportCommitInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"importCommit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"import"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ImportCommitMutation, ImportCommitMutationVariables>;
export const ImportUndoDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ImportUndo"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ImportUndoInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"importUndo"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"import"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"counts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removed"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ImportUndoMutation, ImportUndoMutationVariables>;
export const ImportProgressDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ImportProgress"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"importId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"importProgress"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"importId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"importId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"importId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"processed"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"linked"}},{"kind":"Field","name":{"kind":"Name","value":"skipped"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]} as unknown as DocumentNode<ImportProgressSubscription, ImportProgressSubscriptionVariables>;
export const LoginDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Login"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LoginInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"login"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AuthResult"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AuthResult"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AuthPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"households"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]}}]}}]} as unknown as DocumentNode<LoginMutation, LoginMutationVariables>;
export const RegisterDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Register"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"register"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"AuthResult"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AuthResult"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AuthPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"households"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]}}]}}]} as unknown as DocumentNode<RegisterMutation, RegisterMutationVariables>;
export const SilentRefreshDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SilentRefresh"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tokenRefresh"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"useCookies"},"value":{"kind":"BooleanValue","value":true}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<SilentRefreshMutation, SilentRefreshMutationVariables>;
export const MeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"households"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const AccountsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Accounts"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"householdId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accounts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"householdId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"householdId"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"balance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"portfolio"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<AccountsQuery, AccountsQueryVariables>;
export const AccountBalanceChangedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"AccountBalanceChanged"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accountBalanceChanged"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"balance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}}]}}]} as unknown as DocumentNode<AccountBalanceChangedSubscription, AccountBalanceChangedSubscriptionVariables>;