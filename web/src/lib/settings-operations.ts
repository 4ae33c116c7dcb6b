/** Operations of the Settings screen: members, API keys, sessions, the household's base currency. */
import { graphql } from "@/gql";

export const HouseholdMembersQuery = graphql(`
  query HouseholdMembers {
    me {
      id
      households {
        id
        name
        role
        members {
          user {
            id
            name
            email
          }
          role
          joinedAt
        }
      }
    }
  }
`);

export const MemberRoleChangeMutation = graphql(`
  mutation MemberRoleChange($input: MemberRoleChangeInput!) {
    memberRoleChange(input: $input) {
      ok
      errors {
        message
      }
    }
  }
`);

export const MemberRemoveMutation = graphql(`
  mutation MemberRemove($input: MemberRemoveInput!) {
    memberRemove(input: $input) {
      ok
      errors {
        message
      }
    }
  }
`);

export const InvitationCreateMutation = graphql(`
  mutation InvitationCreate($input: InvitationCreateInput!) {
    invitationCreate(input: $input) {
      ok
      errors {
        message
      }
    }
  }
`);

export const ApiKeysQuery = graphql(`
  query ApiKeys($householdId: ID!) {
    apiKeys(householdId: $householdId, first: 100) {
      nodes {
        id
        householdId
        name
        prefix
        scope
        createdAt
        expiresAt
        lastUsedAt
        revokedAt
      }
    }
  }
`);

export const ApiKeyCreateMutation = graphql(`
  mutation ApiKeyCreate($input: ApiKeyCreateInput!) {
    apiKeyCreate(input: $input) {
      apiKey {
        id
        householdId
        name
        prefix
        scope
        createdAt
        expiresAt
        lastUsedAt
        revokedAt
      }
      secret
      errors {
        message
      }
    }
  }
`);

export const ApiKeyRevokeMutation = graphql(`
  mutation ApiKeyRevoke($input: ApiKeyRevokeInput!) {
    apiKeyRevoke(input: $input) {
      apiKey {
        id
        revokedAt
      }
      errors {
        message
      }
    }
  }
`);

/** Ends every session of the viewer, this one included. */
export const LogoutEverywhereMutation = graphql(`
  mutation LogoutEverywhere {
    logout(input: { everywhere: true }) {
      ok
      errors {
        message
      }
    }
  }
`);

export const HouseholdCurrencyQuery = graphql(`
  query HouseholdCurrency($householdId: ID!) {
    budgetSettings(householdId: $householdId) {
      householdId
      currency
    }
  }
`);

export const HouseholdCurrencyUpdateMutation = graphql(`
  mutation HouseholdCurrencyUpdate($input: BudgetSettingsUpdateInput!) {
    budgetSettingsUpdate(input: $input) {
      settings {
        householdId
        currency
      }
      errors {
        message
      }
    }
  }
`);
