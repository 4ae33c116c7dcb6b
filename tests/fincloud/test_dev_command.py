"""``fincloud dev`` as a user runs it: embedded PostgreSQL and Redis, every process up, one URL, a clean stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from fincloud.constants import SUBGRAPHS
from fincloud.embedded import free_port

ROOT = Path(__file__).resolve().parents[2]


def dev_env(data_dir: Path, ports: dict[str, int], **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINCLOUD_")}
    env["FINCLOUD_DATA_DIR"] = str(data_dir)
    env.update({f"FINCLOUD_{name.upper()}_PORT": str(port) for name, port in ports.items()})
    env.update(extra)
    return env


def new_ports() -> dict[str, int]:
    return {name: free_port() for name in ("web", "router", *SUBGRAPHS)}


class Dev:
    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fincloud.cli", "dev"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []

    def wait_for(self, text: str, timeout: float) -> str:
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line and self.process.poll() is not None:
                break
            self.lines.append(line)
            if text in line:
                return line
        raise AssertionError(f"never saw {text!r}; output:\n{''.join(self.lines)}")

    def descendants(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def interrupt(self, timeout: float = 60) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout)
        assert self.process.stdout is not None
        self.lines += self.process.stdout.readlines()
        return code


def gql(url: str, query: str, token: str | None = None, **variables: object) -> dict:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    body = httpx.post(url, json={"query": query, "variables": variables}, headers=headers, timeout=30).json()
    assert "errors" not in body, body
    return dict(body["data"])


def processes_using(data_dir: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        try:
            if any(str(data_dir) in part for part in process.info["cmdline"] or []):
                found.append(process)
        except psutil.NoSuchProcess:
            continue
    return found


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "data"
    yield path
    for process in processes_using(path):  # never leave a server behind, even when a test fails
        process.kill()


@pytest.mark.timeout(300)
def test_dev_runs_everything_embedded_stops_cleanly_and_keeps_data(data_dir: Path) -> None:
    ports = new_ports()
    web = f"http://127.0.0.1:{ports['web']}"
    router = f"{web}/graphql"  # the API answers on the app's own address
    dev = Dev(dev_env(data_dir, ports))
    try:
        line = dev.wait_for("FinCloud is up", timeout=180)
        assert f"Open {web}" in line
        app = httpx.get(web, timeout=120)  # next dev compiles the page on its first request
        assert app.status_code == 200
        assert "FinCloud" in app.text
        output = "".join(dev.lines)
        for step in ("starting embedded PostgreSQL", "starting embedded Redis", "migrating", "identity ready"):
            assert step in output
        started = {p.pid for p in dev.descendants()}

        token = gql(
            router,
            "mutation R($input: RegisterInput!) { register(input: $input) { token } }",
            input={"email": "ada@example.com", "password": "correct horse battery", "name": "Ada"},
        )["register"]["token"]
        gql(
            router,
            'mutation { accountCreate(input: {name: "Joint", type: CHECKING, currency: "EUR"}) { account { id } } }',
            token,
        )
        crossed = gql(router, "{ accounts { edges { node { name portfolio { name } } } } }", token)
        assert crossed == {"accounts": {"edges": [{"node": {"name": "Joint", "portfolio": None}}]}}
        graphiql = httpx.get(router, headers={"accept": "text/html"}, timeout=10)
        assert graphiql.status_code == 200
        assert "<title>FinCloud</title>" in graphiql.text  # GraphiQL, served in dev only
    finally:
        code = dev.interrupt()
    assert code == 0, "".join(dev.lines)
    time.sleep(0.5)
    assert [p for p in started if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE] == []
    assert processes_using(data_dir) == []

    # Second start on the same data folder: the user is still there.
    dev = Dev(dev_env(data_dir, new_ports() | {"web": ports["web"]}))
    try:
        dev.wait_for("FinCloud is up", timeout=180)
        login = gql(
            router,
            "mutation L($input: LoginInput!) { login(input: $input) { token } }",
            input={"email": "ada@example.com", "password": "correct horse battery"},
        )["login"]
        accounts = gql(router, "{ accounts { edges { node { name } } } }", login["token"])
        assert accounts["accounts"]["edges"] == [{"node": {"name": "Joint"}}]
    finally:
        assert dev.interrupt() == 0


def run_dev_expecting_failure(env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "fincloud.cli", "dev"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    errors = [line for line in result.stdout.splitlines() if "error:" in line]
    assert len(errors) == 1, result.stdout + result.stderr
    return errors[0]


def test_a_taken_port_is_a_one_line_error(data_dir: Path) -> None:
    ports = new_ports()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", ports["budget"]))
        taken.listen()
        error = run_dev_expecting_failure(dev_env(data_dir, ports))
    assert f"port {ports['budget']} (budget) is already taken" in error


def test_an_unreachable_database_is_a_one_line_error(data_dir: Path) -> None:
    env = dev_env(data_dir, new_ports(), FINCLOUD_DATABASE_URL=f"postgresql://postgres@127.0.0.1:{free_port()}/x")
    error = run_dev_expecting_failure(env)
    assert "cannot reach the database at postgresql://postgres@127.0.0.1" in error
    assert processes_using(data_dir) == []


def test_missing_node_is_a_one_line_error(data_dir: Path, tmp_path: Path) -> None:
    env = dev_env(data_dir, new_ports(), PATH=str(tmp_path))
    assert "Node.js was not found" in run_dev_expecting_failure(env)
