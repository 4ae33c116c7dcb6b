"""Fingerprints: the source's own id when there is one, else the content and an occurrence count."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from subgraphs.portfolio.activities import Activity, Kind
from subgraphs.portfolio.importers.identity import fingerprints


def buy(**changes: object) -> Activity:
    fields: dict[str, object] = {
        "kind": Kind.BUY,
        "date": date(2024, 1, 15),
        "currency": "EUR",
        "instrument": "VWRL",
        "quantity": Decimal(3),
        "price": Decimal("101.50"),
    }
    fields.update(changes)
    return Activity(**fields)  # type: ignore[arg-type]


def test_ids_are_kept_apart_by_account_and_source() -> None:
    (one,) = fingerprints([buy(external_id="X1")], namespace="broker/U1", source="ofx")
    assert one.startswith("r1:")
    assert fingerprints([buy(external_id="X1", price=Decimal(1))], namespace="broker/U1", source="ofx") == (one,)
    assert fingerprints([buy(external_id="X1")], namespace="broker/U2", source="ofx") != (one,)
    assert fingerprints([buy(external_id="X1")], namespace="broker/U1", source="csv") != (one,)


def test_content_keys_count_identical_activities() -> None:
    keys = fingerprints([buy(), buy(), buy(quantity=Decimal("3.000"))], namespace="", source="csv")
    assert keys[0].endswith(":1")
    assert keys[1].endswith(":2")
    assert keys[2].endswith(":3")
    assert len({k.rsplit(":", 1)[0] for k in keys}) == 1  # 3 and 3.000 are one quantity
    assert fingerprints([buy(kind=Kind.SELL)], namespace="", source="csv")[0] != keys[0]
    assert fingerprints([buy(instrument="IWDA")], namespace="", source="csv")[0] != keys[0]


def test_a_repeated_id_gets_an_occurrence() -> None:
    keys = fingerprints([buy(external_id="O1"), buy(external_id="O1")], namespace="", source="csv")
    assert keys[1] == keys[0] + ":2"
