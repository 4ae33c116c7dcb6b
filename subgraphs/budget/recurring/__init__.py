"""Recurring transactions: schedules by RRULE (RFC 5545, evaluated by python-dateutil) that post a transaction
or remind on each occurrence, with amounts that change on given dates, and "skip next".

- ``models``: ``recurring_schedules``, ``recurring_amount_changes``, ``recurring_occurrences``.
- ``rules``: presets, validation of a rule, the dates it gives.
- ``service``: create, update, delete, skip, upcoming occurrences, and ``materialize_due`` (the daily job's work).
- ``types`` / ``queries``: the GraphQL side.
"""
