"""Who is asking: signed access tokens (RS256, published as a JWKS) and the ``Viewer`` they name.

Identity signs tokens with its RSA key; the router checks them against identity's JWKS and forwards them; each
subgraph verifies them again (zero trust) before building the ``Viewer`` its resolvers filter by.
"""

from __future__ import annotations

import abc
import asyncio
import base64
import hashlib
import json
import logging
import re
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from fincloud.constants import JWT_AUDIENCE, JWT_ISSUER

__all__ = [
    "ANONYMOUS",
    "AuthError",
    "JwksVerifier",
    "Role",
    "SigningKey",
    "StaticVerifier",
    "TokenVerifier",
    "Viewer",
    "load_or_create_signing_key",
    "retired_public_jwks",
]

logger = logging.getLogger(__name__)

ALGORITHM = "RS256"


class Role(StrEnum):
    """A member's role in a household, strongest first."""

    OWNER = "owner"
    """Everything: data, members, roles, deleting the household."""
    EDITOR = "editor"
    """Reads and writes the household's data."""
    VIEWER = "viewer"
    """Reads only."""


WRITER_ROLES = frozenset({Role.OWNER, Role.EDITOR})


class AuthError(Exception):
    """A token that cannot be trusted: bad signature, expired, wrong issuer, unknown key."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """The authenticated caller: a user and the households they belong to, with their role in each."""

    user_id: uuid.UUID | None
    households: Mapping[uuid.UUID, Role] = field(default_factory=dict)
    expires_at: datetime | None = None
    """When the token this viewer came from expires; long-lived subscriptions end then."""
    api_key_id: uuid.UUID | None = None
    """Set when the token was exchanged for an API key: a script acting for the user, not the user signed in."""

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def household_ids(self) -> list[uuid.UUID]:
        return list(self.households)

    def role_in(self, household_id: uuid.UUID) -> Role | None:
        return self.households.get(household_id)

    def can_read(self, household_id: uuid.UUID) -> bool:
        return household_id in self.households

    def can_write(self, household_id: uuid.UUID) -> bool:
        """Owners and editors may change data; viewers only look."""
        return self.households.get(household_id) in WRITER_ROLES

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Viewer:
        households: dict[uuid.UUID, Role] = {}
        for entry in claims.get("households") or []:
            households[uuid.UUID(str(entry["id"]))] = Role(entry["role"])
        exp = claims.get("exp")
        expires_at = datetime.fromtimestamp(int(exp), UTC) if exp is not None else None
        api_key = claims.get("api_key")
        return cls(
            user_id=uuid.UUID(str(claims["sub"])),
            households=households,
            expires_at=expires_at,
            api_key_id=uuid.UUID(str(api_key)) if api_key is not None else None,
        )


ANONYMOUS = Viewer(user_id=None)


class SigningKey:
    """The RSA key identity signs access tokens with, and its public half as a JWK."""

    def __init__(self, private_key: rsa.RSAPrivateKey) -> None:
        self._private = private_key
        public_jwk = json.loads(RSAAlgorithm.to_jwk(private_key.public_key()))
        self.kid = _thumbprint(public_jwk)
        self.public_jwk = {**public_jwk, "kid": self.kid, "use": "sig", "alg": ALGORITHM}

    @classmethod
    def from_pem(cls, pem: bytes) -> SigningKey:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("the JWT signing key must be an RSA private key (RS256)")
        return cls(key)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def pem(self) -> bytes:
        return self._private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def jwks(self, retired: Iterable[dict[str, Any]] = ()) -> dict[str, list[dict[str, Any]]]:
        """The current key, then retired ones still accepted until the tokens they signed expire."""
        return {"keys": [self.public_jwk, *retired]}

    def issue(
        self,
        *,
        user_id: uuid.UUID,
        households: Iterable[tuple[uuid.UUID, Role]],
        ttl: timedelta,
        extra: Mapping[str, Any] | None = None,
    ) -> str:
        """A signed access token naming the user and their households."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": JWT_ISSUER,
            "aud": JWT_AUDIENCE,
            "sub": str(user_id),
            "iat": now,
            "exp": now + int(ttl.total_seconds()),
            "jti": uuid.uuid4().hex,
            "households": [{"id": str(hid), "role": str(role)} for hid, role in households],
            **(extra or {}),
        }
        return jwt.encode(claims, self._private, algorithm=ALGORITHM, headers={"kid": self.kid})


