"""Automatic categorisation: a household's rules, what it learned from its own history, and the record of why a
transaction got its category. The entry point for other services is ``subgraphs.budget.services.categorise``."""
