"""Background work (arq): the outbox relay, event consumers, and scheduled jobs."""
