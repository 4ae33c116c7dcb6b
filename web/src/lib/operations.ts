/**
 * The operations both the server (first render) and the browser run. They must be the very same documents with
 * the same variables on both sides: the browser's cache is seeded with the server's results by operation key.
 */
import { graphql } from "@/gql";

/** Accounts per page of the account list. */
export const ACCOUNTS_PAGE_SIZE = 50;

export const MeQuery = graphql(`
  query Me {
    me {
      id
      name
      email
      households {
        id
        name
        role
      }
    }
  }
`);

export const AccountsQuery = graphql(`
  query Accounts($householdId: ID, $first: Int, $after: String) {
    accounts(householdId: $householdId, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          name
          type
          currency
          balance {
            amount
            currency
          }
          portfolio {
            id
            name
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/** Each account whose balance changes, as it changes; the normalised cache updates every list showing it. */
export const AccountBalanceChangedSubscription = graphql(`
  subscription AccountBalanceChanged {
    accountBalanceChanged {
      id
      balance {
        amount
        currency
      }
    }
  }
`);

/** The first page's variables, exactly as the account list asks for it. */
export const firstAccountsPage = (householdId: string | null) => ({
  householdId,
  first: ACCOUNTS_PAGE_SIZE,
  after: null,
});

/** The cookie remembering the household the viewer last chose (an id, nothing secret; the server renders with it). */
export const HOUSEHOLD_COOKIE = "fincloud_household";

/** The household to show: the remembered one if it is still the viewer's, else their first (null: none). */
export function chooseHousehold(households: readonly { id: string }[], remembered: string | null | undefined) {
  return households.find((h) => h.id === remembered)?.id ?? households[0]?.id ?? null;
}
