"""Prices for the portfolio subgraph: where they come from, with failover, and a user's own uploaded history.

- ``base``: ``InstrumentRef``, ``Quote`` and the ``PriceSource`` interface; sources are ``fincloud.price_sources``
  entry-point plugins.
- ``source_yahoo``, ``source_stooq``, ``source_alphavantage``, ``source_coingecko``, ``source_ecb``: the built-in
  sources (listed securities, crypto, currency pairs).
- ``registry``: the installed sources and each asset class's default chain; ``chain``: asking a chain in order,
  batched per source, reporting every source that failed, was stale or had no price.
- ``csv_history``: reading an uploaded price-history CSV.

A pure library: no database, no clock of its own in the chain; the worker and the GraphQL side store what it finds.
"""
