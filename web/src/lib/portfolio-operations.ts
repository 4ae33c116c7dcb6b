/**
 * The portfolio screens' operations (issue 7, parts 3 and 4): a household's portfolios, one portfolio's figures
 * (holdings, performance, allocation, rebalancing, dividends, news), recording activities, and live prices.
 */
import { graphql } from "@/gql";

/** The viewer's portfolios (all households; the screen keeps the chosen household's). */
export const PortfoliosQuery = graphql(`
  query Portfolios {
    portfolios(first: 100) {
      nodes {
        id
        householdId
        name
        baseCurrency
        costMethod
      }
    }
  }
`);

/** Everything the portfolio screen shows, valued today. */
export const PortfolioDetailQuery = graphql(`
  query PortfolioDetail($id: ID!) {
    portfolio(id: $id) {
      id
      householdId
      name
      baseCurrency
      costMethod
      benchmark {
        id
        symbol
        name
      }
      valuation {
        date
        total {
          amount
          currency
        }
        securities {
          amount
          currency
        }
        cashTotal {
          amount
          currency
        }
        complete
        missingPrices
      }
      holdings(includeClosed: true) {
        instrumentId
        quantity
        price {
          amount
          currency
        }
        valueBase {
          amount
          currency
        }
        costBasisBase {
          amount
          currency
        }
        unrealisedGainBase {
          amount
          currency
        }
        weight
        instrument {
          id
          symbol
          name
          currency
          assetClass
          userDefined
        }
      }
      performance {
        period
        start
        end
        startValue {
          amount
          currency
        }
        endValue {
          amount
          currency
        }
        netFlows {
          amount
          currency
        }
        absoluteGain {
          amount
          currency
        }
        dividends {
          amount
          currency
        }
        simpleRoi {
          value
          reason
        }
        moneyWeightedAnnualised {
          value
          reason
        }
        moneyWeighted {
          value
          reason
        }
        timeWeighted {
          value
          reason
        }
        timeWeightedMethod
        modifiedDietz {
          value
          reason
        }
        benchmark {
          value
          reason
        }
        estimatedPrices
      }
      allocation(dimension: ASSET_CLASS) {
        key
        value {
          amount
          currency
        }
        weight
        target
        drift
      }
      rebalancing {
        targetsSet
        cashBefore {
          amount
          currency
        }
        cashLeft {
          amount
          currency
        }
        unpriced
        trades {
          instrumentId
          quantity
          amount {
            amount
            currency
          }
          weightBefore
          weightAfter
          target
        }
      }
      dividends {
        trailingTwelveMonths {
          amount
          currency
        }
        yieldOnCost
        projectedAnnualIncome {
          amount
          currency
        }
        payments {
          date
          instrumentId
          gross {
            amount
            currency
          }
          tax {
            amount
            currency
          }
          netBase {
            amount
            currency
          }
          reinvested
        }
      }
      news(first: 10) {
        nodes {
          id
          title
          url
          summary
          source
          publishedAt
        }
      }
    }
  }
`);

/** Instruments an activity can name (listed ones and the household's own). */
export const InstrumentsQuery = graphql(`
  query PortfolioInstruments($search: String) {
    instruments(search: $search, first: 100) {
      nodes {
        id
        symbol
        name
        currency
        userDefined
      }
    }
  }
`);

export const PortfolioCreateMutation = graphql(`
  mutation PortfolioCreate($input: PortfolioCreateInput!) {
    portfolioCreate(input: $input) {
      portfolio {
        id
        householdId
        name
        baseCurrency
        costMethod
      }
      errors {
        __typename
        message
      }
    }
  }
`);

/** The cost method is not part of `portfolioCreate`: a new portfolio that wants AVERAGE is updated right after. */
export const PortfolioCostMethodMutation = graphql(`
  mutation PortfolioCostMethod($input: PortfolioUpdateInput!) {
    portfolioUpdate(input: $input) {
      portfolio {
        id
        costMethod
      }
      errors {
        __typename
        message
      }
    }
  }
`);

export const ActivityCreateMutation = graphql(`
  mutation PortfolioActivityCreate($input: ActivityCreateInput!) {
    activityCreate(input: $input) {
      activity {
        id
        kind
        date
      }
      errors {
        __typename
        message
      }
    }
  }
`);

/** Each new latest price of an instrument the household holds, watches or owns. */
export const PricesUpdatedSubscription = graphql(`
  subscription PricesUpdated {
    pricesUpdated {
      instrumentId
      date
      source
      price {
        amount
        currency
      }
    }
  }
`);
