"""The indexes search and reports read through, declared on budget's tables so autogenerate and readers see them.

Created by migration ``budg0006_search``."""

from __future__ import annotations

from sqlalchemy import Index

from subgraphs.budget.models import Transaction

__all__ = ["INDEXES"]

INDEXES = (
    Index("ix_transactions_search", Transaction.search_vector, postgresql_using="gin"),
    # Sorting a household's transactions by amount, one page at a time.
    Index("ix_transactions_household_amount", Transaction.household_id, Transaction.amount, Transaction.id),
    # Reports: every column they read, so a period is one index-only range scan.
    Index(
        "ix_transactions_report",
        Transaction.household_id,
        Transaction.date,
        postgresql_include=[
            "id",
            "account_id",
            "amount",
            "currency",
            "category_id",
            "payee_id",
            "is_split",
            "transfer_id",
        ],
    ),
)
