from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from fincloud.service import BaseContext
from subgraphs.budget.loaders import Loaders


@dataclass
class Context(BaseContext):
    @cached_property
    def loaders(self) -> Loaders:
        return Loaders(self.runtime.sessionmaker)
