"""One ``Settings`` object, read once from ``FINCLOUD_*`` environment variables (and ``.env``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from fincloud.constants import DEFAULT_PORTS

DEV_SERVICE_TOKEN = "dev-service-token-change-me"
"""The placeholder router→subgraph secret; accepted only when ``FINCLOUD_ENV=dev``."""


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("fincloud", appauthor=False))


class Settings(BaseSettings):
    """FinCloud's configuration. Every field is ``FINCLOUD_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="FINCLOUD_", env_file=".env", extra="ignore")

    ENV: Literal["dev", "test", "production"] = "production"
    DATA_DIR: Path = Field(default_factory=default_data_dir)
    """Where the embedded PostgreSQL and Redis, the local object store and the dev signing key live."""

    DATABASE_URL: str | None = None
    """``postgresql://user:pass@host:port/db``; unset → the embedded PostgreSQL (``fincloud dev`` only)."""
    REDIS_URL: str | None = None
    """``redis://host:port/0``; unset → the embedded Redis (``fincloud dev`` only)."""
    S3_URL: str | None = None
    """``s3://bucket`` with ``S3_ENDPOINT_URL`` for MinIO; unset → ``file://<DATA_DIR>/objects``."""
    S3_ENDPOINT_URL: str | None = None
    S3_REGION: str = "us-east-1"
    S3_ACCESS_KEY_ID: str | None = None
    S3_SECRET_ACCESS_KEY: str | None = None

    SERVICE_TOKEN: str = DEV_SERVICE_TOKEN
    """Shared secret between the router and the subgraphs."""
    JWT_PRIVATE_KEY: str | None = None
    """RSA private key (PEM) that signs access tokens; unset in dev → generated into ``DATA_DIR``."""
    JWT_PRIVATE_KEY_FILE: Path | None = None
    JWT_TTL_SECONDS: int = 900
    JWT_RETIRED_PUBLIC_KEYS: str = ""
    """PEM public keys of retired signing keys, still published in the JWKS until their tokens expire."""
    REFRESH_TTL_DAYS: int = 30
    REFRESH_REUSE_GRACE_SECONDS: int = 10
    """A just-rotated refresh token may be presented again this long (a lost response) without revoking."""
    API_KEY_TOKEN_TTL_SECONDS: int = 300
    COOKIE_SECURE: bool = True
    LOGIN_FAILURES_PER_ACCOUNT: int = 10
    LOGIN_ATTEMPTS_PER_IP: int = 60
    LOGIN_WINDOW_SECONDS: int = 900
    JWKS_URL: str = f"http://127.0.0.1:{DEFAULT_PORTS['identity']}/.well-known/jwks.json"

    HOST: str = "127.0.0.1"
    ROUTER_PORT: int = DEFAULT_PORTS["router"]
    IDENTITY_PORT: int = DEFAULT_PORTS["identity"]
    BUDGET_PORT: int = DEFAULT_PORTS["budget"]
    PORTFOLIO_PORT: int = DEFAULT_PORTS["portfolio"]
    NOTIFICATION_PORT: int = DEFAULT_PORTS["notification"]
    WEB_PORT: int = DEFAULT_PORTS["web"]
    """The web app (web/server.mjs), which also passes /graphql and /downloads/ on to the router: the one address
    ``fincloud dev`` tells users to open."""
    CORS_ORIGINS: str = ""
    """Browser origins allowed to call the router from another origin (comma-separated); none by default, since the
    web app serves the API on its own origin."""

    DB_POOL_SIZE: int = 10
    UPLOAD_MAX_BYTES: int = Field(default=20 * 1024 * 1024, gt=0)
    """The largest file a GraphQL upload may carry (statements to import, attachments); larger ones are refused with
    a clear error. The router reads the same variable and refuses bigger requests before they reach a subgraph."""
    REPLICA_WAIT_SECONDS: float = Field(default=3.0, ge=0)
    """How long a subgraph looks again for something another subgraph announced (an account created a moment ago
    and linked at once) before answering "not found"; events arrive a few hundred milliseconds after commit.
    An id that never arrives, another household's included, takes this long to refuse."""
    REPLICA_POLL_SECONDS: float = Field(default=0.1, gt=0)
    """How often it looks during that wait."""
    FX_SOURCES: str = "ecb,frankfurter"
    """Exchange-rate sources to fetch from (``fincloud.fx_sources`` entry points), in order: the worker falls back to
    the next when one fails or is stale, and lookups prefer the earlier one when two published the same day."""
    FX_ECB_URL: str = "https://www.ecb.europa.eu/stats/eurofxref"
    """Where the ECB's ``eurofxref-daily.xml`` and ``eurofxref-hist-90d.xml`` are served."""
    FX_FRANKFURTER_URL: str = "https://api.frankfurter.app"
    """The Frankfurter API (the ECB's rates, republished): the failover source."""
    FX_LOOKBACK_DAYS: int = Field(default=7, ge=0, le=31)
    """A date without a rate (weekend, holiday) uses the newest rate at most this many days older; beyond that the
    rate is reported missing, never guessed."""
    FX_AUTO_FETCH: bool | None = None
    """Whether the worker fetches rates on its own (at start-up when missing, and after each publication).
    Unset → on, except with ``FINCLOUD_ENV=test``, so a test stack never reaches the internet."""
    FX_HTTP_TIMEOUT_SECONDS: float = Field(default=30.0, gt=0)
    PRICE_AUTO_FETCH: bool | None = None
    """Whether the worker updates prices on its own (at start-up and at the top of every hour). Unset → on, except
    with ``FINCLOUD_ENV=test``, so a test stack never reaches the internet."""
    PRICE_YAHOO_URL: str = "https://query1.finance.yahoo.com"
    """Yahoo Finance's chart API (``/v8/finance/chart/{symbol}``): the first price source for listed securities.
    The price sources' URLs are settings so that tests and benchmarks can point them at a local server. Currency
    pairs (cash instruments) are priced from the ECB documents at ``FX_ECB_URL``, the ones budget reads."""
    PRICE_STOOQ_URL: str = "https://stooq.com"
    """Stooq's CSV quotes (``/q/l/``, ``/q/d/l/``): the second price source for listed securities."""
    PRICE_ALPHAVANTAGE_URL: str = "https://www.alphavantage.co"
    """Alpha Vantage's API (``/query``): the third price source for listed securities, used only with a key."""
    PRICE_ALPHAVANTAGE_API_KEY: SecretStr = SecretStr("")
    """An Alpha Vantage API key (free at alphavantage.co, 25 requests a day); empty → the source is not used."""
    PRICE_COINGECKO_URL: str = "https://api.coingecko.com"
    """CoinGecko's public API (``/api/v3/...``): the first price source for crypto."""
    PRICE_MAX_AGE_HOURS: int = Field(default=96, gt=0)
    """A fetched price set longer ago than this is stale: the next source is asked, and a stale price is used
    only when no source has a fresher one (96 hours spans a long weekend of closed markets)."""
    PRICE_CACHE_SECONDS: int = Field(default=3600, ge=0)
    """How long a fetched latest price is reused before the sources are asked again."""
    PORTFOLIO_NEWS_FEEDS: str = "https://feeds.finance.yahoo.com/rss/2.0/headline?s={yahoo}&region=US&lang=en-US"
    """News feeds the worker reads for the listed instruments anyone holds, traded or benchmarks against: URL
    templates, comma-separated. One with ``{symbol}``, ``{isin}`` or ``{yahoo}`` (the Yahoo Finance code) is read
    once per instrument; one without is a general feed whose stories are linked to the instruments they mention
    (see ``subgraphs/portfolio/news/feeds.py``). A household's own instruments are never sent. Empty → no news."""
    PORTFOLIO_NEWS_AUTO_FETCH: bool | None = None
    """Whether the worker fetches news on its own (every hour at twenty past). Unset → on, except with
    ``FINCLOUD_ENV=test``, so a test stack never reaches the internet."""
    PORTFOLIO_NEWS_HTTP_TIMEOUT_SECONDS: float = Field(default=20.0, gt=0)
    """How long one feed may take to connect, or between two reads of its answer."""
    PUBLIC_URL: str | None = None
    """The address users open: the router, or the reverse proxy in front of it (``https://fincloud.example``).
    Download links served by FinCloud (local object store) point there. Unset → ``http://HOST:ROUTER_PORT``."""
    S3_PUBLIC_ENDPOINT_URL: str | None = None
    """The S3 endpoint as browsers reach it, for presigned download links (MinIO behind a proxy, say); unset →
    ``S3_ENDPOINT_URL``."""
    DOWNLOAD_LINK_TTL_SECONDS: int = Field(default=300, ge=10, le=86_400)
    """How long a download link (an export, an attachment) works after it was handed out."""
    DOWNLOAD_LINK_KEY: str | None = None
    """Secret (at least 32 characters) that signs download links served by FinCloud itself; never the JWT key.
    Unset → a random key kept in ``DATA_DIR/download-link-key`` (shared by every process on that data folder)."""
    ATTACHMENT_MAX_BYTES: int = Field(default=10 * 1024 * 1024, ge=1)
    """Largest document (receipt, invoice, statement) that may be attached to a transaction or an account."""
    EXPORT_INLINE_MAX_ROWS: int = Field(default=20_000, ge=0)
    """Exports of up to this many transactions are written in the request (the link comes back at once); larger
    ones by the worker, and ``export(id)`` shows them ready a few seconds later."""
    EXPORT_RETENTION_HOURS: int = Field(default=24, ge=1)
    """Exports are deleted from object storage this long after they were made (they hold the whole ledger)."""
    SMTP_HOST: str | None = None
    """The mail server notification emails (and identity's: address verification, password reset, invitations)
    leave through. Unset → no email is sent: the worker logs that it was skipped (in dev, identity logs the link)."""
    SMTP_PORT: int = Field(default=587, gt=0, le=65535)
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: SecretStr = SecretStr("")
    SMTP_TLS: bool = False
    """Implicit TLS from the first byte (usually port 465)."""
    SMTP_STARTTLS: bool | None = None
    """Upgrade the connection with STARTTLS: unset → when the server offers it; true → required; false → never."""
    SMTP_TIMEOUT_SECONDS: float = Field(default=30.0, gt=0)
    MAIL_FROM: str | None = None
    """The sender of FinCloud's emails (``FinCloud <fincloud@example.org>``); unset → ``FinCloud
    <noreply@<host of PUBLIC_URL>>``. Its domain also names the emails' ``Message-ID``."""
    TELEGRAM_BOT_TOKEN: SecretStr = SecretStr("")
    """The token @BotFather gave the bot that sends notifications; empty → Telegram deliveries wait (and fail)."""
    TELEGRAM_API_URL: str = "https://api.telegram.org"
    """The Bot API (a setting so that tests point it at a local server)."""
    WEBPUSH_VAPID_PRIVATE_KEY: SecretStr = SecretStr("")
    """The VAPID key (P-256) that signs browser push messages: PEM, or the raw key in base64url as
    ``web-push generate-vapid-keys`` prints it. Empty → a key generated into ``DATA_DIR`` (outside production; in
    production only read from there)."""
    WEBPUSH_VAPID_SUBJECT: str | None = None
    """Who push services contact about our messages: ``mailto:admin@example.org`` or an ``https:`` URL; unset →
    ``mailto:`` the address of ``MAIL_FROM``."""
    WEBPUSH_TTL_SECONDS: int = Field(default=86_400, ge=0, le=2_419_200)
    """How long a push service keeps a message for a browser that is offline."""
    WEBPUSH_ALLOW_PRIVATE: bool = False
    """Allow push endpoints on private, loopback or link-local addresses (and plain ``http``); tests only."""
    WEBHOOK_ALLOW_PRIVATE: bool = False
    """Allow webhook URLs whose host is (or resolves to) a private, loopback, link-local or otherwise non-public
    address. Off: a webhook cannot reach the machines around FinCloud (cloud metadata, the database, the router)."""
    WEBHOOK_TIMEOUT_SECONDS: float = Field(default=10.0, gt=0)
    """How long a webhook receiver may take to connect and to answer; longer is a failed attempt, retried later."""
    NOTIFY_MAX_ATTEMPTS: int = Field(default=8, ge=1, le=50)
    """How many times one delivery of a notification is tried (the first included) before it is dead: listed in the
    delivery log, and replayable by hand. Waits between tries grow 2 s, 4 s, 8 s ... up to 10 minutes, with jitter."""
    NOTIFY_HTTP_TIMEOUT_SECONDS: float = Field(default=15.0, gt=0)
    """How long the worker waits for a channel's service (Telegram, a push service) on one delivery."""
    WORKER_CONCURRENCY: int = Field(default=50, ge=1, le=1000)
    """How many jobs one worker runs at once. Most wait on the network (a webhook receiver, a mail server, a price
    source) or the database, so a worker keeps many in flight; its database pool is sized from it."""
    LOG_LEVEL: str = "INFO"
    LOG_FORMAT: Literal["json", "console"] | None = None
    """Unset → console in dev, JSON elsewhere."""

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.ENV == "dev":
            return self
        if self.SERVICE_TOKEN == DEV_SERVICE_TOKEN or len(self.SERVICE_TOKEN) < 24:
            raise ValueError(
                "FINCLOUD_SERVICE_TOKEN must be set to a secret of at least 24 characters outside FINCLOUD_ENV=dev"
            )
        if self.ENV == "production" and not (self.JWT_PRIVATE_KEY or self.JWT_PRIVATE_KEY_FILE):
            raise ValueError("FINCLOUD_JWT_PRIVATE_KEY or FINCLOUD_JWT_PRIVATE_KEY_FILE must be set in production")
        return self

    @model_validator(mode="after")
    def _one_smtp_tls_mode(self) -> Settings:
        if self.SMTP_TLS and self.SMTP_STARTTLS:
            raise ValueError("FINCLOUD_SMTP_TLS and FINCLOUD_SMTP_STARTTLS exclude each other: TLS is already on")
        return self

    @field_validator("DOWNLOAD_LINK_KEY")
    @classmethod
    def _download_link_key_is_long(cls, value: str | None) -> str | None:
        if value is not None and len(value) < 32:
            raise ValueError("FINCLOUD_DOWNLOAD_LINK_KEY must be at least 32 characters (or unset)")
        return value

    @property
    def fx_auto_fetch(self) -> bool:
        return self.FX_AUTO_FETCH if self.FX_AUTO_FETCH is not None else self.ENV != "test"

    @property
    def price_auto_fetch(self) -> bool:
        return self.PRICE_AUTO_FETCH if self.PRICE_AUTO_FETCH is not None else self.ENV != "test"

    @property
    def news_auto_fetch(self) -> bool:
        if self.PORTFOLIO_NEWS_AUTO_FETCH is not None:
            return self.PORTFOLIO_NEWS_AUTO_FETCH
        return self.ENV != "test"

    def port_of(self, name: str) -> int:
        """The port of ``router`` or a subgraph."""
        return int(getattr(self, f"{name.upper()}_PORT"))

    @property
    def public_url(self) -> str:
        """Where users reach FinCloud, without a trailing slash."""
        return (self.PUBLIC_URL or f"http://{self.HOST}:{self.ROUTER_PORT}").rstrip("/")

    @property
    def jwt_key_path(self) -> Path:
        return self.JWT_PRIVATE_KEY_FILE or self.DATA_DIR / "jwt-signing-key.pem"


@lru_cache
def get_settings() -> Settings:
    return Settings()