def _thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 JWK thumbprint, used as the key id."""
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def retired_public_jwks(pems: str) -> list[dict[str, Any]]:
    """Public JWKs of retired signing keys, from PEM text holding one or more public (or private) keys."""
    keys: list[dict[str, Any]] = []
    for block in re.findall(r"-----BEGIN [A-Z ]+-----.+?-----END [A-Z ]+-----", pems, flags=re.S):
        data = block.encode()
        key: Any
        try:
            key = serialization.load_pem_public_key(data)
        except ValueError:
            key = serialization.load_pem_private_key(data, password=None).public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise ValueError("retired JWT keys must be RSA keys")
        jwk = json.loads(RSAAlgorithm.to_jwk(key))
        keys.append({**jwk, "kid": _thumbprint(jwk), "use": "sig", "alg": ALGORITHM})
    return keys


def load_or_create_signing_key(*, pem: str | None, path: Path, create: bool) -> SigningKey:
    """The configured key (PEM text or file); with ``create`` a missing file is generated (dev, tests)."""
    if pem:
        return SigningKey.from_pem(pem.encode())
    if path.exists():
        return SigningKey.from_pem(path.read_bytes())
    if not create:
        raise FileNotFoundError(f"JWT signing key {path} does not exist")
    key = SigningKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(key.pem())
    tmp.chmod(0o600)
    tmp.replace(path)
    return key


class TokenVerifier(abc.ABC):
    """Verifies an access token and returns the ``Viewer`` it names."""

    @abc.abstractmethod
    async def keys(self, kid: str | None) -> Mapping[str, Any]:
        """The known public keys by key id; may refresh when ``kid`` is unknown."""

    async def verify(self, token: str) -> Viewer:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise AuthError(f"malformed token: {exc}") from exc
        if header.get("alg") != ALGORITHM:
            raise AuthError("unsupported token algorithm")
        jwk = (await self.keys(header.get("kid"))).get(header.get("kid") or "")
        if jwk is None:
            raise AuthError("token signed by an unknown key")
        try:
            claims = jwt.decode(
                token,
                RSAAlgorithm.from_jwk(jwk),  # type: ignore[arg-type]
                algorithms=[ALGORITHM],
                audience=JWT_AUDIENCE,
                issuer=JWT_ISSUER,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise AuthError(str(exc)) from exc
        try:
            return Viewer.from_claims(claims)
        except (KeyError, ValueError) as exc:
            raise AuthError(f"token claims are malformed: {exc}") from exc


class StaticVerifier(TokenVerifier):
    """Verifies against keys known in-process (identity's own key)."""

    def __init__(self, jwks: Mapping[str, Any]) -> None:
        self._keys = {k["kid"]: k for k in jwks["keys"]}

    async def keys(self, kid: str | None) -> Mapping[str, Any]:
        return self._keys


class JwksVerifier(TokenVerifier):
    """Verifies against identity's published JWKS, fetched over HTTP and cached; an unknown ``kid`` refetches
    at most once every ``min_refresh`` seconds, so key rotation works without restarts."""

    def __init__(self, url: str, *, min_refresh: float = 30.0, client: httpx.AsyncClient | None = None) -> None:
        self._url = url
        self._keys: dict[str, Mapping[str, Any]] = {}
        self._fetched_at = float("-inf")
        self._min_refresh = min_refresh
        self._lock = asyncio.Lock()
        self._client = client

    async def keys(self, kid: str | None) -> Mapping[str, Any]:
        if kid in self._keys:
            return self._keys
        async with self._lock:
            if kid not in self._keys and time.monotonic() - self._fetched_at >= self._min_refresh:
                await self._refresh()
        return self._keys

    async def _refresh(self) -> None:
        try:
            if self._client is not None:
                response = await self._client.get(self._url, timeout=5)
            else:
                async with httpx.AsyncClient() as client:
                    response = await client.get(self._url, timeout=5)
            response.raise_for_status()
            self._keys = {k["kid"]: k for k in response.json()["keys"] if "kid" in k}
            self._fetched_at = time.monotonic()
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            logger.warning("jwks fetch failed", extra={"url": self._url, "error": str(exc)})
            raise AuthError("signing keys are unavailable") from exc
