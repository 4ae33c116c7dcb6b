"""Notification channels: one plugin per way of reaching a person (``base.NotificationChannel``)."""
