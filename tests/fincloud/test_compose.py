from __future__ import annotations

import pytest

from fincloud import compose


def test_the_committed_schema_matches_the_code() -> None:
    assert compose.compose(check=True) == []


def test_a_stale_schema_is_reported_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    real = compose.subgraph_sdl

    def changed(name: str) -> str:
        sdl = real(name)
        return sdl.replace('"""Display name."""', '"""Display name, changed."""') if name == "identity" else sdl

    monkeypatch.setattr(compose, "subgraph_sdl", changed)
    with pytest.raises(compose.ComposeError, match=r"schema/identity.graphql, schema/supergraph.graphql"):
        compose.compose(check=True)


def test_a_composition_error_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    real = compose.subgraph_sdl

    def clashing(name: str) -> str:
        # Two subgraphs disagreeing on a shared field's type cannot compose.
        sdl = real(name)
        return sdl.replace("  field: String!\n", "  field: Int!\n") if name == "portfolio" else sdl

    monkeypatch.setattr(compose, "subgraph_sdl", clashing)
    with pytest.raises(compose.ComposeError, match="composition failed"):
        compose.compose(check=True)
