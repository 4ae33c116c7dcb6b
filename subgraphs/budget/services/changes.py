"""Partial updates: a field an update leaves out keeps its value (``KEEP``), which is not the same as ``None``
(clear it)."""

from __future__ import annotations

from enum import Enum
from typing import Any, TypeVar

__all__ = ["KEEP", "Keep", "value_or"]

T = TypeVar("T")


class Keep(Enum):
    """The type of ``KEEP``: "leave this field as it is"."""

    KEEP = "keep"


KEEP = Keep.KEEP


def value_or(value: T | Keep, current: Any) -> T | Any:
    """The new value, or ``current`` when the field is left out."""
    return current if isinstance(value, Keep) else value
