"""Test data for the importer tests: the project's own sample files, the shared OFX fixtures, inline text."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"

REPO_ROOT = Path(__file__).resolve().parents[4]
SHARED_OFX = REPO_ROOT / ".." / "shared" / "fixtures" / "ofx"
"""Real-world OFX files no one on the project wrote (ofxparse's test suite), read in place, never copied."""


def data_file(name: str) -> bytes:
    return (DATA / name).read_bytes()


def shared_ofx_files() -> list[Path]:
    """Every shared OFX fixture, ``fail_nice/`` included; empty when the shared folder is absent."""
    if not SHARED_OFX.is_dir():
        return []
    return sorted(p for p in SHARED_OFX.rglob("*") if p.suffix.lower() in (".ofx", ".qfx"))


def require_shared_ofx() -> None:
    if not SHARED_OFX.is_dir():
        pytest.skip(f"shared OFX fixtures not found at {SHARED_OFX} (a clone outside the workspace)")


def text_bytes(text: str, encoding: str = "utf-8") -> bytes:
    """Inline sample text as file bytes: the common indentation removed, the first newline dropped."""
    import textwrap

    return textwrap.dedent(text).lstrip("\n").encode(encoding)
