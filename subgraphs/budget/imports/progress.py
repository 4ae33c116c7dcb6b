"""Progress of an import's commit, published on Redis (``fincloud.constants.import_progress_channel``) by the worker
and streamed to the ``importProgress`` subscription through the budget subgraph's hub.

Messages are JSON objects; losing one is harmless (the next says more, and the subscription starts from the
batch's stored status), so they are published directly rather than through the outbox.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["FINAL_STATUSES", "Phase", "Progress", "Publish"]

FINAL_STATUSES = frozenset({"committed", "failed", "undone"})
"""After one of these no more progress comes for the commit."""


class Phase:
    QUEUED = "queued"
    CHECKING = "checking"
    """Comparing the dry run with the ledger as it is now (and classifying again if it changed)."""
    PAYEES = "payees"
    WRITING = "writing"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, kw_only=True, slots=True)
class Progress:
    import_id: uuid.UUID
    status: str
    phase: str
    processed: int = 0
    """Rows handled so far (of ``total``)."""
    total: int = 0
    created: int | None = None
    linked: int | None = None
    skipped: int | None = None
    message: str | None = None

    def to_json(self) -> str:
        data = asdict(self)
        data["import_id"] = str(self.import_id)
        return json.dumps(data)

    @classmethod
    def from_json(cls, raw: str | bytes) -> Progress:
        data: dict[str, Any] = json.loads(raw)
        data["import_id"] = uuid.UUID(data["import_id"])
        return cls(**data)

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATUSES


Publish = Callable[[Progress], Awaitable[None]]
