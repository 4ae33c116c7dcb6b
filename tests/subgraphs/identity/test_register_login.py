from __future__ import annotations

import pytest

from fincloud.service import Runtime
from subgraphs.identity.context import Context
from subgraphs.identity.schema import schema
from tests.conftest import execute

REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) {
    token
    user { id email name households { id name role } }
    errors { __typename message ... on ValidationError { field } }
  }
}
"""

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { token user { email } errors { __typename message } }
}
"""


async def register(runtime: Runtime, **overrides: str) -> dict:
    data = {"email": "ada@example.com", "password": "correct horse battery", "name": "Ada", **overrides}
    return (await execute(schema, Context(runtime=runtime), REGISTER, input=data))["register"]


async def test_register_creates_user_and_owned_household_and_signs_in(runtime: Runtime) -> None:
    payload = await register(runtime, email="  Ada@Example.com ", householdName="Lovelace")

    assert payload["errors"] == []
    assert payload["user"]["email"] == "ada@example.com"
    viewer = await runtime.verifier.verify(payload["token"])
    assert str(viewer.user_id) == payload["user"]["id"]
    [(household_id, role)] = viewer.households.items()
    assert role == "owner"

    me = await execute(schema, Context(runtime=runtime, viewer=viewer), "{ me { email households { id name role } } }")
    assert me["me"]["households"] == [{"id": str(household_id), "name": "Lovelace", "role": "OWNER".lower()}]


async def test_register_refuses_a_taken_email_whatever_its_case(runtime: Runtime) -> None:
    await register(runtime)
    again = await register(runtime, email="ADA@example.com")
    assert again["token"] is None
    assert again["errors"] == [
        {"__typename": "ValidationError", "message": "this email is already registered", "field": "email"}
    ]


@pytest.mark.parametrize(
    ("field", "overrides"),
    [("email", {"email": "not-an-email"}), ("password", {"password": "short"}), ("name", {"name": "  "})],
)
async def test_register_rejects_bad_input_and_creates_nothing(runtime: Runtime, field: str, overrides: dict) -> None:
    payload = await register(runtime, **overrides)
    assert payload["token"] is None
    assert [e["field"] for e in payload["errors"]] == [field]
    login = await execute(
        schema, Context(runtime=runtime), LOGIN, input={"email": "ada@example.com", "password": "correct horse battery"}
    )
    assert login["login"]["token"] is None


async def test_login_with_right_and_wrong_password(runtime: Runtime) -> None:
    await register(runtime)
    ok = await execute(
        schema, Context(runtime=runtime), LOGIN, input={"email": "ADA@example.com", "password": "correct horse battery"}
    )
    assert ok["login"]["errors"] == []
    assert (await runtime.verifier.verify(ok["login"]["token"])).is_authenticated

    for email, password in [("ada@example.com", "wrong password!"), ("nobody@example.com", "correct horse battery")]:
        bad = await execute(schema, Context(runtime=runtime), LOGIN, input={"email": email, "password": password})
        assert bad["login"] == {
            "token": None,
            "user": None,
            "errors": [{"__typename": "AuthenticationError", "message": "wrong email or password"}],
        }
