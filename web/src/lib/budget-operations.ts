/**
 * Budgets, recurring transactions and the dashboard's reports: the operations of those screens. None is rendered
 * on the server (the first load seeds only `me` and the accounts, `operations.ts`), so they live apart.
 */
import { graphql } from "@/gql";

/** One month's figures, the same selection everywhere a month arrives: the query, `budgetSet`, `budgetChanged`. */
export const BudgetMonthFields = graphql(`
  fragment BudgetMonthFields on BudgetMonth {
    householdId
    month
    model
    currency
    budgeted
    activity
    available
    income
    uncategorized
    toBeBudgeted
    complete
    groups {
      groupId
      name
      kind
      hidden
      categoryIds
      budgeted
      activity
      available
    }
    lines {
      categoryId
      groupId
      name
      kind
      rollover
      hidden
      archived
      budgeted
      activity
      carriedIn
      available
      progress
      complete
    }
  }
`);

export const BudgetMonthQuery = graphql(`
  query BudgetMonth($householdId: ID!, $month: String!) {
    budgetMonth(householdId: $householdId, month: $month) {
      ...BudgetMonthFields
    }
  }
`);

export const BudgetSetMutation = graphql(`
  mutation BudgetSet($input: BudgetSetInput!) {
    budgetSet(input: $input) {
      budgetMonth {
        ...BudgetMonthFields
      }
      errors {
        message
      }
    }
  }
`);

/** The household's figures as they change (a budget set, a transaction recorded anywhere), months included. */
export const BudgetChangedSubscription = graphql(`
  subscription BudgetChanged($householdId: ID!) {
    budgetChanged(householdId: $householdId) {
      eventId
      months
      reason
      budgetMonths {
        ...BudgetMonthFields
      }
    }
  }
`);

export const DashboardReportsQuery = graphql(`
  query DashboardReports($householdId: ID!, $from: Date!, $to: Date!) {
    netWorth(householdId: $householdId, from: $from, to: $to, grain: MONTH) {
      currency
      missingRatesCount
      points {
        date
        netWorth {
          amount {
            amount
            currency
          }
          complete
        }
      }
    }
    cashFlow(householdId: $householdId, from: $from, to: $to) {
      currency
      missingRatesCount
      months {
        month
        income {
          amount {
            amount
            currency
          }
        }
        expense {
          amount {
            amount
            currency
          }
        }
      }
    }
  }
`);

export const DashboardPortfoliosQuery = graphql(`
  query DashboardPortfolios($yesterday: Date!) {
    portfolios(first: 10) {
      nodes {
        id
        householdId
        name
        baseCurrency
        today: valuation {
          date
          complete
          total {
            amount
            currency
          }
        }
        yesterday: valuation(asOf: $yesterday) {
          date
          complete
          total {
            amount
            currency
          }
        }
      }
    }
  }
`);

export const DashboardInboxQuery = graphql(`
  query DashboardInbox($householdId: ID, $first: Int) {
    inbox(householdId: $householdId, first: $first) {
      unreadCount
      nodes {
        id
        title
        body
        url
        createdAt
        readAt
      }
    }
  }
`);

export const RecurringFields = graphql(`
  fragment RecurringFields on RecurringTransaction {
    id
    name
    payee
    mode
    preset
    rule
    startDate
    endDate
    lastDate
    nextDate
    amountIsEstimate
    amount {
      amount
      currency
    }
    account {
      id
      name
    }
  }
`);

export const RecurringTransactionsQuery = graphql(`
  query RecurringTransactions($householdId: ID!, $first: Int, $after: String) {
    recurringTransactions(householdId: $householdId, first: $first, after: $after) {
      nodes {
        ...RecurringFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const RecurringCreateMutation = graphql(`
  mutation RecurringCreate($input: RecurringCreateInput!) {
    recurringCreate(input: $input) {
      recurring {
        ...RecurringFields
      }
      errors {
        message
      }
    }
  }
`);

export const RecurringSkipNextMutation = graphql(`
  mutation RecurringSkipNext($input: RecurringSkipNextInput!) {
    recurringSkipNext(input: $input) {
      recurring {
        ...RecurringFields
      }
      skippedDate
      errors {
        message
      }
    }
  }
`);

export const RecurringUnskipMutation = graphql(`
  mutation RecurringUnskip($input: RecurringUnskipInput!) {
    recurringUnskip(input: $input) {
      recurring {
        ...RecurringFields
      }
      errors {
        message
      }
    }
  }
`);

export const RecurringDeleteMutation = graphql(`
  mutation RecurringDelete($input: RecurringDeleteInput!) {
    recurringDelete(input: $input) {
      deletedId
      errors {
        message
      }
    }
  }
`);
