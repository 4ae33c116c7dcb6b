"""Statement imports for the budget subgraph: upload, dry run, commit as a job, undo, mapping profiles.

- ``models``: ``import_batches``, ``import_rows`` (a dry run's rows, and the ledger's import identities) and
  ``import_mapping_profiles``.
- ``reading``: the file read with detected or chosen settings (the parsers are the ``importers`` plugins).
- ``matching``: rows against the account's ledger: new, duplicate, conflict, deleted.
- ``writing``: the set-based writes (``COPY``, ``INSERT ... SELECT``).
- ``service``: the flow; ``progress``: the commit's progress messages.
- ``types`` / ``queries`` / ``subscriptions``: the GraphQL side (mutations are in ``subgraphs/budget/mutations``).
"""
