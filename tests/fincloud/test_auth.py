from __future__ import annotations

import time
import uuid
from datetime import timedelta
from pathlib import Path

import jwt
import pytest

from fincloud.auth import AuthError, JwksVerifier, Role, SigningKey, StaticVerifier, load_or_create_signing_key


async def test_a_token_round_trips_to_the_viewer_it_names() -> None:
    key = SigningKey.generate()
    user, household = uuid.uuid4(), uuid.uuid4()
    token = key.issue(user_id=user, households=[(household, Role.EDITOR)], ttl=timedelta(minutes=5))
    viewer = await StaticVerifier(key.jwks()).verify(token)
    assert viewer.user_id == user
    assert viewer.households == {household: Role.EDITOR}
    assert viewer.can_write(household)
    assert jwt.get_unverified_header(token)["kid"] == key.kid


async def test_tokens_that_must_not_be_trusted() -> None:
    key, other = SigningKey.generate(), SigningKey.generate()
    verifier = StaticVerifier(key.jwks())
    expired = key.issue(user_id=uuid.uuid4(), households=[], ttl=timedelta(seconds=-10))
    foreign = other.issue(user_id=uuid.uuid4(), households=[], ttl=timedelta(minutes=5))
    now = int(time.time())
    wrong_audience = jwt.encode(
        {"sub": str(uuid.uuid4()), "iss": "fincloud", "aud": "elsewhere", "iat": now, "exp": now + 60},
        key._private,
        algorithm="RS256",
        headers={"kid": key.kid},
    )
    unsigned = jwt.encode({"sub": "x"}, "", algorithm="none")
    for token, reason in [
        (expired, "expired"),
        (foreign, "unknown key"),
        (wrong_audience, "(?i)audience"),
        (unsigned, "algorithm"),
        ("garbage", "malformed"),
    ]:
        with pytest.raises(AuthError, match=reason):
            await verifier.verify(token)


async def test_jwks_verifier_reports_an_unreachable_key_server() -> None:
    key = SigningKey.generate()
    token = key.issue(user_id=uuid.uuid4(), households=[], ttl=timedelta(minutes=5))
    with pytest.raises(AuthError, match="signing keys are unavailable"):
        await JwksVerifier("http://127.0.0.1:9/.well-known/jwks.json").verify(token)


def test_the_dev_key_is_created_once_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    first = load_or_create_signing_key(pem=None, path=path, create=True)
    again = load_or_create_signing_key(pem=None, path=path, create=False)
    assert first.kid == again.kid
    assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(FileNotFoundError):
        load_or_create_signing_key(pem=None, path=tmp_path / "missing.pem", create=False)
