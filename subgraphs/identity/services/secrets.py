"""Opaque secrets (refresh tokens, API keys): random, prefixed so a leaked one is recognisable, stored hashed."""

from __future__ import annotations

import hashlib
import secrets

REFRESH_PREFIX = "fcr_"
API_KEY_PREFIX = "fck_"


def new_secret(prefix: str) -> str:
    """``<prefix><43 url-safe characters>``: 256 bits of randomness."""
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 hex: secrets are long and random, so a fast hash is the right one (no password stretching)."""
    return hashlib.sha256(secret.encode()).hexdigest()
