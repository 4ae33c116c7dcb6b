"""How each event reads to a person: a title, a plain-text body, the same as HTML, and where in the app to look.

``render`` is the one entry point the dispatcher calls, once per notification (per recipient: locale and time zone
are theirs).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Rendered", "render"]


@dataclass(frozen=True, slots=True)
class Rendered:
    title: str
    body: str
    html: str
    url: str | None = None


def render(event_type: str, payload: Mapping[str, Any], *, locale: str, time_zone: str) -> Rendered:
    """The generic rendering: the event's name and its fields."""
    title = event_type.replace("_", " ").replace(".", ": ")
    body = "\n".join(f"{key}: {value}" for key, value in sorted(payload.items()))
    return Rendered(title=title, body=body, html=f"<p>{html.escape(body)}</p>")
