/**
 * The account screen's ledger operations: a transaction row's fields, editing one in place (payee, memo, date,
 * amount, splits) and recording a transfer between two accounts. Not rendered on the server (`operations.ts`).
 */
import { graphql } from "@/gql";

/** What a row of an account's list shows; the list query and every mutation select the same fields. */
export const TransactionRowFields = graphql(`
  fragment TransactionRowFields on Transaction {
    id
    accountId
    date
    payee
    memo
    status
    isSplit
    amount {
      amount
      currency
    }
    category {
      id
      name
    }
    splits {
      id
      position
      memo
      amount {
        amount
        currency
      }
      category {
        id
        name
      }
    }
    transfer {
      transferId
      counterpartAccount {
        id
        name
      }
    }
  }
`);

/** Changes a transaction; `ValidationError.field` names the input at fault, so the form shows it by that field. */
export const TransactionEditMutation = graphql(`
  mutation TransactionEdit($input: TransactionUpdateInput!) {
    transactionUpdate(input: $input) {
      transaction {
        ...TransactionRowFields
      }
      counterpart {
        ...TransactionRowFields
      }
      errors {
        __typename
        message
        ... on ValidationError {
          field
        }
        ... on NotFoundError {
          field
        }
      }
    }
  }
`);

/** Moves money from one account of the household to another: two legs, one on each account. */
export const TransferCreateMutation = graphql(`
  mutation TransferCreate($input: TransferCreateInput!) {
    transferCreate(input: $input) {
      fromTransaction {
        ...TransactionRowFields
      }
      toTransaction {
        ...TransactionRowFields
      }
      errors {
        __typename
        message
        ... on ValidationError {
          field
        }
        ... on NotFoundError {
          field
        }
      }
    }
  }
`);

/** The household's accounts a transfer can go to. */
export const TransferAccountsQuery = graphql(`
  query TransferAccounts($householdId: ID) {
    accounts(householdId: $householdId, first: 100) {
      nodes {
        id
        name
        currency
      }
    }
  }
`);
