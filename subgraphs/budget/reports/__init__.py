"""Reports over a household's ledger, computed in PostgreSQL and converted into the household's base currency."""
