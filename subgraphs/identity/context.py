from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from fincloud.auth import SigningKey
from fincloud.service import BaseContext
from subgraphs.identity.loaders import Loaders


@dataclass
class Context(BaseContext):
    @cached_property
    def loaders(self) -> Loaders:
        return Loaders(self.runtime.sessionmaker)

    @property
    def signing_key(self) -> SigningKey:
        key: SigningKey = self.runtime.extras["signing_key"]
        return key
