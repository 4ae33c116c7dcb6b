"""Login throttling in Redis, against credential stuffing: failures per account and attempts per IP, in a
fixed window. Shared by every identity replica."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import redis.asyncio as aioredis

__all__ = ["LoginLimiter", "RateLimitedError"]

_PREFIX = "fincloud:limits:"


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
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(ip_key)
                pipe.expire(ip_key, self.window_seconds, nx=True)
                attempts, _ = await pipe.execute()
            if int(attempts) > self.attempts_per_ip:
                raise RateLimitedError(await self._retry_after(ip_key))

    async def failed(self, *, email: str) -> None:
        key = self._account_key(email)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, self.window_seconds, nx=True)
            await pipe.execute()

    async def succeeded(self, *, email: str) -> None:
        await self.redis.delete(self._account_key(email))

    async def _retry_after(self, key: str) -> int:
        ttl = await self.redis.ttl(key)
        return max(1, int(ttl)) if ttl and ttl > 0 else self.window_seconds
