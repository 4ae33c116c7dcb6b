"""Monthly budgets in the household's base currency: an amount per category per month, three ways to budget
(category limits, envelope / zero-based, rollover per category), budget vs actual computed in SQL, and threshold
alerts (80 %, 100 % ...) emitted once per category, month and level.

- ``models``: ``budget_amounts``, ``budget_preferences``, ``budget_threshold_crossings``, ``budget_event_receipts``.
- ``months``: the ``YYYY-MM`` month of the API and month arithmetic.
- ``figures``: budget vs actual for a range of months (one SQL statement, rates from ``fx.service``).
- ``service``: setting and copying amounts, the household's budget settings.
- ``thresholds``: which levels a category crossed, recorded once; the consumer of transaction events.
- ``types`` / ``queries``: the GraphQL side.
"""
