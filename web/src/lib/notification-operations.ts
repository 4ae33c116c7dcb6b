/** Operations of the inbox, the channels, the delivery log and where notifications go (the Alerts screens). */
import { graphql } from "@/gql";

/** Notifications per page of the inbox. */
export const INBOX_PAGE_SIZE = 30;

/** The unread count the bell shows: one item asked for, the count covers every page. */
export const InboxUnreadCountQuery = graphql(`
  query InboxUnreadCount($householdId: ID) {
    inbox(householdId: $householdId, unreadOnly: true, first: 1) {
      unreadCount
    }
  }
`);

export const InboxQuery = graphql(`
  query Inbox($householdId: ID, $unreadOnly: Boolean!, $first: Int, $after: String) {
    inbox(householdId: $householdId, unreadOnly: $unreadOnly, first: $first, after: $after) {
      unreadCount
      nodes {
        id
        householdId
        eventType
        kind
        title
        body
        url
        createdAt
        readAt
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/** Each of the viewer's new notifications as it is recorded. */
export const NotificationReceivedSubscription = graphql(`
  subscription NotificationReceived($householdId: ID) {
    notificationReceived(householdId: $householdId) {
      id
      householdId
      eventType
      title
      createdAt
      readAt
    }
  }
`);

export const InboxMarkReadMutation = graphql(`
  mutation InboxMarkRead($input: InboxMarkReadInput!) {
    inboxMarkRead(input: $input) {
      notifications {
        id
        readAt
      }
      unreadCount
      errors {
        message
      }
    }
  }
`);

export const InboxMarkUnreadMutation = graphql(`
  mutation InboxMarkUnread($input: InboxMarkUnreadInput!) {
    inboxMarkUnread(input: $input) {
      notifications {
        id
        readAt
      }
      unreadCount
      errors {
        message
      }
    }
  }
`);

export const ChannelsQuery = graphql(`
  query Channels($householdId: ID) {
    channels(householdId: $householdId, first: 100) {
      nodes {
        id
        householdId
        kind
        label
        name
        target
        verified
        active
        createdAt
      }
    }
  }
`);

export const ChannelCreateMutation = graphql(`
  mutation ChannelCreate($input: ChannelCreateInput!) {
    channelCreate(input: $input) {
      channel {
        id
        householdId
        kind
        label
        name
        target
        verified
        active
        createdAt
      }
      secret
      linkUrl
      verificationSent
      errors {
        message
      }
    }
  }
`);

export const ChannelVerifyMutation = graphql(`
  mutation ChannelVerify($input: ChannelVerifyInput!) {
    channelVerify(input: $input) {
      channel {
        id
        verified
      }
      errors {
        message
      }
    }
  }
`);

export const ChannelUpdateMutation = graphql(`
  mutation ChannelUpdate($input: ChannelUpdateInput!) {
    channelUpdate(input: $input) {
      channel {
        id
        name
        active
      }
      errors {
        message
      }
    }
  }
`);

export const ChannelDeleteMutation = graphql(`
  mutation ChannelDelete($input: ChannelDeleteInput!) {
    channelDelete(input: $input) {
      deletedId
      errors {
        message
      }
    }
  }
`);

export const DeliveriesQuery = graphql(`
  query Deliveries($channelId: ID, $first: Int) {
    deliveries(channelId: $channelId, first: $first) {
      nodes {
        id
        status
        attempts
        lastError
        latencyMs
        createdAt
        nextAttemptAt
        deliveredAt
        notification {
          id
          title
        }
      }
    }
  }
`);

export const DeliveryReplayMutation = graphql(`
  mutation DeliveryReplay($input: DeliveryReplayInput!) {
    deliveryReplay(input: $input) {
      delivery {
        id
        status
        attempts
        lastError
        nextAttemptAt
      }
      errors {
        message
      }
    }
  }
`);

export const NotificationPreferencesQuery = graphql(`
  query NotificationPreferences($householdId: ID!) {
    notificationPreferences(householdId: $householdId) {
      householdId
      eventType
      isDefault
      inbox
      channelIds
    }
  }
`);

export const NotificationPreferencesSetMutation = graphql(`
  mutation NotificationPreferencesSet($input: NotificationPreferencesSetInput!) {
    notificationPreferencesSet(input: $input) {
      preference {
        householdId
        eventType
        isDefault
        inbox
        channelIds
      }
      errors {
        message
      }
    }
  }
`);

export const NotificationSettingsQuery = graphql(`
  query NotificationSettings {
    notificationSettings {
      timeZone
      locale
      quietStart
      quietEnd
      hourlyCap
      webPushKey
    }
  }
`);

export const NotificationSettingsUpdateMutation = graphql(`
  mutation NotificationSettingsUpdate($input: NotificationSettingsUpdateInput!) {
    notificationSettingsUpdate(input: $input) {
      settings {
        timeZone
        locale
        quietStart
        quietEnd
        hourlyCap
        webPushKey
      }
      errors {
        message
      }
    }
  }
`);
