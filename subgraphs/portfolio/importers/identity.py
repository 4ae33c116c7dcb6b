"""Stable fingerprints of imported activities, so that importing a file again adds nothing.

The same scheme as the budget's ``identity.import_keys`` for bank rows (its hashing helpers are reused):

- an activity with the source's own id (OFX ``FITID``, a CSV id column) is ``r1:<hash of namespace, source, id>``;
  the id is only unique within its account and its source, so both are part of the hash;
- any other is ``h1:<hash of namespace, date, kind, instrument, quantity, price, amount, currency, split>:<n>``,
  where ``n`` counts identical activities in the file: two genuine identical purchases on one day stay two, and
  the same file imported twice gives the same fingerprints;
- an id seen again in the same file (a broker's bug, a partly filled order, or the fee split off a reinvestment)
  gets ``:<n>`` from its second appearance.

Budget's ``import_keys`` itself cannot be used: its content key is a bank row's signed amount and payee text,
and its text normalisation drops runs of digits, which would lose quantities and prices.
"""

from __future__ import annotations

from collections.abc import Sequence

from subgraphs.budget.importers.identity import amount_text, statement_digest
from subgraphs.portfolio.activities import Activity

__all__ = ["KEY_VERSION", "fingerprints"]

KEY_VERSION = "1"
"""Part of every fingerprint: a change to what goes into one must bump it."""


def fingerprints(activities: Sequence[Activity], *, namespace: str, source: str) -> tuple[str, ...]:
    """One fingerprint per activity, in order. ``namespace`` keeps accounts apart (the statement's
    ``ParsedAccount.key``, or ``""``); ``source`` is the format (and CSV preset) the ids come from."""
    seen: dict[str, int] = {}
    keys = []
    for activity in activities:
        if activity.external_id:
            base = f"r{KEY_VERSION}:" + statement_digest(namespace, source, "ref", activity.external_id)
            count = seen[base] = seen.get(base, 0) + 1
            keys.append(base if count == 1 else f"{base}:{count}")
        else:
            base = f"h{KEY_VERSION}:" + statement_digest(
                namespace,
                activity.date.isoformat(),
                activity.kind.value,
                activity.instrument or "",
                amount_text(activity.quantity),
                amount_text(activity.price),
                amount_text(activity.amount),
                activity.currency,
                amount_text(activity.split_from),
                amount_text(activity.split_to),
            )
            count = seen[base] = seen.get(base, 0) + 1
            keys.append(f"{base}:{count}")
    return tuple(keys)
