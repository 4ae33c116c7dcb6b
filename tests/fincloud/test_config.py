from __future__ import annotations

import pytest
from pydantic import ValidationError

from fincloud.config import DEV_SERVICE_TOKEN, Settings


def test_placeholder_service_token_is_refused_outside_dev(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FINCLOUD_SERVICE_TOKEN", raising=False)
    with pytest.raises(ValidationError, match="FINCLOUD_SERVICE_TOKEN must be set"):
        Settings(ENV="production", JWT_PRIVATE_KEY="x")
    with pytest.raises(ValidationError, match="FINCLOUD_SERVICE_TOKEN must be set"):
        Settings(ENV="test", SERVICE_TOKEN="short")
    assert Settings(ENV="dev").SERVICE_TOKEN == DEV_SERVICE_TOKEN


def test_production_needs_a_signing_key() -> None:
    with pytest.raises(ValidationError, match="FINCLOUD_JWT_PRIVATE_KEY"):
        Settings(ENV="production", SERVICE_TOKEN="s" * 32)


def test_settings_come_from_fincloud_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINCLOUD_ENV", "dev")
    monkeypatch.setenv("FINCLOUD_ROUTER_PORT", "4100")
    monkeypatch.setenv("FINCLOUD_DATABASE_URL", "postgresql://u@db:5432/fincloud")
    settings = Settings()
    assert settings.port_of("router") == 4100
    assert settings.DATABASE_URL == "postgresql://u@db:5432/fincloud"
