from __future__ import annotations

from dataclasses import dataclass

from fincloud.service import BaseContext


@dataclass
class Context(BaseContext):
    pass
