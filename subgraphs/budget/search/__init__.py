"""Transaction search: full text over payee, memo, notes and tags, fuzzy payees, filters, sorts, keyset pages."""
