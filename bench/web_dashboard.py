"""The PWA's first load: how much it sends and how soon the signed-in dashboard is interactive.

    uv run python bench/web_dashboard.py [--loads 15] [--accounts 20] [--no-build]

Builds the web app (`next build`, timed; `--no-build` keeps the existing build), starts the stack on a scratch
database with the web server in front (web/server.mjs, production build), registers a user with ``--accounts``
accounts, then loads the signed-in dashboard (/) in Debian's headless Chromium (/usr/bin/chromium) on this machine:

- **bundle**: every script and stylesheet the first load of / fetches (recorded from the browser's responses,
  cold cache, no service worker), raw and gzip-compressed (level 6, what servers commonly send);
- **time to interactive**: from navigation start to the page having hydrated (the ``fincloud:hydrated``
  Performance mark, set by the app's first effect after React's hydration commit), with the accounts on screen;
  also the server's first byte, first contentful paint and DOMContentLoaded. Median (and min/max) of ``--loads``
  loads, **cold** (a new browser context each time: empty HTTP cache, no service worker) and **warm** (reloads in
  one context: HTTP cache and the service worker's precache filled).

Needs PostgreSQL and Redis (``FINCLOUD_BENCH_DATABASE_URL`` / ``FINCLOUD_BENCH_REDIS_URL``; Redis database 6 unless
told otherwise), the router's and the web app's node modules, and Playwright's Python package (a dev dependency).
Results go to ``bench/out/web-dashboard.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gzip
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.budget_reports import start_with_retries  # noqa: E402
from bench.run import SERVICE_TOKEN, machine, ports  # noqa: E402
from fincloud.config import Settings  # noqa: E402
from fincloud.devserver import Stack, build_web, start_web  # noqa: E402
from fincloud.embedded import free_port  # noqa: E402
from tests.conftest import create_database, drop_database  # noqa: E402
from tests.federation.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

OUT = ROOT / "bench" / "out"
PASSWORD = "correct horse battery"
HYDRATED_MARK = "fincloud:hydrated"
REGISTER = """mutation R($input: RegisterInput!) { register(input: $input) { token errors { message } } }"""
ACCOUNT_CREATE = """mutation A($input: AccountCreateInput!) { accountCreate(input: $input) { account { id } } }"""
LOGIN = """mutation L($input: LoginInput!) { login(input: $input) { user { id } errors { message } } }"""
ACCOUNT_TYPES = ("CHECKING", "SAVINGS", "CASH", "CREDIT_CARD", "INVESTMENT")

# Navigation timing and the hydration mark, in milliseconds from navigation start.
TIMINGS = """(mark) => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const hydrated = performance.getEntriesByName(mark)[0];
  return {
    ttfb: nav.responseStart,
    fcp: paint ? paint.startTime : null,
    dcl: nav.domContentLoadedEventEnd,
    hydrated: hydrated ? hydrated.startTime : null,
  };
}"""


def make_user(router: str, accounts: int) -> str:
    email = f"web-bench-{time.time_ns()}@example.com"
    with httpx.Client(timeout=60) as client:
        body = client.post(
            router,
            json={"query": REGISTER, "variables": {"input": {"email": email, "password": PASSWORD, "name": "Bench"}}},
        ).json()
        token = body["data"]["register"]["token"]
        for i in range(accounts):
            client.post(
                router,
                json={
                    "query": ACCOUNT_CREATE,
                    "variables": {
                        "input": {
                            "name": f"Account {i + 1:02d}",
                            "type": ACCOUNT_TYPES[i % len(ACCOUNT_TYPES)],
                            "currency": "EUR",
                            "openingBalance": f"{(i + 1) * 123.45:.2f}",
                        }
                    },
                },
                headers={"authorization": f"Bearer {token}"},
            ).raise_for_status()
    return email


async def signed_in_context(browser: Browser, web: str, email: str, *, service_workers: str) -> BrowserContext:
    """A new context (empty cache) holding the session cookies, as after signing in."""
    context = await browser.new_context(service_workers=service_workers)  # type: ignore[arg-type]
    answer = await context.request.post(
        f"{web}/graphql",
        data={"query": LOGIN, "variables": {"input": {"email": email, "password": PASSWORD, "useCookies": True}}},
        headers={"x-fincloud-csrf": "1"},
    )
    errors = (await answer.json())["data"]["login"]["errors"]
    if errors:
        raise RuntimeError(f"signing in failed: {errors}")
    return context


async def load(page: Page, web: str, *, reload: bool) -> dict[str, float]:
    if reload:
        await page.reload(wait_until="load")
    else:
        await page.goto(f"{web}/", wait_until="load")
    await page.get_by_role("row").filter(has_text="Account 01").first.wait_for()
    await page.wait_for_function("(mark) => performance.getEntriesByName(mark).length > 0", arg=HYDRATED_MARK)
    return dict(await page.evaluate(TIMINGS, HYDRATED_MARK))


async def measure(web: str, email: str, loads: int) -> dict[str, Any]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            # The bundle: what the first load fetches, with an empty cache and no service worker.
            context = await signed_in_context(browser, web, email, service_workers="block")
            page = await context.new_page()
            assets: dict[str, bytes] = {}
            pending: list[asyncio.Task[None]] = []

            async def keep(url: str, response: Any) -> None:
                assets[url] = await response.body()

            def on_response(response: Any) -> None:
                if response.request.resource_type in ("script", "stylesheet") and response.ok:
                    pending.append(asyncio.ensure_future(keep(response.url, response)))

            page.on("response", on_response)
            await load(page, web, reload=False)
            await asyncio.gather(*pending)
            await context.close()
            bundle = {
                kind: {
                    "files": sum(1 for url in assets if url.split("?")[0].endswith(ext)),
                    "raw_bytes": sum(len(b) for url, b in assets.items() if url.split("?")[0].endswith(ext)),
                    "gzip_bytes": sum(
                        len(gzip.compress(b, 6)) for url, b in assets.items() if url.split("?")[0].endswith(ext)
                    ),
                }
                for kind, ext in (("js", ".js"), ("css", ".css"))
            }

            cold = []
            for _ in range(loads):
                context = await signed_in_context(browser, web, email, service_workers="block")
                cold.append(await load(await context.new_page(), web, reload=False))
                await context.close()

            context = await signed_in_context(browser, web, email, service_workers="allow")
            page = await context.new_page()
            await load(page, web, reload=False)
            await page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
            await load(page, web, reload=True)  # now controlled by the service worker
            warm = [await load(page, web, reload=True) for _ in range(loads)]
            await context.close()
        finally:
            await browser.close()
    return {"bundle": bundle, "cold": summarise(cold), "warm": summarise(warm), "loads": loads}


def summarise(runs: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    out = {}
    for key in ("ttfb", "fcp", "dcl", "hydrated"):
        values = [r[key] for r in runs if r[key] is not None]
        out[key] = {"p50": statistics.median(values), "min": min(values), "max": max(values)}
    return out


def report(results: dict[str, Any]) -> str:
    b = results["bundle"]
    lines = [
        f"Machine: {results['machine']}; date {results['date']}; Chromium headless, {results['loads']} loads each.",
        "",
        *([f"`next build`: {results['build_seconds']:.1f} s", ""] if results["build_seconds"] is not None else []),
        "| first load of / | files | raw KiB | gzip KiB |",
        "| --- | ---: | ---: | ---: |",
    ]
    for kind in ("js", "css"):
        lines.append(
            f"| {kind.upper()} | {b[kind]['files']} | {b[kind]['raw_bytes'] / 1024:.1f} | {b[kind]['gzip_bytes'] / 1024:.1f} |"
        )
    total_raw = b["js"]["raw_bytes"] + b["css"]["raw_bytes"]
    total_gzip = b["js"]["gzip_bytes"] + b["css"]["gzip_bytes"]
    lines += [f"| total | | {total_raw / 1024:.1f} | {total_gzip / 1024:.1f} |", ""]
    lines += [
        "| signed-in dashboard, ms from navigation start | TTFB p50 | FCP p50 | DOMContentLoaded p50 "
        "| interactive (hydrated) p50 | min | max |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in ("cold", "warm"):
        t = results[name]
        lines.append(
            f"| {name} | {t['ttfb']['p50']:.0f} | {t['fcp']['p50']:.0f} | {t['dcl']['p50']:.0f} "
            f"| {t['hydrated']['p50']:.0f} | {t['hydrated']['min']:.0f} | {t['hydrated']['max']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loads", type=int, default=15)
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--no-build", action="store_true", help="use the existing production build")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "machine": machine(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        "build_seconds": None if args.no_build else build_web(timeout=600),
    }
    server_url = os.environ.get("FINCLOUD_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("FINCLOUD_BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
    database_url = asyncio.run(create_database(server_url, "fincloud_bench_web"))
    port_map = ports()
    web_port = free_port()
    settings = Settings(
        ENV="test",
        DATA_DIR=Path(tempfile.mkdtemp()),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SERVICE_TOKEN=SERVICE_TOKEN,
        CORS_ORIGINS=f"http://127.0.0.1:{web_port}",
        WEB_PORT=web_port,
        **{f"{k.upper()}_PORT": v for k, v in port_map.items()},  # type: ignore[arg-type]
    )
    stack = Stack()
    try:
        stack = start_with_retries(settings)
        web = start_web(settings, stack, dev=False, timeout=60)
        email = make_user(f"http://127.0.0.1:{port_map['router']}/graphql", args.accounts)
        results.update(asyncio.run(measure(web, email, args.loads)))
    finally:
        stack.stop()
        asyncio.run(drop_database(server_url, database_url))
    (OUT / "web-dashboard.json").write_text(json.dumps(results, indent=2))
    text = report(results)
    (OUT / "web-dashboard.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
