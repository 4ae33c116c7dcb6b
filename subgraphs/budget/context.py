from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from fincloud.service import BaseContext
from subgraphs.budget.fx.service import FxPolicy
from subgraphs.budget.loaders import Loaders


@dataclass
class Context(BaseContext):
    @cached_property
    def loaders(self) -> Loaders:
        return Loaders(self.runtime.sessionmaker, fx_policy=FxPolicy.from_settings(self.runtime.settings))

    def fresh_loaders(self) -> None:
        """Forget everything loaded so far: a subscription answers each event with the data as it is now."""
        self.__dict__.pop("loaders", None)
