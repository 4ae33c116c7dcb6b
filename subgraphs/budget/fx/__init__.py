"""Exchange rates for the budget subgraph: published reference rates (ECB and failover sources, fetched by the
worker), a household's manual overrides, and conversion at a transaction date's rate with its provenance.

- ``models``: the ``budget.fx_rates`` table.
- ``base`` / ``registry`` / ``source_*``: rate sources as ``fincloud.fx_sources`` entry-point plugins.
- ``calendar``: when the ECB publishes, to tell fresh data from stale.
- ``service``: storing, looking up and converting; ``refresh``: fetching with failover.
- ``types`` / ``queries``: the GraphQL side.
"""
