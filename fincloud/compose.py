"""``fincloud compose``: export each subgraph's SDL from Strawberry in-process and compose the supergraph with
``@theguild/federation-composition`` (``router/compose.mjs``), driven by ``supergraph.yaml``."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import tempfile
from pathlib import Path

import yaml

__all__ = ["ComposeError", "compose"]

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "supergraph.yaml"
SUPERGRAPH = ROOT / "schema" / "supergraph.graphql"
COMPOSE_SCRIPT = ROOT / "router" / "compose.mjs"


class ComposeError(Exception):
    """Composition failed or generated files are stale."""


def subgraph_sdl(name: str) -> str:
    schema = importlib.import_module(f"subgraphs.{name}.schema").schema
    return str(schema.as_str()).rstrip() + "\n"


def _compose(config: Path, output: Path) -> None:
    node = shutil.which("node")
    if node is None:
        raise ComposeError("Node.js was not found: it runs the composer (router/compose.mjs)")
    if not (ROOT / "router" / "node_modules").exists():
        raise ComposeError("router/node_modules is missing: run `npm ci` in router/")
    result = subprocess.run([node, str(COMPOSE_SCRIPT), str(config), str(output)], capture_output=True, text=True)
    if result.returncode != 0:
        raise ComposeError(f"composition failed:\n{result.stdout}{result.stderr}")


def compose(*, check: bool = False) -> list[Path]:
    """Write (or, with ``check``, compare) ``schema/<name>.graphql`` and ``schema/supergraph.graphql``.

    Returns the files that changed (with ``check``: the stale ones, and raises ``ComposeError`` if any)."""
    config = yaml.safe_load(CONFIG.read_text())
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        (staging / "schema").mkdir()
        for name, entry in config["subgraphs"].items():
            target = staging / entry["schema"]["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(subgraph_sdl(name))
        shutil.copy(CONFIG, staging / CONFIG.name)
        _compose(staging / CONFIG.name, staging / SUPERGRAPH.relative_to(ROOT))
        changed: list[Path] = []
        for generated in sorted((staging / "schema").glob("*.graphql")):
            committed = ROOT / "schema" / generated.name
            if not committed.exists() or committed.read_text() != generated.read_text():
                changed.append(committed)
                if not check:
                    committed.parent.mkdir(parents=True, exist_ok=True)
                    committed.write_text(generated.read_text())
    if check and changed:
        names = ", ".join(str(p.relative_to(ROOT)) for p in changed)
        raise ComposeError(f"generated schema is stale: {names}; run `uv run fincloud compose` and commit")
    return changed
