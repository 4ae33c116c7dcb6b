from __future__ import annotations

import pytest

from fincloud.auth import Role
from fincloud.service import Runtime
from tests.factories import make_account, make_viewer
from tests.subgraphs.budget.imports.support import Importer


@pytest.fixture
async def importer(runtime: Runtime) -> Importer:
    """An owner of a household with a USD checking account."""
    viewer = make_viewer(Role.OWNER)
    async with runtime.sessionmaker() as session:
        account = await make_account(session, household_id=viewer.household_ids[0], currency="USD")
    return Importer(runtime=runtime, viewer=viewer, account_id=account.id)
