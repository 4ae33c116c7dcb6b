"""Files of the budget: exports of a filtered transaction list (CSV, OFX) and documents attached to transactions
and accounts, kept in object storage and handed out through short-lived signed download links."""
