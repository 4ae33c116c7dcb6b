"""Access control, attacked through the real stack.

The attack surface is read from the generated SDL (``schema/``), not written down by hand: every root field of
Query, Mutation and Subscription, every entity type of every subgraph, and every ID argument (also inside input
objects) must have an attack in the tables below, or be listed as public with a reason. A new field without an
attack fails ``test_every_coordinate_has_an_attack`` until someone writes one.

The victim ("Alice") owns data in every subgraph; the attacker ("Mallory") is a signed-in user of another
household who knows all of Alice's ids. Each attack is also run with ids that do not exist, and the two answers
must be the same (another household's id answers exactly like a missing id). After every test Alice's rows are
checked, column by column, in every schema: nothing of hers may change.

A refusal that is known to be missing is recorded next to its attack (``known_gap``) and runs
as a strict xfail: the suite stays green until someone fixes it, then goes red until the note is removed.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import websockets
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from graphql import (
    BooleanValueNode,
    DirectiveNode,
    FieldDefinitionNode,
    FieldNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    ListTypeNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    OperationDefinitionNode,
    SchemaDefinitionNode,
    TypeNode,
    UnionTypeDefinitionNode,
    parse,
    value_from_ast_untyped,
)
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.typing import Subprotocol

from fincloud.auth import Role, SigningKey, load_or_create_signing_key
from fincloud.constants import SERVICE_TOKEN_HEADER, SUBGRAPHS
from fincloud.db import create_engine
from subgraphs.notification.services.dispatch import NOTIFIABLE_TOPICS
from tests.conftest import TEST_SERVICE_TOKEN
from tests.federation.conftest import Client, RunningStack
from tests.federation.test_imports import uploaded as upload_statement

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schema"
FEDERATION_ROOT_FIELDS = frozenset({"_entities", "_service"})
"""Answered by Strawberry for the router; ``_entities`` is attacked per entity type (``ENTITY_ATTACKS``)."""


# ---------------------------------------------------------------------------------------------------------------
# The surface, read from the generated SDL.


def _named(type_node: TypeNode) -> str:
    while isinstance(type_node, (NonNullTypeNode, ListTypeNode)):
        type_node = type_node.type
    return type_node.name.value  # type: ignore[attr-defined]


class Sdl:
    """Just enough of one SDL file: object/interface fields, input fields, unions, keys and the root types.
    Parsed, not built, so the federation directives need no definitions."""

    def __init__(self, source: str) -> None:
        self.objects: dict[str, list[FieldDefinitionNode]] = {}
        self.inputs: dict[str, list[InputValueDefinitionNode]] = {}
        self.unions: set[str] = set()
        self.directives: dict[str, list[DirectiveNode]] = {}
        self.roots = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}
        for node in parse(source).definitions:
            if isinstance(node, SchemaDefinitionNode):
                self.roots = {op.operation.value: op.type.name.value for op in node.operation_types}
            elif isinstance(node, (ObjectTypeDefinitionNode, ObjectTypeExtensionNode, InterfaceTypeDefinitionNode)):
                self.objects.setdefault(node.name.value, []).extend(node.fields or ())
                self.directives.setdefault(node.name.value, []).extend(node.directives or ())
            elif isinstance(node, (InputObjectTypeDefinitionNode, InputObjectTypeExtensionNode)):
                self.inputs.setdefault(node.name.value, []).extend(node.fields or ())
            elif isinstance(node, UnionTypeDefinitionNode):
                self.unions.add(node.name.value)

    def root_fields(self) -> dict[str, FieldDefinitionNode]:
        """``{"Query.accounts": <field>, ...}``; the canonical operation type names, whatever the SDL calls them."""
        found: dict[str, FieldDefinitionNode] = {}
        for operation, type_name in self.roots.items():
            for node in self.objects.get(type_name, []):
                if node.name.value not in FEDERATION_ROOT_FIELDS:
                    found[f"{operation.capitalize()}.{node.name.value}"] = node
        return found

    def entities(self) -> dict[str, bool]:
        """Types with ``@key``, and whether this subgraph resolves them."""
        found: dict[str, bool] = {}
        for type_name, directives in self.directives.items():
            for directive in directives:
                if directive.name.value != "key":
                    continue
                resolvable = True
                for argument in directive.arguments or ():
                    if argument.name.value == "resolvable" and isinstance(argument.value, BooleanValueNode):
                        resolvable = argument.value.value
                found[type_name] = found.get(type_name, False) or resolvable
        return found

    def id_paths(self, arguments: Iterable[InputValueDefinitionNode], prefix: str = "") -> set[str]:
        """Every ID an operation can pass through these arguments: ``householdId``, ``input.accountId``, ..."""
        paths: set[str] = set()
        for argument in arguments:
            path = f"{prefix}{argument.name.value}"
            named = _named(argument.type)
            if named == "ID":
                paths.add(path)
            elif named in self.inputs and path.count(".") < 8:
                paths |= self.id_paths(self.inputs[named], f"{path}.")
        return paths

    def nested_fields_with_ids(self) -> set[str]:
        """Non-root fields that take an ID somewhere in their arguments (``Household.account(id:)`` one day)."""
        roots = set(self.roots.values())
        return {
            f"{type_name}.{node.name.value}"
            for type_name, nodes in self.objects.items()
            if type_name not in roots and not type_name.startswith(("join__", "link__"))
            for node in nodes
            if self.id_paths(node.arguments or ())
        }

    def selection(self, type_name: str, depth: int = 3) -> str:
        """Every field of a type that can be asked for without arguments, nested ``depth`` levels."""
        parts = ["__typename"]
        for node in self.objects.get(type_name, []):
            if any(isinstance(a.type, NonNullTypeNode) and a.default_value is None for a in node.arguments or ()):
                continue
            named = _named(node.type)
            name = node.name.value
            if named in self.objects:
                if depth > 0:
                    parts.append(f"{name} {self.selection(named, depth - 1)}")
            elif named in self.unions:
                if depth > 0:
                    parts.append(f"{name} {{ __typename }}")
            else:
                parts.append(name)
        return "{ " + " ".join(parts) + " }"


def load_supergraph() -> Sdl:
    return Sdl((SCHEMA_DIR / "supergraph.graphql").read_text())


def load_subgraph(name: str) -> Sdl:
    return Sdl((SCHEMA_DIR / f"{name}.graphql").read_text())


def load_subgraphs() -> dict[str, Sdl]:
    return {name: load_subgraph(name) for name in SUBGRAPHS}


def surface(supergraph: Sdl, subgraphs: Mapping[str, Sdl]) -> tuple[dict[str, FieldDefinitionNode], set[str], set[str]]:
    """Root coordinates (of the supergraph and of every subgraph, so a field hidden from clients is still
    attacked straight at its subgraph), ``subgraph:Entity`` pairs, and nested fields that take IDs."""
    roots = supergraph.root_fields()
    entities: set[str] = set()
    nested = supergraph.nested_fields_with_ids()
    for name, sdl in subgraphs.items():
        for coordinate, node in sdl.root_fields().items():
            roots.setdefault(coordinate, node)
        entities |= {f"{name}:{type_name}" for type_name in sdl.entities()}
        nested |= sdl.nested_fields_with_ids()
    return roots, entities, nested


# ---------------------------------------------------------------------------------------------------------------
# Who attacks whom.


@dataclass
class Victim:
    """Alice: one of everything, in her own household. Every id and every distinctive string she owns."""

    user_id: str
    household_id: str
    account_id: str
    transaction_id: str
    portfolio_id: str
    api_key_id: str
    inbox_item_id: str = ""
    audit_event_id: str = ""
    category_id: str = ""
    recurring_id: str = ""
    category_group_id: str = ""
    payee_id: str = ""
    payee_alias_id: str = ""
    reconciliation_id: str = ""
    export_id: str = ""
    attachment_id: str = ""
    email: str = ""
    invitation_token: str = ""
    """An invitation Alice sent to someone else's address, as a thief of the link would hold it."""
    rule_id: str = ""
    """Alice's categorisation rule, which gives ``category_id``."""
    import_id: str = ""
    """A statement Alice uploaded (dry run done, not committed)."""
    profile_id: str = ""
    """A CSV mapping profile of Alice's account."""
    instrument_id: str = ""
    """An instrument of Alice's household's own (unlisted: seen only by her household)."""
    activity_id: str = ""
    """A purchase of that instrument in her portfolio."""
    alert_id: str = ""
    """A price alert on that instrument."""
    channel_id: str = ""
    """Alice's browser channel (WebPush), which one of her transaction notifications went to; switched off since."""
    delivery_id: str = ""
    """That notification's delivery on the channel (dead: the push endpoint is on loopback, which is refused)."""
    cursors: dict[str, str] = field(default_factory=dict)
    secrets: frozenset[str] = frozenset()

    @property
    def ids(self) -> frozenset[str]:
        values = (
            self.user_id,
            self.household_id,
            self.account_id,
            self.transaction_id,
            self.portfolio_id,
            self.api_key_id,
            self.inbox_item_id,
            self.audit_event_id,
            self.category_id,
            self.recurring_id,
            self.category_group_id,
            self.payee_id,
            self.payee_alias_id,
            self.reconciliation_id,
            self.rule_id,
            self.export_id,
            self.attachment_id,
            self.import_id,
            self.profile_id,
            self.instrument_id,
            self.activity_id,
            self.alert_id,
            self.channel_id,
            self.delivery_id,
        )
        return frozenset(v for v in values if v)

    @classmethod
    def ghost(cls) -> Victim:
        """Ids that exist nowhere: what "missing" answers look like."""
        new = lambda: str(uuid.uuid4())  # noqa: E731
        return cls(
            new(),
            new(),
            new(),
            new(),
            new(),
            new(),
            new(),
            new(),
            email=f"nobody-{new()}@example.com",
            invitation_token=f"fci_{uuid.uuid4().hex}",
            category_id=new(),
            recurring_id=new(),
            category_group_id=new(),
            payee_id=new(),
            payee_alias_id=new(),
            reconciliation_id=new(),
            rule_id=new(),
            export_id=new(),
            attachment_id=new(),
            import_id=new(),
            profile_id=new(),
            instrument_id=new(),
            activity_id=new(),
            alert_id=new(),
            channel_id=new(),
            delivery_id=new(),
        )


@dataclass
class Attacker:
    """Mallory: signed in, with a household and an account of her own."""

    client: Client
    user_id: str
    household_id: str
    account_id: str


# ---------------------------------------------------------------------------------------------------------------
# The attacks.


class Refused(Enum):
    """What "refused" means for a coordinate."""

    NULL = "the field answers null"
    EMPTY = "an empty connection"
    OWN_ONLY = "only the attacker's own data"
    NOT_FOUND = "a NotFoundError in the payload's errors, every other payload field null"
    USER_ERROR = "a typed user error in the payload's errors, every other payload field null"
    NO_EVENT = "no event of the victim's is ever delivered"
    UNAUTHENTICATED = "HTTP 401, or an UNAUTHENTICATED error and no data"


Vars = Callable[[Victim], dict[str, Any]]


def _no_vars(_: Victim) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Attack:
    document: str
    refused: Refused
    variables: Vars = _no_vars
    anonymous: Refused = Refused.UNAUTHENTICATED
    """What the same operation answers with no token at all."""
    known_gap: str | None = None
    """A refusal that is not in place yet: the attack runs as a strict xfail, so fixing it turns the test red
    until this note is removed."""

    @property
    def operation(self) -> str:
        definition = parse(self.document).definitions[0]
        assert isinstance(definition, OperationDefinitionNode)
        return definition.operation.value


CONNECTION = "edges { cursor node { id } } pageInfo { hasNextPage endCursor }"
ACCOUNT = "id householdId name balance { amount currency } transactions { edges { node { id payee memo } } }"
PORTFOLIO = "id householdId name baseCurrency account { id name }"
INSTRUMENT = "id symbol name userDefined latestPrice { price { amount } }"
MUTATION_ERRORS = "errors { __typename message }"
FX_RECORD = "id householdId base quote date rate source isOverride"
FX_ANSWER = f"__typename ... on FxRate {{ rate source isOverride householdId legs {{ {FX_RECORD} }} }} ... on FxRateMissing {{ message householdId }}"
BUDGET_MONTH = "householdId month budgeted toBeBudgeted lines { categoryId name budgeted activity available }"
RECURRING = "id householdId name payee categoryId memo amount { amount } nextDate account { id name }"
ALICE_BUDGET = "4321.09"
"""What Alice budgets for her category in 2026-11."""
EXPORT = "id householdId status filename rowCount url expiresAt"
ATTACHMENT = "id filename contentType sizeBytes sha256 url"
IMPORT = "id accountId status filename counts { total } rows { nodes { index payee amount { amount } } }"
ALICE_FX_RATE = "1.0987654321"
"""Alice's own EUR→USD rate for 2026-11-27 (a household override): no one outside her household may see it."""

RULE = "id householdId name position setCategoryId setPayee addTags conditions { field operator value accountIds }"
RULE_CREATE = (
    """mutation($input: RuleCreateInput!) { ruleCreate(input: $input) { rule { id } errors { __typename message } } }"""
)
RULE_REORDER = """mutation($input: RuleReorderInput!) {
    ruleReorder(input: $input) { rules { id name } errors { __typename message } } }"""
SETTINGS_UPDATE = """mutation($input: CategorisationSettingsUpdateInput!) {
    categorisationSettingsUpdate(input: $input) { settings { householdId } errors { __typename message } } }"""


NOTIFICATION_CHANNEL = "id householdId kind name target verified active"
NOTIFICATION_DELIVERY = "id status attempts lastError channel { id target } notification { id title body }"
NOTIFICATION_PREFERENCES_SET = f"""mutation($input: NotificationPreferencesSetInput!) {{
    notificationPreferencesSet(input: $input) {{ preference {{ eventType channelIds }} {MUTATION_ERRORS} }} }}"""


def _rule_input(_: Victim) -> dict[str, Any]:
    return {
        "name": "Planted",
        "conditions": [{"field": "PAYEE", "operator": "CONTAINS", "value": "x"}],
        "addTags": ["x"],
    }


ATTACKS: dict[str, list[Attack]] = {
    "Query.me": [
        Attack("query { me { id email name households { id name role } } }", Refused.OWN_ONLY, anonymous=Refused.NULL)
    ],
    "Query.accounts": [
        Attack(
            f"query($h: ID) {{ accounts(householdId: $h) {{ edges {{ node {{ {ACCOUNT} }} }} {CONNECTION} }} }}",
            Refused.EMPTY,
            lambda v: {"h": v.household_id},
        ),
        Attack(f"query {{ accounts {{ edges {{ node {{ {ACCOUNT} }} }} }} }}", Refused.OWN_ONLY),
        Attack(
            f"query($a: String) {{ accounts(after: $a) {{ edges {{ node {{ {ACCOUNT} }} }} }} }}",
            Refused.OWN_ONLY,
            lambda v: {"a": v.cursors.get("accounts")},
        ),
    ],
    "Query.account": [
        Attack(
            f"query($id: ID!) {{ account(id: $id) {{ {ACCOUNT} portfolio {{ id name }} }} }}",
            Refused.NULL,
            lambda v: {"id": v.account_id},
        )
    ],
    "Query.portfolios": [
        Attack(f"query {{ portfolios {{ edges {{ node {{ {PORTFOLIO} }} }} }} }}", Refused.OWN_ONLY),
        Attack(
            f"query($a: String) {{ portfolios(after: $a) {{ edges {{ node {{ {PORTFOLIO} }} }} }} }}",
            Refused.OWN_ONLY,
            lambda v: {"a": v.cursors.get("portfolios")},
        ),
    ],
    "Query.portfolio": [
        Attack(
            f"query($id: ID!) {{ portfolio(id: $id) {{ {PORTFOLIO} }} }}",
            Refused.NULL,
            lambda v: {"id": v.portfolio_id},
        ),
        Attack(
            "query($id: ID!, $i: ID!) { portfolio(id: $id) { id holdings { quantity instrument { name } }"
            " performance(instrumentId: $i) { endValue { amount } } } }",
            Refused.NULL,
            lambda v: {"id": v.portfolio_id, "i": v.instrument_id},
        ),
    ],
    "Query.instruments": [
        Attack(f"query {{ instruments {{ edges {{ node {{ {INSTRUMENT} }} }} }} }}", Refused.OWN_ONLY),
        Attack(f'query {{ instruments(search: "ALICE") {{ edges {{ node {{ {INSTRUMENT} }} }} }} }}', Refused.OWN_ONLY),
    ],
    "Query.instrument": [
        Attack(
            f"query($id: ID!) {{ instrument(id: $id) {{ {INSTRUMENT} }} }}",
            Refused.NULL,
            lambda v: {"id": v.instrument_id},
        )
    ],
    # The health of the shared price sources (names, times, errors): nothing of any household's.
    "Query.priceSources": [Attack("{ priceSources { source lastError failures } }", Refused.OWN_ONLY)],
    "Query.alerts": [
        Attack(
            "query { alerts { edges { node { id householdId threshold note instrument { id } } } } }", Refused.OWN_ONLY
        )
    ],
    "Mutation.portfolioUpdate": [
        Attack(
            f"""mutation($input: PortfolioUpdateInput!) {{
                 portfolioUpdate(input: $input) {{ portfolio {{ {PORTFOLIO} }} {MUTATION_ERRORS} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"id": v.portfolio_id, "name": "Renamed", "benchmarkId": v.instrument_id}},
        )
    ],
    "Mutation.portfolioTargetsSet": [
        Attack(
            f"""mutation($input: PortfolioTargetsSetInput!) {{
                 portfolioTargetsSet(input: $input) {{ targets {{ key weight }} {MUTATION_ERRORS} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {
                "input": {
                    "portfolioId": v.portfolio_id,
                    "dimension": "ASSET_CLASS",
                    "targets": [{"key": "equity", "weight": "1"}],
                }
            },
        )
    ],
    "Mutation.instrumentCreate": [
        Attack(
            f"""mutation($input: InstrumentCreateInput!) {{
                 instrumentCreate(input: $input) {{ instrument {{ id }} created {MUTATION_ERRORS} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {
                "input": {
                    "householdId": v.household_id,
                    "symbol": "PLANTED",
                    "name": "",
                    "currency": "EUR",
                    "assetClass": "EQUITY",
                }
            },
        )
    ],
    "Mutation.activityCreate": [
        Attack(
            f"""mutation($input: ActivityCreateInput!) {{
                 activityCreate(input: $input) {{ activity {{ id }} {MUTATION_ERRORS} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {
                "input": {
                    "portfolioId": v.portfolio_id,
                    "instrumentId": v.instrument_id,
                    "kind": "BUY",
                    "date": "2026-11-02",
                    "quantity": "1",
                    "price": "1",
                }
            },
        )
    ],
    "Mutation.activityDelete": [
        Attack(
            f"""mutation($input: ActivityDeleteInput!) {{ activityDelete(input: $input) {{ deletedId {MUTATION_ERRORS} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"portfolioId": v.portfolio_id, "id": v.activity_id}},
        )
    ],
    "Mutation.alertCreate": [
        Attack(
            f"""mutation($input: AlertCreateInput!) {{ alertCreate(input: $input) {{ alert {{ id }} {MUTATION_ERRORS} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {
                "input": {
                    "householdId": v.household_id,
                    "kind": "PRICE_ABOVE",
                    "threshold": "1",
                    "instrumentId": v.instrument_id,
                }
            },
        ),
        Attack(
            f"""mutation($input: AlertCreateInput!) {{ alertCreate(input: $input) {{ alert {{ id }} {MUTATION_ERRORS} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {
                "input": {
                    "householdId": v.household_id,
                    "kind": "DRAWDOWN",
                    "threshold": "10",
                    "portfolioId": v.portfolio_id,
                }
            },
        ),
    ],
    "Mutation.portfolioImport": [
        Attack(
            # The file itself cannot travel in JSON; the portfolio is refused before any file is read.
            f"""mutation($input: PortfolioImportInput!) {{
                 portfolioImport(input: $input) {{ newCount {MUTATION_ERRORS} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"portfolioId": v.portfolio_id, "file": "statement.ofx"}},
        )
    ],
    "Mutation.priceSet": [
        Attack(
            f"""mutation($input: PriceSetInput!) {{ priceSet(input: $input) {{ price {{ date }} {MUTATION_ERRORS} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"instrumentId": v.instrument_id, "date": "2026-11-27", "price": "1"}},
        )
    ],
    "Mutation.priceHistoryUpload": [
        Attack(
            # The file itself cannot travel in JSON; the instrument is refused before any file is read.
            f"""mutation($input: PriceHistoryUploadInput!) {{
                 priceHistoryUpload(input: $input) {{ stored {MUTATION_ERRORS} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"instrumentId": v.instrument_id, "file": "prices.csv"}},
        )
    ],
    "Subscription.pricesUpdated": [
        Attack(
            "subscription($ids: [ID!]) { pricesUpdated(instrumentIds: $ids) { instrumentId price { amount } } }",
            Refused.NO_EVENT,
            lambda v: {"ids": [v.instrument_id]},
        ),
        Attack("subscription { pricesUpdated { instrumentId price { amount } } }", Refused.NO_EVENT),
    ],
    "Mutation.alertDelete": [
        Attack(
            f"""mutation($input: AlertDeleteInput!) {{ alertDelete(input: $input) {{ deletedId {MUTATION_ERRORS} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"id": v.alert_id}},
        )
    ],
    # Notification: everything belongs to one user; another user's ids (a fellow member's too) look missing.
    "Query.inbox": [
        Attack("query { inbox { unreadCount edges { node { id householdId title body } } } }", Refused.OWN_ONLY),
        Attack(
            "query($a: String) { inbox(after: $a) { edges { node { id householdId title body } } } }",
            Refused.OWN_ONLY,
            lambda v: {"a": v.cursors.get("inbox")},
        ),
        Attack(
            f"query($h: ID) {{ inbox(householdId: $h) {{ unreadCount {CONNECTION} }} }}",
            Refused.EMPTY,
            lambda v: {"h": v.household_id},
        ),
    ],
    "Query.channels": [
        Attack(f"query {{ channels {{ nodes {{ {NOTIFICATION_CHANNEL} }} }} }}", Refused.OWN_ONLY),
        Attack(
            f"query($h: ID) {{ channels(householdId: $h) {{ {CONNECTION} }} }}",
            Refused.EMPTY,
            lambda v: {"h": v.household_id},
        ),
    ],
    "Query.deliveries": [
        Attack(f"query {{ deliveries {{ nodes {{ {NOTIFICATION_DELIVERY} }} }} }}", Refused.OWN_ONLY),
        Attack(
            f"query($c: ID) {{ deliveries(channelId: $c) {{ {CONNECTION} }} }}",
            Refused.EMPTY,
            lambda v: {"c": v.channel_id},
        ),
    ],
    "Query.notificationPreferences": [
        Attack(
            f"query($h: ID!) {{ notificationPreferences(householdId: $h) {{ eventType channels {{ {NOTIFICATION_CHANNEL} }} }} }}",
            Refused.NULL,
            lambda v: {"h": v.household_id},
        )
    ],
    "Query.notificationSettings": [
        Attack("{ notificationSettings { timeZone locale quietStart quietEnd hourlyCap } }", Refused.OWN_ONLY)
    ],
    "Mutation.channelCreate": [
        Attack(
            f"""mutation($input: ChannelCreateInput!) {{
                 channelCreate(input: $input) {{ channel {{ id }} secret linkUrl verificationSent {MUTATION_ERRORS} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"householdId": v.household_id, "kind": "EMAIL", "address": "planted@example.com"}},
        )
    ],
    "Mutation.channelVerify": [
        Attack(
            f"""mutation($input: ChannelVerifyInput!) {{ channelVerify(input: $input) {{ channel {{ id }} {MUTATION_ERRORS} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"id": v.channel_id, "code": "123456"}},
        )
    ],
    "Mutation.channelUpdate": [
        Attack(
            f"""mutation($input: ChannelUpdateInput!) {{
                 channelUpdate(input: $input) {{ channel {{ {NOTIFICATION_CHANNEL} }} {MUTATION_ERRORS} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"id": v.channel_id, "name": "Planted", "active": False}},
        )
    ],
    "Mutation.channelDelete": [
        Attack(
            f"""mutation($input: ChannelDeleteInput!) {{ channelDelete(input: $input) {{ deletedId {MUTATION_ERRORS} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"id": v.channel_id}},
        )
    ],
    "Mutation.notificationPreferencesSet": [
        Attack(
            NOTIFICATION_PREFERENCES_SET,
            Refused.NOT_FOUND,
            lambda v: {
                "input": {"householdId": v.household_id, "eventType": "PRICE_ALERT", "channelIds": [v.channel_id]}
            },
        ),
        Attack(  # the attacker's own household (her first, the default) with Alice's channel
            NOTIFICATION_PREFERENCES_SET,
            Refused.NOT_FOUND,
            lambda v: {"input": {"eventType": "PRICE_ALERT", "channelIds": [v.channel_id]}},
        ),
    ],
    "Mutation.notificationSettingsUpdate": [
        # No ids: the caller's own settings, whoever they are (SELF_ONLY).
        Attack(
            f"""mutation($input: NotificationSettingsUpdateInput!) {{
                 notificationSettingsUpdate(input: $input) {{ settings {{ hourlyCap }} {MUTATION_ERRORS} }} }}""",
            Refused.OWN_ONLY,
            lambda v: {"input": {"hourlyCap": 3}},
        )
    ],
    "Mutation.inboxMarkRead": [
        Attack(
            f"""mutation($input: InboxMarkReadInput!) {{
                 inboxMarkRead(input: $input) {{ notifications {{ id }} markedCount unreadCount {MUTATION_ERRORS} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"ids": [v.inbox_item_id]}},
        ),
        Attack(
            f"""mutation($input: InboxMarkReadInput!) {{
                 inboxMarkRead(input: $input) {{ notifications {{ id }} markedCount unreadCount {MUTATION_ERRORS} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"all": True, "householdId": v.household_id}},
        ),
    ],
    "Mutation.inboxMarkUnread": [
        Attack(
            f"""mutation($input: InboxMarkUnreadInput!) {{
                 inboxMarkUnread(input: $input) {{ notifications {{ id }} unreadCount {MUTATION_ERRORS} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"ids": [v.inbox_item_id]}},
        )
    ],
    "Mutation.deliveryReplay": [
        Attack(
            f"""mutation($input: DeliveryReplayInput!) {{
                 deliveryReplay(input: $input) {{ delivery {{ {NOTIFICATION_DELIVERY} }} {MUTATION_ERRORS} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"id": v.delivery_id}},
        )
    ],
    "Subscription.notificationReceived": [
        Attack(
            "subscription($h: ID) { notificationReceived(householdId: $h) { id householdId title body } }",
            Refused.NO_EVENT,
            lambda v: {"h": v.household_id},
        ),
        Attack("subscription { notificationReceived { id householdId title body } }", Refused.NO_EVENT),
    ],
    "Query.apiKeys": [
        Attack(
            f"query($h: ID!) {{ apiKeys(householdId: $h) {{ edges {{ node {{ id name prefix }} }} {CONNECTION} }} }}",
            Refused.EMPTY,
            lambda v: {"h": v.household_id},
        )
    ],
    "Query.auditLog": [
        Attack(
            f"query($h: ID!) {{ auditLog(householdId: $h) {{ edges {{ node {{ id kind }} }} {CONNECTION} }} }}",
            Refused.EMPTY,
            lambda v: {"h": v.household_id},
        )
    ],
    "Query.fxRate": [
        Attack(
            f'query($h: ID) {{ fxRate(base: "EUR", quote: "USD", date: "2026-11-27", householdId: $h) {{ {FX_ANSWER} }} }}',
            Refused.NULL,
            lambda v: {"h": v.household_id},
        ),
        Attack(
            f'query {{ fxRate(base: "EUR", quote: "USD", date: "2026-11-27") {{ {FX_ANSWER} }} }}', Refused.OWN_ONLY
        ),
    ],
    "Query.fxRates": [
        Attack(
            f"""query($h: ID) {{ fxRates(base: "EUR", quote: "USD", from: "2026-11-01", to: "2026-11-30", householdId: $h)
                 {{ edges {{ node {{ {FX_RECORD} }} }} {CONNECTION} }} }}""",
            Refused.EMPTY,
            lambda v: {"h": v.household_id},
        ),
        Attack(
            f"""query {{ fxRates(base: "EUR", quote: "USD", from: "2026-11-01", to: "2026-11-30")
                 {{ edges {{ node {{ {FX_RECORD} }} }} }} }}""",
            Refused.OWN_ONLY,
        ),
    ],
    "Query.currencies": [Attack("query { currencies { code name numericCode minorUnits } }", Refused.OWN_ONLY)],
    "Query.transactions": [
        Attack(
            f"""query($h: ID!, $filter: TransactionFilter) {{ transactions(householdId: $h, filter: $filter)
                 {{ edges {{ relevance node {{ id payee memo amount {{ amount }} account {{ id name }} }} }} {CONNECTION} }} }}""",
            Refused.EMPTY,
            # Her ids everywhere an id goes (she has no category yet: her transaction's id stands in for one).
            lambda v: {
                "h": v.household_id,
                "filter": {"text": "a", "accountIds": [v.account_id], "categoryIds": [v.transaction_id]},
            },
        ),
        Attack(
            f"""query($h: ID!) {{ transactions(householdId: $h, sort: RELEVANCE)
                 {{ edges {{ node {{ id payee memo }} }} {CONNECTION} }} }}""",
            Refused.EMPTY,
            lambda v: {"h": v.household_id},
        ),
    ],
    **{
        f"Query.{name}": [
            Attack(
                f"""query($h: ID!) {{ {name}(householdId: $h, from: "2026-01-01", to: "2026-12-31") {{
                     householdId currency {selection}
                     ratesUsed {{ edges {{ node {{ rate source householdId }} }} }} }} }}""",
                Refused.NULL,
                lambda v: {"h": v.household_id},
            )
        ]
        for name, selection in {
            "cashFlow": "months { month net { amount { amount } unconverted { amount currency } } }",
            "spendingByCategory": "lines { id name amount { amount { amount } } } total { amount { amount } }",
            "spendingByPayee": "lines { id name amount { amount { amount } } } total { amount { amount } }",
            "incomeVsExpense": "income { amount { amount } } expense { amount { amount } } groups { name }",
            "netWorth": "points { date netWorth { amount { amount } } }",
        }.items()
    },
    "Mutation.accountCreate": [
        Attack(
            """mutation($input: AccountCreateInput!) {
                 accountCreate(input: $input) { account { id } errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {
                "input": {
                    "householdId": v.household_id,
                    "name": "Planted",
                    "type": "CHECKING",
                    "currency": "EUR",
                    "openingBalance": "1.00",
                }
            },
        )
    ],
    "Mutation.transactionCreate": [
        Attack(
            """mutation($input: TransactionCreateInput!) {
                 transactionCreate(input: $input) { transaction { id account { name } } errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"accountId": v.account_id, "date": "2026-11-28", "amount": "-1.00", "payee": "x"}},
        )
    ],
    "Mutation.portfolioCreate": [
        Attack(
            """mutation($input: PortfolioCreateInput!) {
                 portfolioCreate(input: $input) { portfolio { id } errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"householdId": v.household_id, "name": "Planted", "baseCurrency": "EUR"}},
        ),
        Attack(
            """mutation($input: PortfolioCreateInput!) {
                 portfolioCreate(input: $input) { portfolio { id } errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"accountId": v.account_id, "name": "Squatter", "baseCurrency": "EUR"}},
        ),
    ],
    "Mutation.apiKeyCreate": [
        Attack(
            """mutation($input: ApiKeyCreateInput!) {
                 apiKeyCreate(input: $input) { apiKey { id } secret errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"householdId": v.household_id, "name": "Planted", "scope": "WRITE"}},
        )
    ],
    "Mutation.apiKeyRevoke": [
        Attack(
            """mutation($input: ApiKeyRevokeInput!) {
                 apiKeyRevoke(input: $input) { apiKey { id revokedAt } errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"id": v.api_key_id}},
        )
    ],
    "Mutation.invitationCreate": [
        Attack(
            """mutation($input: InvitationCreateInput!) { invitationCreate(input: $input) { ok errors { __typename } } }""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"householdId": v.household_id, "email": "mole@example.com", "role": "OWNER"}},
        )
    ],
    "Mutation.invitationAccept": [
        Attack(
            """mutation($t: String!) { invitationAccept(token: $t) { household { id name } errors { __typename } } }""",
            Refused.NOT_FOUND,
            lambda v: {"t": v.invitation_token},
        )
    ],
    "Mutation.memberRoleChange": [
        Attack(
            """mutation($input: MemberRoleChangeInput!) { memberRoleChange(input: $input) { ok errors { __typename } } }""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"householdId": v.household_id, "userId": v.user_id, "role": "VIEWER"}},
        )
    ],
    "Mutation.memberRemove": [
        Attack(
            """mutation($input: MemberRemoveInput!) { memberRemove(input: $input) { ok errors { __typename } } }""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"householdId": v.household_id, "userId": v.user_id}},
        )
    ],
    "Mutation.emailVerifyRequest": [
        Attack("mutation { emailVerifyRequest { ok errors { __typename } } }", Refused.OWN_ONLY),
    ],
    "Mutation.passwordChange": [
        Attack(
            """mutation($input: PasswordChangeInput!) { passwordChange(input: $input) { ok errors { __typename } } }""",
            Refused.USER_ERROR,
            lambda v: {"input": {"currentPassword": "not my password at all", "newPassword": "a brand new password"}},
        )
    ],
    "Mutation.accountDelete": [
        Attack(
            """mutation($input: AccountDeleteInput!) { accountDelete(input: $input) { ok errors { __typename } } }""",
            Refused.USER_ERROR,
            lambda v: {"input": {"password": "not my password at all", "confirmation": "DELETE MY ACCOUNT"}},
        )
    ],
    "Mutation.fxRateOverrideSet": [
        Attack(
            f"""mutation($input: FxRateOverrideSetInput!) {{
                 fxRateOverrideSet(input: $input) {{ override {{ {FX_RECORD} }} errors {{ __typename message }} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {
                "input": {
                    "householdId": v.household_id,
                    "base": "EUR",
                    "quote": "USD",
                    "date": "2026-11-27",
                    "rate": "2",
                }
            },
        )
    ],
    "Mutation.fxRateOverrideDelete": [
        Attack(
            f"""mutation($input: FxRateOverrideDeleteInput!) {{
                 fxRateOverrideDelete(input: $input) {{ override {{ {FX_RECORD} }} errors {{ __typename message }} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"householdId": v.household_id, "base": "EUR", "quote": "USD", "date": "2026-11-27"}},
        )
    ],
    "Query.budgetMonth": [
        Attack(
            f'query($h: ID!) {{ budgetMonth(householdId: $h, month: "2026-11") {{ {BUDGET_MONTH} }} }}',
            Refused.NULL,
            lambda v: {"h": v.household_id},
        )
    ],
    "Query.budgetMonths": [
        Attack(
            f'query($h: ID!) {{ budgetMonths(householdId: $h, from: "2026-10", to: "2026-12") {{ {BUDGET_MONTH} }} }}',
            Refused.NULL,
            lambda v: {"h": v.household_id},
        )
    ],
    "Query.budgetSettings": [
        Attack(
            "query($h: ID!) { budgetSettings(householdId: $h) { householdId model currency thresholdLevels } }",
            Refused.NULL,
            lambda v: {"h": v.household_id},
        )
    ],
    "Query.recurringTransactions": [
        Attack(
            f"""query($h: ID!) {{ recurringTransactions(householdId: $h) {{
                 edges {{ node {{ {RECURRING} }} }} {CONNECTION} }} }}""",
            Refused.EMPTY,
            lambda v: {"h": v.household_id},
        )
    ],
    "Query.recurringUpcoming": [
        Attack(
            f"""query($h: ID!) {{ recurringUpcoming(householdId: $h, days: 62) {{
                 edges {{ cursor node {{ date amount {{ amount }} recurring {{ {RECURRING} }} }} }}
                 pageInfo {{ hasNextPage endCursor }} }} }}""",
            Refused.EMPTY,
            lambda v: {"h": v.household_id},
        )
    ],
    "Mutation.budgetSet": [
        Attack(
            """mutation($input: BudgetSetInput!) {
                 budgetSet(input: $input) { budgetMonth { householdId lines { name } } errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"categoryId": v.category_id, "month": "2026-11", "amount": "1.00"}},
        )
    ],
    "Mutation.budgetCopyMonth": [
        Attack(
            """mutation($input: BudgetCopyMonthInput!) {
                 budgetCopyMonth(input: $input) { copied budgetMonth { lines { name } } errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"householdId": v.household_id, "month": "2026-12", "overwrite": True}},
        )
    ],
    "Mutation.budgetSettingsUpdate": [
        Attack(
            """mutation($input: BudgetSettingsUpdateInput!) {
                 budgetSettingsUpdate(input: $input) { settings { model } errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"householdId": v.household_id, "model": "ENVELOPE", "thresholdLevels": [1]}},
        )
    ],
    "Mutation.recurringCreate": [
        Attack(
            f"""mutation($input: RecurringCreateInput!) {{
                 recurringCreate(input: $input) {{ recurring {{ {RECURRING} }} errors {{ __typename message }} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {
                "input": {
                    "accountId": v.account_id,
                    "categoryId": v.category_id,
                    "amount": "-1.00",
                    "startDate": "2026-11-28",
                    "preset": "MONTHLY_FIRST",
                }
            },
        )
    ],
    "Mutation.recurringUpdate": [
        Attack(
            f"""mutation($input: RecurringUpdateInput!) {{
                 recurringUpdate(input: $input) {{ recurring {{ {RECURRING} }} errors {{ __typename message }} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {
                "input": {"id": v.recurring_id, "accountId": v.account_id, "categoryId": v.category_id, "memo": "x"}
            },
        )
    ],
    "Mutation.recurringDelete": [
        Attack(
            """mutation($input: RecurringDeleteInput!) {
                 recurringDelete(input: $input) { deletedId errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"id": v.recurring_id}},
        )
    ],
    "Mutation.recurringSkipNext": [
        Attack(
            f"""mutation($input: RecurringSkipNextInput!) {{
                 recurringSkipNext(input: $input) {{ skippedDate recurring {{ {RECURRING} }} errors {{ __typename message }} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"id": v.recurring_id}},
        )
    ],
    "Mutation.recurringUnskip": [
        Attack(
            f"""mutation($input: RecurringUnskipInput!) {{
                 recurringUnskip(input: $input) {{ date recurring {{ {RECURRING} }} errors {{ __typename message }} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"id": v.recurring_id}},
        )
    ],
    "Subscription.budgetChanged": [
        Attack(
            """subscription($h: ID!) { budgetChanged(householdId: $h) {
                 eventId householdId months categoryIds reason budgetMonths { lines { name budgeted } } } }""",
            Refused.NO_EVENT,
            lambda v: {"h": v.household_id},
        )
    ],
    "Query.rules": [
        Attack(
            f"query($h: ID) {{ rules(householdId: $h) {{ edges {{ node {{ {RULE} }} }} {CONNECTION} }} }}",
            Refused.EMPTY,
            lambda v: {"h": v.household_id},
        ),
        Attack(f"query {{ rules {{ edges {{ node {{ {RULE} }} }} }} }}", Refused.OWN_ONLY),
    ],
    "Query.categorisationSettings": [
        Attack(
            "query($h: ID) { categorisationSettings(householdId: $h) { householdId autoApplyThreshold } }",
            Refused.NULL,
            lambda v: {"h": v.household_id},
        ),
    ],
    "Mutation.ruleCreate": [
        Attack(RULE_CREATE, Refused.NOT_FOUND, lambda v: {"input": {**_rule_input(v), "householdId": v.household_id}}),
        # In the attacker's own household, naming Alice's category, then Alice's account.
        Attack(RULE_CREATE, Refused.NOT_FOUND, lambda v: {"input": {**_rule_input(v), "setCategoryId": v.category_id}}),
        Attack(
            RULE_CREATE,
            Refused.NOT_FOUND,
            lambda v: {
                "input": {
                    **_rule_input(v),
                    "conditions": [{"field": "ACCOUNT", "operator": "IS_ONE_OF", "accountIds": [v.account_id]}],
                }
            },
        ),
    ],
    "Mutation.ruleUpdate": [
        Attack(
            """mutation($input: RuleUpdateInput!) { ruleUpdate(input: $input) {
                    rule { id name } errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {
                "input": {
                    "id": v.rule_id,
                    "name": "Hijacked",
                    "setCategoryId": v.category_id,
                    "conditions": [{"field": "ACCOUNT", "operator": "IS_ONE_OF", "accountIds": [v.account_id]}],
                }
            },
        ),
    ],
    "Mutation.ruleDelete": [
        Attack(
            """mutation($input: RuleDeleteInput!) { ruleDelete(input: $input) { deletedId errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"id": v.rule_id}},
        ),
    ],
    "Mutation.ruleReorder": [
        Attack(
            RULE_REORDER,
            Refused.NOT_FOUND,
            lambda v: {"input": {"householdId": v.household_id, "ruleIds": [v.rule_id]}},
        ),
        Attack(RULE_REORDER, Refused.USER_ERROR, lambda v: {"input": {"ruleIds": [v.rule_id]}}),
    ],
    "Mutation.rulesApply": [
        Attack(
            """mutation($input: RulesApplyInput!) { rulesApply(input: $input) {
                    result { examined changed changes { transactionId transaction { id payee } } }
                    errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {
                "input": {"householdId": v.household_id, "from": "2000-01-01", "to": "2100-01-01", "dryRun": False}
            },
        ),
    ],
    "Mutation.categorySuggestionAccept": [
        Attack(
            """mutation($input: CategorySuggestionAcceptInput!) { categorySuggestionAccept(input: $input) {
                    transaction { id payee } suggestion { categoryId reason } errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"transactionId": v.transaction_id, "categoryId": v.category_id}},
        ),
    ],
    "Mutation.categorisationSettingsUpdate": [
        Attack(
            SETTINGS_UPDATE,
            Refused.NOT_FOUND,
            lambda v: {"input": {"householdId": v.household_id, "learningEnabled": False}},
        ),
    ],
    "Query.export": [
        Attack(
            "query($id: ID!) { export(id: $id) { id householdId status filename rowCount url expiresAt } }",
            Refused.NULL,
            lambda v: {"id": v.export_id},
        )
    ],
    "Mutation.transactionsExport": [
        Attack(
            f"""mutation($input: TransactionsExportInput!) {{
                 transactionsExport(input: $input) {{ export {{ {EXPORT} }} errors {{ __typename message }} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"format": "CSV", "householdId": v.household_id}},
        ),
        Attack(
            f"""mutation($input: TransactionsExportInput!) {{
                 transactionsExport(input: $input) {{ export {{ {EXPORT} }} errors {{ __typename message }} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"format": "OFX", "accountIds": [v.account_id]}},
        ),
        Attack(
            f"""mutation($input: TransactionsExportInput!) {{
                 transactionsExport(input: $input) {{ export {{ {EXPORT} }} errors {{ __typename message }} }} }}""",
            Refused.NOT_FOUND,
            # Alice has no category; any id of hers must answer like a missing category.
            lambda v: {"input": {"format": "CSV", "categoryIds": [v.transaction_id]}},
        ),
    ],
    # A JSON request cannot carry a file; the owner check comes first, so a string in its place is enough to probe.
    "Mutation.attachmentCreate": [
        Attack(
            f"""mutation($input: AttachmentCreateInput!) {{
                 attachmentCreate(input: $input) {{ attachment {{ {ATTACHMENT} }} errors {{ __typename message }} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"file": "JVBERi0xLjQK", "transactionId": v.transaction_id}},
        ),
        Attack(
            f"""mutation($input: AttachmentCreateInput!) {{
                 attachmentCreate(input: $input) {{ attachment {{ {ATTACHMENT} }} errors {{ __typename message }} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"file": "JVBERi0xLjQK", "accountId": v.account_id}},
        ),
    ],
    "Mutation.attachmentDelete": [
        Attack(
            """mutation($input: AttachmentDeleteInput!) {
                 attachmentDelete(input: $input) { deletedId errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"id": v.attachment_id}},
        ),
    ],
    "Query.imports": [
        Attack(
            f"query($a: ID!) {{ imports(accountId: $a) {{ edges {{ node {{ {IMPORT} }} }} {CONNECTION} }} }}",
            Refused.EMPTY,
            lambda v: {"a": v.account_id},
        )
    ],
    "Query.import": [
        Attack(f"query($id: ID!) {{ import(id: $id) {{ {IMPORT} }} }}", Refused.NULL, lambda v: {"id": v.import_id})
    ],
    "Query.importMappingProfiles": [
        Attack(
            f"""query($a: ID!) {{ importMappingProfiles(accountId: $a) {{
                 edges {{ node {{ id name mapping {{ date {{ header }} }} }} }} {CONNECTION} }} }}""",
            Refused.EMPTY,
            lambda v: {"a": v.account_id},
        )
    ],
    "Query.importFormats": [Attack("query { importFormats { name label } }", Refused.OWN_ONLY)],
    "Mutation.importUpload": [
        Attack(
            # The file itself cannot travel in JSON; the account is refused before any file is read.
            """mutation($input: ImportUploadInput!) {
                 importUpload(input: $input) { import { id } errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {
                "input": {"accountId": v.account_id, "file": "statement.csv", "settings": {"profileId": v.profile_id}}
            },
        )
    ],
    "Mutation.importDryRun": [
        Attack(
            f"""mutation($input: ImportDryRunInput!) {{
                 importDryRun(input: $input) {{ import {{ {IMPORT} }} errors {{ __typename message }} }} }}""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"importId": v.import_id, "settings": {"profileId": v.profile_id}}},
        )
    ],
    "Mutation.importCommit": [
        Attack(
            """mutation($input: ImportCommitInput!) {
                 importCommit(input: $input) { import { id status } errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"importId": v.import_id, "conflicts": "CREATE"}},
        )
    ],
    "Mutation.importUndo": [
        Attack(
            """mutation($input: ImportUndoInput!) {
                 importUndo(input: $input) { import { id status } errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"importId": v.import_id}},
        )
    ],
    "Mutation.importMappingProfileSave": [
        Attack(
            """mutation($input: ImportMappingProfileSaveInput!) {
                 importMappingProfileSave(input: $input) { profile { id } errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"accountId": v.account_id, "name": "Planted", "importId": v.import_id}},
        )
    ],
    "Mutation.importMappingProfileDelete": [
        Attack(
            """mutation($input: ImportMappingProfileDeleteInput!) {
                 importMappingProfileDelete(input: $input) { deletedId errors { __typename message } } }""",
            Refused.NOT_FOUND,
            lambda v: {"input": {"id": v.profile_id}},
        )
    ],
    "Subscription.importProgress": [
        Attack(
            "subscription($id: ID!) { importProgress(importId: $id) { importId status processed total } }",
            Refused.NO_EVENT,
            lambda v: {"id": v.import_id},
        )
    ],
    "Subscription.transactionCreated": [
        Attack(
            """subscription($h: ID) { transactionCreated(householdId: $h) {
                 eventId householdId accountId payee amount { amount } transaction { id } } }""",
            Refused.NO_EVENT,
            lambda v: {"h": v.household_id},
        ),
        Attack(
            """subscription { transactionCreated {
                 eventId householdId accountId payee amount { amount } transaction { id } } }""",
            Refused.NO_EVENT,
        ),
    ],
}

NOBODY = "00000000-0000-4000-8000-000000000000"
"""An id that names nothing, for the second id of an attack whose first is Alice's."""
TRANSACTION = "id amount { amount } payee memo notes tags status category { id name } normalizedPayee { id name }"


def _mutation(name: str, payload: str) -> str:
    input_type = f"{name[0].upper()}{name[1:]}Input"
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {payload} {MUTATION_ERRORS} }} }}"


def _ledger_attack(name: str, payload: str, input_: Callable[[Victim], dict[str, Any]]) -> Attack:
    return Attack(_mutation(name, payload), Refused.NOT_FOUND, lambda v: {"input": input_(v)})


LEDGER_ATTACKS: dict[str, list[Attack]] = {
    "Query.categoryGroups": [
        Attack(
            f"""query($h: ID) {{ categoryGroups(householdId: $h, includeArchived: true) {{
                 edges {{ node {{ id name categories(includeArchived: true) {{ id name }} }} }} {CONNECTION} }} }}""",
            Refused.EMPTY,
            lambda v: {"h": v.household_id},
        ),
        Attack("query { categoryGroups { edges { node { id name categories { id } } } } }", Refused.OWN_ONLY),
    ],
    "Query.payees": [
        Attack(
            f"""query($h: ID) {{ payees(householdId: $h) {{
                 edges {{ node {{ id name aliases {{ id alias }} defaultCategory {{ id }} }} }} {CONNECTION} }} }}""",
            Refused.EMPTY,
            lambda v: {"h": v.household_id},
        ),
        Attack('query { payees(prefix: "Alice") { edges { node { id name } } } }', Refused.OWN_ONLY),
    ],
    "Query.reconciliationPreview": [
        Attack(
            f"""query($a: ID!) {{ reconciliationPreview(accountId: $a, statementDate: "2026-11-30",
                 statementBalance: "1.00") {{ accountId clearedBalance {{ amount }} difference {{ amount }}
                 toReconcileCount transactions {{ edges {{ node {{ {TRANSACTION} }} }} }} }} }}""",
            Refused.NULL,
            lambda v: {"a": v.account_id},
        )
    ],
    "Mutation.accountUpdate": [
        _ledger_attack("accountUpdate", "account { id name }", lambda v: {"id": v.account_id, "name": "Planted"})
    ],
    "Mutation.accountArchive": [
        _ledger_attack("accountArchive", "account { id archived }", lambda v: {"id": v.account_id})
    ],
    "Mutation.accountUnarchive": [
        _ledger_attack("accountUnarchive", "account { id archived }", lambda v: {"id": v.account_id})
    ],
    "Mutation.accountRemove": [
        _ledger_attack(
            "accountRemove", "removedAccountId transactionsDeleted counterpartsKept", lambda v: {"id": v.account_id}
        )
    ],
    "Mutation.transactionUpdate": [
        _ledger_attack(
            "transactionUpdate", f"transaction {{ {TRANSACTION} }}", lambda v: {"id": v.transaction_id, "memo": "x"}
        ),
        _ledger_attack(
            "transactionUpdate",
            f"transaction {{ {TRANSACTION} }} counterpart {{ id }}",
            lambda v: {"id": v.transaction_id, "accountId": v.account_id, "categoryId": v.category_id},
        ),
        _ledger_attack(
            "transactionUpdate",
            f"transaction {{ {TRANSACTION} }}",
            lambda v: {
                "id": v.transaction_id,
                "splits": [{"amount": "-200.00", "categoryId": v.category_id}, {"amount": "-71.89"}],
            },
        ),
    ],
    "Mutation.transactionDelete": [
        _ledger_attack("transactionDelete", "deletedIds", lambda v: {"id": v.transaction_id, "unlockReconciled": True})
    ],
    "Mutation.transferCreate": [
        _ledger_attack(
            "transferCreate",
            "fromTransaction { id } toTransaction { id }",
            lambda v: {"fromAccountId": v.account_id, "toAccountId": NOBODY, "date": "2026-11-28", "amount": "1"},
        ),
        _ledger_attack(
            "transferCreate",
            "fromTransaction { id } toTransaction { id }",
            lambda v: {"fromAccountId": NOBODY, "toAccountId": v.account_id, "date": "2026-11-28", "amount": "1"},
        ),
    ],
    "Mutation.reconciliationFinish": [
        _ledger_attack(
            "reconciliationFinish",
            "reconciliation { id } reconciledCount adjustment { id }",
            lambda v: {
                "accountId": v.account_id,
                "statementDate": "2026-11-30",
                "statementBalance": "0.00",
                "createAdjustment": True,
            },
        )
    ],
    "Mutation.payeeUpdate": [
        _ledger_attack("payeeUpdate", "payee { id name }", lambda v: {"id": v.payee_id, "name": "Planted"}),
        _ledger_attack(
            "payeeUpdate", "payee { id name }", lambda v: {"id": NOBODY, "defaultCategoryId": v.category_id}
        ),
    ],
    "Mutation.payeeMerge": [
        _ledger_attack(
            "payeeMerge",
            "payee { id name } transactionsMoved",
            lambda v: {"sourceIds": [v.payee_id], "targetId": NOBODY},
        ),
        _ledger_attack(
            "payeeMerge",
            "payee { id name } transactionsMoved",
            lambda v: {"sourceIds": [NOBODY], "targetId": v.payee_id},
        ),
    ],
    "Mutation.payeeAliasAdd": [
        _ledger_attack(
            "payeeAliasAdd", "alias { id } payee { id name }", lambda v: {"payeeId": v.payee_id, "alias": "Planted"}
        )
    ],
    "Mutation.payeeAliasRemove": [
        _ledger_attack("payeeAliasRemove", "payee { id name }", lambda v: {"id": v.payee_alias_id})
    ],
    "Mutation.categoryGroupCreate": [
        _ledger_attack(
            "categoryGroupCreate",
            "group { id }",
            lambda v: {"householdId": v.household_id, "name": "Planted", "kind": "EXPENSE"},
        )
    ],
    "Mutation.categoryGroupUpdate": [
        _ledger_attack(
            "categoryGroupUpdate", "group { id name }", lambda v: {"id": v.category_group_id, "name": "Planted"}
        )
    ],
    "Mutation.categoryCreate": [
        _ledger_attack(
            "categoryCreate", "category { id }", lambda v: {"groupId": v.category_group_id, "name": "Planted"}
        )
    ],
    "Mutation.categoryUpdate": [
        _ledger_attack("categoryUpdate", "category { id name }", lambda v: {"id": v.category_id, "hidden": True}),
        _ledger_attack(
            "categoryUpdate", "category { id name }", lambda v: {"id": NOBODY, "groupId": v.category_group_id}
        ),
    ],
    "Mutation.categoryMerge": [
        _ledger_attack(
            "categoryMerge", "category { id } merged { id }", lambda v: {"sourceId": v.category_id, "targetId": NOBODY}
        ),
        _ledger_attack(
            "categoryMerge", "category { id } merged { id }", lambda v: {"sourceId": NOBODY, "targetId": v.category_id}
        ),
    ],
    "Subscription.accountBalanceChanged": [
        Attack(
            """subscription($h: ID) { accountBalanceChanged(householdId: $h) {
                 id householdId name balance { amount } transactions { edges { node { id payee } } } } }""",
            Refused.NO_EVENT,
            lambda v: {"h": v.household_id},
        ),
        Attack("subscription { accountBalanceChanged { id householdId name balance { amount } } }", Refused.NO_EVENT),
    ],
}
"""The ledger's operations: each one with Alice's ids in every ID argument it takes."""
ATTACKS.update(LEDGER_ATTACKS)
ATTACKS["Mutation.budgetSettingsUpdate"].append(
    _ledger_attack(
        "budgetSettingsUpdate",
        "settings { householdId currency }",
        lambda v: {"householdId": v.household_id, "baseCurrency": "USD"},
    )
)
ATTACKS["Mutation.transactionCreate"].extend(
    [
        Attack(
            ATTACKS["Mutation.transactionCreate"][0].document,
            Refused.NOT_FOUND,
            lambda v: {
                "input": {
                    "accountId": v.account_id,
                    "date": "2026-11-28",
                    "amount": "-1.00",
                    "categoryId": v.category_id,
                }
            },
        ),
        Attack(
            ATTACKS["Mutation.transactionCreate"][0].document,
            Refused.NOT_FOUND,
            lambda v: {
                "input": {
                    "accountId": v.account_id,
                    "date": "2026-11-28",
                    "amount": "-2.00",
                    "splits": [{"amount": "-1.00", "categoryId": v.category_id}, {"amount": "-1.00"}],
                }
            },
        ),
    ]
)

PUBLIC: dict[str, str] = {
    "Mutation.register": "creates a new user with a new household; reaches no existing data",
    "Mutation.login": "needs the user's password; throttled per account and per address in identity",
    "Mutation.tokenRefresh": "needs the session's secret refresh token (or its httpOnly cookie)",
    "Mutation.logout": "ends the session of the refresh token presented, or the caller's own sessions",
    "Mutation.emailVerify": "needs the single-use token mailed to the address",
    "Mutation.passwordResetRequest": "mails the address's owner; answers alike for unknown addresses (tested below)",
    "Mutation.passwordResetConfirm": "needs the single-use token mailed to the address",
}
"""Coordinates anyone may call; the secret they need (password, refresh token) is their access control."""


@dataclass(frozen=True)
class EntityAttack:
    id_of: Callable[[Victim], str]
    stub: frozenset[str] = frozenset()
    """Fields an answer may carry: only the key the caller sent (a stub the router completes elsewhere)."""
    owner_sees: bool = True
    """Whether the owner's own token resolves it (the control that shows the attack could succeed)."""


ENTITY_ATTACKS: dict[str, EntityAttack] = {
    # A user resolves for themself only.
    "identity:User": EntityAttack(lambda v: v.user_id),
    "identity:Household": EntityAttack(lambda v: v.household_id),
    "budget:Account": EntityAttack(lambda v: v.account_id),
    "budget:Transaction": EntityAttack(lambda v: v.transaction_id),
    "portfolio:Account": EntityAttack(lambda v: v.account_id, stub=frozenset({"__typename", "id"})),
    "portfolio:Portfolio": EntityAttack(lambda v: v.portfolio_id),
    "portfolio:Instrument": EntityAttack(lambda v: v.instrument_id),
    "notification:Transaction": EntityAttack(lambda v: v.transaction_id, stub=frozenset({"__typename", "id"})),
}

NESTED_ID_FIELDS: dict[str, str] = {
    "Portfolio.performance": "Query.portfolio",
}
"""Non-root fields that take IDs, with the ATTACKS coordinate whose documents reach them."""


@dataclass(frozen=True)
class ViewerRead:
    document: str
    variables: Vars = _no_vars
    sees: Callable[[Victim], str] | None = None
    """An id or string of Alice's that a viewer of her household must see; None: refused by design."""


VIEWER_READS: dict[str, ViewerRead] = {
    "Query.me": ViewerRead("{ me { id households { id role } } }", sees=lambda v: v.household_id),
    "Query.accounts": ViewerRead(
        "{ accounts { edges { node { id balance { amount } } } } }", sees=lambda v: v.account_id
    ),
    "Query.account": ViewerRead(
        "query($id: ID!) { account(id: $id) { id transactions { edges { node { id } } } } }",
        lambda v: {"id": v.account_id},
        sees=lambda v: v.transaction_id,
    ),
    "Query.portfolios": ViewerRead("{ portfolios { edges { node { id } } } }", sees=lambda v: v.portfolio_id),
    "Query.portfolio": ViewerRead(
        "query($id: ID!) { portfolio(id: $id) { id account { id } } }",
        lambda v: {"id": v.portfolio_id},
        sees=lambda v: v.account_id,
    ),
    # Notification is per user: each token reads its own (Alice's READ key is Alice, so it sees hers; a viewer's own
    # list may be empty). What the lists hold is checked in ATTACKS and in tests/subgraphs/notification.
    "Query.inbox": ViewerRead("{ inbox { unreadCount edges { node { id } } } }", sees=lambda _: '"unreadCount"'),
    "Query.channels": ViewerRead("{ channels { nodes { id } } }", sees=lambda _: '"channels"'),
    "Query.deliveries": ViewerRead("{ deliveries { nodes { id status } } }", sees=lambda _: '"deliveries"'),
    "Query.notificationSettings": ViewerRead("{ notificationSettings { hourlyCap } }", sees=lambda _: '"hourlyCap"'),
    # A viewer of the household chooses where its events go for them: the event types are listed, defaults or not.
    "Query.notificationPreferences": ViewerRead(
        "query($h: ID!) { notificationPreferences(householdId: $h) { householdId eventType isDefault } }",
        lambda v: {"h": v.household_id},
        sees=lambda v: v.household_id,
    ),
    "Subscription.notificationReceived": ViewerRead(
        "subscription { notificationReceived { householdId title } }", sees=lambda v: v.household_id
    ),
    "Query.instruments": ViewerRead(
        '{ instruments(search: "ALICE") { edges { node { id } } } }', sees=lambda v: v.instrument_id
    ),
    "Query.instrument": ViewerRead(
        "query($id: ID!) { instrument(id: $id) { id } }",
        lambda v: {"id": v.instrument_id},
        sees=lambda v: v.instrument_id,
    ),
    "Query.alerts": ViewerRead("{ alerts { edges { node { id } } } }", sees=lambda v: v.alert_id),
    # Every signed-in user reads the same list; a viewer gets it too.
    "Query.priceSources": ViewerRead("{ priceSources { source } }", sees=lambda v: '"priceSources"'),
    "Query.apiKeys": ViewerRead(
        f"query($h: ID!) {{ apiKeys(householdId: $h) {{ {CONNECTION} }} }}", lambda v: {"h": v.household_id}
    ),
    "Query.auditLog": ViewerRead(
        f"query($h: ID!) {{ auditLog(householdId: $h) {{ {CONNECTION} }} }}", lambda v: {"h": v.household_id}
    ),
    "Query.fxRate": ViewerRead(
        'query($h: ID) { fxRate(base: "EUR", quote: "USD", date: "2026-11-27", householdId: $h) '
        "{ ... on FxRate { rate isOverride } } }",
        lambda v: {"h": v.household_id},
        sees=lambda _: ALICE_FX_RATE,
    ),
    "Query.fxRates": ViewerRead(
        'query($h: ID) { fxRates(base: "EUR", quote: "USD", from: "2026-11-01", to: "2026-11-30", householdId: $h) '
        "{ edges { node { id rate } } } }",
        lambda v: {"h": v.household_id},
        sees=lambda _: ALICE_FX_RATE,
    ),
    "Query.currencies": ViewerRead("{ currencies { code minorUnits } }", sees=lambda _: "BHD"),  # reference data
    "Query.budgetMonth": ViewerRead(
        'query($h: ID!) { budgetMonth(householdId: $h, month: "2026-11") { lines { categoryId budgeted } } }',
        lambda v: {"h": v.household_id},
        sees=lambda _: ALICE_BUDGET,
    ),
    "Query.budgetMonths": ViewerRead(
        'query($h: ID!) { budgetMonths(householdId: $h, from: "2026-11", to: "2026-12") { lines { categoryId } } }',
        lambda v: {"h": v.household_id},
        sees=lambda v: v.category_id,
    ),
    "Query.budgetSettings": ViewerRead(
        "query($h: ID!) { budgetSettings(householdId: $h) { householdId model } }",
        lambda v: {"h": v.household_id},
        sees=lambda v: v.household_id,
    ),
    "Query.recurringTransactions": ViewerRead(
        "query($h: ID!) { recurringTransactions(householdId: $h) { edges { node { id } } } }",
        lambda v: {"h": v.household_id},
        sees=lambda v: v.recurring_id,
    ),
    "Query.recurringUpcoming": ViewerRead(
        "query($h: ID!) { recurringUpcoming(householdId: $h, days: 62) { edges { node { recurring { id } } } } }",
        lambda v: {"h": v.household_id},
        sees=lambda v: v.recurring_id,
    ),
    "Subscription.pricesUpdated": ViewerRead(
        "subscription($ids: [ID!]) { pricesUpdated(instrumentIds: $ids) { instrumentId } }",
        lambda v: {"ids": [v.instrument_id]},
        sees=lambda v: v.instrument_id,
    ),
    "Subscription.budgetChanged": ViewerRead(
        "subscription($h: ID!) { budgetChanged(householdId: $h) { householdId } }",
        lambda v: {"h": v.household_id},
        sees=lambda v: v.household_id,
    ),
    "Query.transactions": ViewerRead(
        "query($h: ID!) { transactions(householdId: $h) { edges { node { id } } } }",
        lambda v: {"h": v.household_id},
        sees=lambda v: v.transaction_id,
    ),
    # Alice spent 271.89 on 2026-11-27 from an account opened with 7319.53.
    **{
        f"Query.{name}": ViewerRead(
            f'query($h: ID!) {{ {name}(householdId: $h, from: "2026-11-01", to: "2026-11-30") {{ {selection} }} }}',
            lambda v: {"h": v.household_id},
            sees=lambda _, figure=figure: figure,  # type: ignore[misc]
        )
        for name, selection, figure in (
            ("cashFlow", "expense { amount { amount } }", "271.89"),
            ("spendingByCategory", "total { amount { amount } }", "271.89"),
            ("spendingByPayee", "lines { amount { amount { amount } } }", "271.89"),
            ("incomeVsExpense", "expense { amount { amount } }", "271.89"),
            ("netWorth", "points { netWorth { amount { amount } } }", "7047.64"),
        )
    },
    "Query.export": ViewerRead(
        "query($id: ID!) { export(id: $id) { id url } }", lambda v: {"id": v.export_id}, sees=lambda v: v.export_id
    ),
    "Query.imports": ViewerRead(
        "query($a: ID!) { imports(accountId: $a) { edges { node { id } } } }",
        lambda v: {"a": v.account_id},
        sees=lambda v: v.import_id,
    ),
    "Query.import": ViewerRead(
        "query($id: ID!) { import(id: $id) { id status } }", lambda v: {"id": v.import_id}, sees=lambda v: v.import_id
    ),
    "Query.importMappingProfiles": ViewerRead(
        "query($a: ID!) { importMappingProfiles(accountId: $a) { edges { node { id } } } }",
        lambda v: {"a": v.account_id},
        sees=lambda v: v.profile_id,
    ),
    "Query.importFormats": ViewerRead("{ importFormats { name } }", sees=lambda _: "camt053"),  # reference data
    "Subscription.importProgress": ViewerRead(
        "subscription($id: ID!) { importProgress(importId: $id) { importId status } }",
        lambda v: {"id": v.import_id},
        sees=lambda v: v.import_id,
    ),
    "Subscription.transactionCreated": ViewerRead(
        "subscription { transactionCreated { householdId transaction { id } } }", sees=lambda v: v.household_id
    ),
    "Query.rules": ViewerRead(
        "query($h: ID) { rules(householdId: $h) { edges { node { id } } } }",
        lambda v: {"h": v.household_id},
        sees=lambda v: v.rule_id,
    ),
    "Query.categorisationSettings": ViewerRead(
        "query($h: ID) { categorisationSettings(householdId: $h) { householdId } }",
        lambda v: {"h": v.household_id},
        sees=lambda v: v.household_id,
    ),
}
"""A viewer of Alice's household reads what a member reads; API keys (owners, editors) and the audit log
(owners) stay hidden from viewers."""

VIEWER_WRITES: dict[str, list[Attack]] = {
    "Mutation.accountCreate": [
        *ATTACKS["Mutation.accountCreate"],
        Attack(
            'mutation { accountCreate(input: {name: "Default", type: CASH, currency: "EUR"}) '
            "{ account { id } errors { __typename message } } }",
            Refused.USER_ERROR,
        ),
    ],
    "Mutation.transactionCreate": ATTACKS["Mutation.transactionCreate"],
    **{
        coordinate: ATTACKS[coordinate]
        for coordinate in (
            "Mutation.portfolioUpdate",
            "Mutation.portfolioTargetsSet",
            "Mutation.instrumentCreate",
            "Mutation.activityCreate",
            "Mutation.activityDelete",
            "Mutation.alertCreate",
            "Mutation.alertDelete",
            "Mutation.portfolioImport",
            "Mutation.priceSet",
            "Mutation.priceHistoryUpload",
        )
    },
    **{
        coordinate: ATTACKS[coordinate]
        for coordinate in (
            "Mutation.budgetSet",
            "Mutation.budgetCopyMonth",
            "Mutation.budgetSettingsUpdate",
            "Mutation.recurringCreate",
            "Mutation.recurringUpdate",
            "Mutation.recurringDelete",
            "Mutation.recurringSkipNext",
            "Mutation.recurringUnskip",
        )
    },
    "Mutation.fxRateOverrideSet": [
        *ATTACKS["Mutation.fxRateOverrideSet"],
        Attack(
            'mutation { fxRateOverrideSet(input: {base: "EUR", quote: "USD", date: "2026-11-27", rate: "3"}) '
            "{ override { id } errors { __typename message } } }",
            Refused.USER_ERROR,
        ),
    ],
    "Mutation.fxRateOverrideDelete": [
        *ATTACKS["Mutation.fxRateOverrideDelete"],
        Attack(
            'mutation { fxRateOverrideDelete(input: {base: "EUR", quote: "USD", date: "2026-11-27"}) '
            "{ override { id } errors { __typename message } } }",
            Refused.USER_ERROR,
        ),
    ],
    "Mutation.portfolioCreate": [
        ATTACKS["Mutation.portfolioCreate"][0],
        Attack(
            'mutation { portfolioCreate(input: {name: "Default", baseCurrency: "EUR"}) '
            "{ portfolio { id } errors { __typename message } } }",
            Refused.USER_ERROR,
        ),
    ],
    "Mutation.apiKeyCreate": [
        *ATTACKS["Mutation.apiKeyCreate"],
        Attack(
            """mutation($input: ApiKeyCreateInput!) {
                 apiKeyCreate(input: $input) { apiKey { id } secret errors { __typename message } } }""",
            Refused.USER_ERROR,
            lambda v: {"input": {"householdId": v.household_id, "name": "Reader", "scope": "READ"}},
        ),
    ],
    "Mutation.apiKeyRevoke": ATTACKS["Mutation.apiKeyRevoke"],
    "Mutation.ruleCreate": [
        ATTACKS["Mutation.ruleCreate"][0],
        Attack(RULE_CREATE, Refused.USER_ERROR, lambda v: {"input": _rule_input(v)}),
    ],
    "Mutation.ruleUpdate": ATTACKS["Mutation.ruleUpdate"],
    "Mutation.ruleDelete": ATTACKS["Mutation.ruleDelete"],
    "Mutation.ruleReorder": ATTACKS["Mutation.ruleReorder"],
    "Mutation.rulesApply": ATTACKS["Mutation.rulesApply"],
    "Mutation.categorySuggestionAccept": ATTACKS["Mutation.categorySuggestionAccept"],
    "Mutation.categorisationSettingsUpdate": [
        *ATTACKS["Mutation.categorisationSettingsUpdate"],
        Attack(SETTINGS_UPDATE, Refused.USER_ERROR, lambda v: {"input": {"learningEnabled": False}}),
    ],
    "Mutation.attachmentCreate": ATTACKS["Mutation.attachmentCreate"],
    "Mutation.attachmentDelete": ATTACKS["Mutation.attachmentDelete"],
    "Mutation.importUpload": ATTACKS["Mutation.importUpload"],
    "Mutation.importDryRun": ATTACKS["Mutation.importDryRun"],
    "Mutation.importCommit": ATTACKS["Mutation.importCommit"],
    "Mutation.importUndo": ATTACKS["Mutation.importUndo"],
    "Mutation.importMappingProfileSave": ATTACKS["Mutation.importMappingProfileSave"],
    "Mutation.importMappingProfileDelete": ATTACKS["Mutation.importMappingProfileDelete"],
    "Mutation.invitationCreate": [
        Attack(
            """mutation($input: InvitationCreateInput!) { invitationCreate(input: $input) { ok errors { __typename } } }""",
            Refused.USER_ERROR,
            lambda v: {"input": {"householdId": v.household_id, "email": "friend@example.com", "role": "VIEWER"}},
        )
    ],
    "Mutation.memberRoleChange": [
        replace(ATTACKS["Mutation.memberRoleChange"][0], refused=Refused.USER_ERROR),
    ],
    "Mutation.memberRemove": [
        replace(ATTACKS["Mutation.memberRemove"][0], refused=Refused.USER_ERROR),
    ],
}
"""Every mutation, tried with a viewer's token on Alice's household: all refused with a typed error. (A viewer
may still leave the household: ``memberRemove`` with their own id.)"""

VIEWER_READS.update(
    {
        "Query.categoryGroups": ViewerRead(
            "query($h: ID) { categoryGroups(householdId: $h) { edges { node { id categories { id } } } } }",
            lambda v: {"h": v.household_id},
            sees=lambda v: v.category_id,
        ),
        "Query.payees": ViewerRead(
            "query($h: ID) { payees(householdId: $h) { edges { node { id aliases { id } } } } }",
            lambda v: {"h": v.household_id},
            sees=lambda v: v.payee_alias_id,
        ),
        "Query.reconciliationPreview": ViewerRead(
            """query($a: ID!) { reconciliationPreview(accountId: $a, statementDate: "2026-11-30",
                 statementBalance: "1.00") { accountId toReconcileCount } }""",
            lambda v: {"a": v.account_id},
            sees=lambda v: v.account_id,
        ),
        "Subscription.accountBalanceChanged": ViewerRead(
            "subscription { accountBalanceChanged { id balance { amount } } }", sees=lambda v: v.account_id
        ),
    }
)
VIEWER_WRITES.update(
    {coordinate: attacks for coordinate, attacks in LEDGER_ATTACKS.items() if coordinate.startswith("Mutation.")}
)
VIEWER_WRITES["Mutation.categoryGroupCreate"] = [
    *LEDGER_ATTACKS["Mutation.categoryGroupCreate"],
    Attack(
        _mutation("categoryGroupCreate", "group { id }"),
        Refused.USER_ERROR,
        lambda v: {"input": {"name": "Default", "kind": "EXPENSE"}},
    ),
]

SELF_ONLY: dict[str, str] = {
    "Mutation.emailVerifyRequest": "mails the caller's own address",
    "Mutation.passwordChange": "changes the caller's own password, given the current one",
    "Mutation.accountDelete": "deletes the caller's own user, given the password",
    "Mutation.invitationAccept": "joins the caller to the household that invited the caller's own address",
    "Mutation.notificationSettingsUpdate": "changes the caller's own delivery settings (time zone, quiet hours, cap)",
}
"""Mutations that take no household: they act on the caller's own user, whatever household role the caller has,
so they need no viewer-role attempt. Their ATTACKS entries check they reach no one else."""

VIEWER_MAY: dict[str, str] = {
    "Mutation.transactionsExport": "only reads: a viewer may export (tests/subgraphs/budget/files, "
    "tests/federation/test_files_s3.py); another household's ids are refused in ATTACKS",
    # Notification: a viewer is notified of the household's events too, so they set up where that happens for them.
    # Only their own rows change; another user's ids look missing (ATTACKS); a READ key is refused (READ_KEY_ATTEMPTS).
    **{
        f"Mutation.{name}": "changes only the caller's own notification channels, preferences or inbox"
        for name in (
            "channelCreate",
            "channelVerify",
            "channelUpdate",
            "channelDelete",
            "notificationPreferencesSet",
            "inboxMarkRead",
            "inboxMarkUnread",
            "deliveryReplay",
        )
    },
}
"""Mutations a viewer of the household may call, and why."""


# ---------------------------------------------------------------------------------------------------------------
# Coverage: the tables against the schema. No stack needed.


def _root_field(document: str, field_name: str) -> FieldNode | None:
    definition = parse(document).definitions[0]
    assert isinstance(definition, OperationDefinitionNode)
    for selection in definition.selection_set.selections:
        if isinstance(selection, FieldNode) and selection.name.value == field_name:
            return selection
    return None


def _ids_passed(sdl: Sdl, type_node: TypeNode, value: Any, path: str, ids: frozenset[str]) -> set[str]:
    named = _named(type_node)
    if value is None:
        return set()
    if isinstance(value, list):
        return set().union(*(_ids_passed(sdl, type_node, item, path, ids) for item in value))
    if named == "ID":
        return {path} if str(value) in ids else set()
    if named in sdl.inputs and isinstance(value, Mapping):
        found: set[str] = set()
        for node in sdl.inputs[named]:
            if node.name.value in value:
                found |= _ids_passed(sdl, node.type, value[node.name.value], f"{path}.{node.name.value}", ids)
        return found
    return set()


def exercised_id_paths(sdl: Sdl, coordinate: str, node: FieldDefinitionNode, attacks: Iterable[Attack]) -> set[str]:
    """The ID arguments of a root field that the attacks fill with the victim's ids."""
    victim = Victim.ghost()
    found: set[str] = set()
    for attack in attacks:
        selected = _root_field(attack.document, node.name.value)
        assert selected is not None, f"an attack listed under {coordinate} does not call it"
        variables = attack.variables(victim)
        definitions = {a.name.value: a for a in node.arguments or ()}
        for argument in selected.arguments or ():
            value = value_from_ast_untyped(argument.value, variables)
            found |= _ids_passed(sdl, definitions[argument.name.value].type, value, argument.name.value, victim.ids)
    return found


def coverage_problems(supergraph: Sdl, subgraphs: Mapping[str, Sdl]) -> list[str]:
    """What the attack tables miss of this schema, one line per gap, each saying what to add."""
    roots, entities, nested = surface(supergraph, subgraphs)
    problems: list[str] = []
    for coordinate, node in sorted(roots.items()):
        if coordinate in PUBLIC:
            continue
        attacks = ATTACKS.get(coordinate)
        if not attacks:
            problems.append(
                f"{coordinate} has no attack: add one to ATTACKS in tests/federation/test_access.py (call it with "
                "another household's ids and say what refused means), or list it in PUBLIC with the reason"
            )
            continue
        missing = supergraph.id_paths(node.arguments or ()) - exercised_id_paths(supergraph, coordinate, node, attacks)
        if missing:
            problems.append(
                f"{coordinate}: no attack passes another household's id in {sorted(missing)}; extend its attacks"
            )
        if coordinate.startswith("Mutation.") and coordinate not in {*VIEWER_WRITES, *SELF_ONLY, *VIEWER_MAY}:
            problems.append(f"{coordinate}: add a viewer-role attempt to VIEWER_WRITES (viewers cannot mutate)")
        if not coordinate.startswith("Mutation.") and coordinate not in VIEWER_READS:
            problems.append(f"{coordinate}: say in VIEWER_READS what a viewer of the household sees")
    for coordinate in sorted(entities - set(ENTITY_ATTACKS)):
        problems.append(
            f"entity {coordinate} has no _entities attack: add it to ENTITY_ATTACKS (which of Alice's ids to ask "
            "for, and which stub fields, if any, may come back)"
        )
    for coordinate in sorted(nested - set(NESTED_ID_FIELDS)):
        problems.append(
            f"{coordinate} takes an ID: reach it with another household's id from an ATTACKS document and list "
            "it in NESTED_ID_FIELDS"
        )
    stale = (
        set(ATTACKS) | set(PUBLIC) | set(VIEWER_READS) | set(VIEWER_WRITES) | set(SELF_ONLY) | set(VIEWER_MAY)
    ) - set(roots)
    stale |= set(ENTITY_ATTACKS) - entities
    if stale:
        problems.append(f"the tables name coordinates the schema no longer has: {sorted(stale)}")
    return problems


def test_every_coordinate_has_an_attack() -> None:
    problems = coverage_problems(load_supergraph(), load_subgraphs())
    assert not problems, "\n".join(problems)


def test_a_new_field_without_an_attack_fails_the_coverage_test() -> None:
    """The coverage test, tested: a schema that grows a query, an entity and an id in an input is refused."""
    growth = """
        extend type Query { budgetSecret(id: ID!): String }
        extend input TransactionCreateInput { plantedAccountId: ID }
        type Budget @key(fields: "id") { id: ID! lines(categoryId: ID): [String!]! }
    """
    supergraph = Sdl((SCHEMA_DIR / "supergraph.graphql").read_text() + growth)
    subgraphs = load_subgraphs()
    subgraphs["budget"] = Sdl((SCHEMA_DIR / "budget.graphql").read_text() + growth)
    problems = "\n".join(coverage_problems(supergraph, subgraphs))
    assert "Query.budgetSecret has no attack" in problems
    assert (
        "Mutation.transactionCreate: no attack passes another household's id in ['input.plantedAccountId']" in problems
    )
    assert "entity budget:Budget has no _entities attack" in problems
    assert "Budget.lines takes an ID" in problems


def test_the_router_lets_anonymous_callers_reach_only_the_public_table() -> None:
    """The router's allowlist for callers without a token names the same root fields as PUBLIC above."""
    allowlist = Path(__file__).resolve().parents[2] / "router" / "src" / "public-operations.ts"
    allowed = set(re.findall(r"'((?:Query|Mutation|Subscription)\.\w+)'", allowlist.read_text()))
    assert allowed == set(PUBLIC), (
        f"router allowlist {sorted(allowed - set(PUBLIC))} not public here; public here but not in the router: "
        f"{sorted(set(PUBLIC) - allowed)}"
    )


def test_the_surface_is_read_from_every_subgraph() -> None:
    """The coverage test above is only as good as the parse: check it sees what we know is there."""
    roots, entities, _ = surface(load_supergraph(), load_subgraphs())
    assert {"Query.accounts", "Mutation.transactionCreate", "Subscription.transactionCreated"} <= set(roots)
    assert {"budget:Account", "portfolio:Account", "notification:Transaction", "identity:User"} <= entities
    graphs = re.findall(r'@join__graph\(name: "(\w+)"', (SCHEMA_DIR / "supergraph.graphql").read_text())
    assert sorted(graphs) == sorted(SUBGRAPHS)


# ---------------------------------------------------------------------------------------------------------------
# Talking to the stack.


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    text: str

    @property
    def data(self) -> dict[str, Any] | None:
        data = self.body.get("data")
        return data if isinstance(data, dict) else None

    @property
    def error_codes(self) -> list[str | None]:
        return [(e.get("extensions") or {}).get("code") for e in self.body.get("errors") or []]


async def ask(http: httpx.AsyncClient, url: str, document: str, variables: dict[str, Any], **kwargs: Any) -> Answer:
    body: dict[str, Any] = {"query": document, "variables": variables}
    body.update(kwargs.pop("extra_body", {}))
    response = await http.post(url, json=body, **kwargs)
    try:
        parsed = response.json()
    except ValueError:
        parsed = {}
    return Answer(response.status_code, parsed if isinstance(parsed, dict) else {}, response.text)


def bearer(token: str | None) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"} if token else {}


def ids_in(variables: Mapping[str, Any], victim: Victim) -> set[str]:
    sent = json.dumps(variables)
    return {i for i in victim.ids if i in sent}


def assert_no_leak(text_: str, victim: Victim, sent: Iterable[str] = ()) -> None:
    """Nothing of Alice's in an answer: none of her strings, none of her ids but those the caller sent."""
    for secret in victim.secrets | (victim.ids - set(sent)):
        assert secret not in text_, f"{secret!r} of the victim leaked: {text_[:2000]}"


def assert_refused(refused: Refused, answer: Answer, field_name: str) -> None:
    """``answer`` is what ``refused`` says it must be, for the root field ``field_name``."""
    if refused is Refused.UNAUTHENTICATED:
        if answer.status == 401:
            return
        assert "UNAUTHENTICATED" in answer.error_codes, answer.text
        assert answer.data is None or answer.data.get(field_name) is None, answer.text
        return
    assert answer.status == 200, answer.text
    assert "errors" not in answer.body, answer.text
    assert answer.data is not None, answer.text
    value = answer.data[field_name]
    if refused is Refused.NULL:
        assert value is None, answer.text
    elif refused is Refused.EMPTY:
        assert value["edges"] == [], answer.text
        assert value["pageInfo"]["hasNextPage"] is False, answer.text
    elif refused in (Refused.NOT_FOUND, Refused.USER_ERROR):
        errors = value["errors"]
        assert errors, f"the mutation went through: {answer.text}"
        if refused is Refused.NOT_FOUND:
            assert [e["__typename"] for e in errors] == ["NotFoundError"], answer.text
        assert all(v in (None, False) for k, v in value.items() if k != "errors"), answer.text
    elif refused is Refused.OWN_ONLY:
        assert value is not None, answer.text
    else:  # pragma: no cover
        raise AssertionError(f"{refused} is not an HTTP answer")


def _normalised(answer: Answer, ids: Iterable[str]) -> str:
    text_ = json.dumps(answer.body, sort_keys=True)
    for value in ids:
        text_ = text_.replace(value, "<id>")
    return f"{answer.status} {text_}"


# ---------------------------------------------------------------------------------------------------------------
# The victim's state, and proof that it does not change.

SNAPSHOT = {
    "identity": """query($h: ID!) {
        me { id email name households { id name role } }
        apiKeys(householdId: $h) { edges { node { id name scope revokedAt } } }
        auditLog(householdId: $h, first: 100) { edges { node { id kind } } }
    }""",
    "budget": """{ accounts { edges { node {
        id name type currency openingBalance { amount } balance { amount }
        transactions(first: 100) { edges { node { id date amount { amount currency } payee memo } } }
    } } } }""",
    "portfolio": "{ portfolios { edges { node { id name baseCurrency account { id } } } } }",
    "notification": "{ inbox(first: 100) { edges { node { id kind title body readAt } } } }",
}
"""Alice's view of her data, asked of each subgraph directly (no router limits in the way)."""


class Ledger:
    """Alice's rows in every schema (fingerprinted), and her view of herself through the router."""

    def __init__(self, stack: RunningStack, engine: AsyncEngine, client: Client, victim: Victim) -> None:
        self.stack = stack
        self.engine = engine
        self.client = client
        self.victim = victim
        self.baseline: tuple[dict[str, Any], dict[str, str]] | None = None

    VOLATILE = frozenset({"published_at", "attempts", "last_used_at"})
    """Bookkeeping, not Alice's data: the outbox relay's progress, and when her own API key was last used."""
    CACHES = frozenset({("budget", "month_figures"), ("budget", "month_figures_done")})
    """Figures a report keeps between requests, derived from her ledger (ADR 14): a read may fill them."""

    async def rows(self) -> dict[str, str]:
        """A fingerprint of every row of Alice's (by ``household_id`` or ``user_id``) in every schema."""
        owners = {"household_id": self.victim.household_id, "user_id": self.victim.user_id}
        fingerprints: dict[str, str] = {}
        async with self.engine.connect() as conn:
            listing = await conn.execute(
                text(
                    "SELECT table_schema, table_name, column_name FROM information_schema.columns "
                    "WHERE table_schema = ANY(:schemas) ORDER BY table_schema, table_name, ordinal_position"
                ),
                {"schemas": list(SUBGRAPHS)},
            )
            tables: dict[tuple[str, str], list[str]] = {}
            for schema, table, column in listing.all():
                tables.setdefault((schema, table), []).append(column)
            for (schema, table), columns in tables.items():
                if (schema, table) in self.CACHES:
                    continue
                kept = ", ".join(f'"{c}"' for c in columns if c not in self.VOLATILE)
                for owner in sorted(set(columns) & set(owners)):
                    digest = await conn.scalar(
                        text(
                            f"SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, ',' ORDER BY r::text)), '') "
                            f'FROM (SELECT {kept} FROM "{schema}"."{table}" WHERE "{owner}"::text = :owner) r'
                        ),
                        {"owner": owners[owner]},
                    )
                    fingerprints[f"{schema}.{table}.{owner}"] = str(digest)
        return fingerprints

    async def view(self) -> dict[str, Any]:
        view: dict[str, Any] = {}
        for subgraph, document in SNAPSHOT.items():
            answer = await ask(
                self.client.http,
                self.stack.subgraph_url(subgraph),
                document,
                {"h": self.victim.household_id} if "$h" in document else {},
                headers={SERVICE_TOKEN_HEADER: TEST_SERVICE_TOKEN},
                extra_body={"extensions": {"jwt": {"token": {"value": self.client.token}}}},
            )
            assert answer.status == 200, answer.text
            assert "errors" not in answer.body, answer.text
            view.update(answer.data or {})
        return view

    async def settle(self) -> None:
        """Take the baseline again, after Alice herself changed something (and her inbox caught up)."""
        deadline = time.monotonic() + 20
        while True:
            view = await self.view()
            transactions = sum(len(a["node"]["transactions"]["edges"]) for a in view["accounts"]["edges"])
            told = [e for e in view["inbox"]["edges"] if e["node"]["kind"] == "transaction_created"]
            caught_up = (
                len(told) == transactions and await self.budget_caught_up() and await self.notifications_caught_up()
            )
            if caught_up or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        assert len(told) == transactions, "the worker did not deliver Alice's inbox items"
        assert await self.notifications_caught_up(), "the worker did not notify Alice's household of everything"
        self.baseline = (view, await self.rows())

    async def notifications_caught_up(self) -> bool:
        """Whether every notifiable event of Alice's household (a transaction, a price alert ...) has become its
        notifications: nothing of hers is still being written by the worker."""
        async with self.engine.connect() as conn:
            pending = await conn.scalar(
                text(
                    "SELECT count(*) FROM (SELECT id, topic, household_id FROM budget.outbox UNION ALL "
                    "SELECT id, topic, household_id FROM portfolio.outbox) o "
                    "WHERE o.household_id::text = :h AND o.topic = ANY(:topics) "
                    "AND NOT EXISTS (SELECT 1 FROM notification.notifications n WHERE n.event_id = o.id)"
                ),
                {"h": self.victim.household_id, "topics": sorted(NOTIFIABLE_TOPICS)},
            )
        return pending == 0

    async def budget_caught_up(self) -> bool:
        """Whether the budget consumer has handled each of Alice's transaction events (created, updated, deleted:
        a reconciliation or a transfer writes several)."""
        async with self.engine.connect() as conn:
            pending = await conn.scalar(
                text(
                    "SELECT count(*) FROM budget.outbox o WHERE o.household_id::text = :h "
                    "AND o.topic IN ('budget.transaction_created', 'budget.transaction_updated', "
                    "'budget.transaction_deleted') "
                    "AND NOT EXISTS (SELECT 1 FROM budget.budget_event_receipts r WHERE r.event_id = o.id)"
                ),
                {"h": self.victim.household_id},
            )
        return pending == 0

    async def assert_intact(self) -> None:
        assert self.baseline is not None
        view, rows = self.baseline
        now = (await self.view(), await self.rows())
        assert now[1] == rows, "the victim's rows changed"
        assert now[0] == view, "the victim's data, as she sees it, changed"


@dataclass
class Scene:
    stack: RunningStack
    http: httpx.AsyncClient
    victim: Victim
    alice: Client
    vic: Client
    """A real member of Alice's household, invited as a viewer."""
    mallory: Attacker
    ledger: Ledger
    read_key: str
    """Alice's own READ-scoped API key: a viewer of her household, acting as her."""
    key: SigningKey

    async def fresh_attacker(self) -> Client:
        """Another Mallory, for an attempt that might wrongly succeed and leave something behind."""
        client = Client(self.http, self.stack.router_url)
        await register(client, f"Mallory{uuid.uuid4().hex[:8]}", "Mallory's")
        return client

    def renew_tokens(self, *, below_seconds: float = 300) -> None:
        """The module outlives an access token (15 minutes) on a busy machine: re-sign the scene's tokens, same
        claims and key as identity's, when less than ``below_seconds`` of them is left."""
        for client in (self.alice, self.vic, self.mallory.client):
            assert client.token is not None
            claims = _claims(client.token)
            if claims["exp"] - time.time() < below_seconds:
                now = int(time.time())
                fresh = {**claims, "iat": now, "exp": now + (claims["exp"] - claims["iat"]), "jti": uuid.uuid4().hex}
                client.token = jwt.encode(fresh, self.key._private, algorithm="RS256", headers={"kid": self.key.kid})

    async def probe_transaction(self, client: Client, account_id: str) -> None:
        data = await client.run(
            """mutation($input: TransactionCreateInput!) {
                 transactionCreate(input: $input) { transaction { id } errors { message } } }""",
            input={"accountId": account_id, "date": "2026-11-28", "amount": "0"},
        )
        assert data["transactionCreate"]["errors"] == []


REGISTER = """
mutation R($input: RegisterInput!) {
  register(input: $input) { token refreshToken user { id } errors { message } }
}"""


@dataclass
class Registered:
    user_id: str
    household_id: str
    email: str
    refresh_token: str


async def register(client: Client, name: str, household: str) -> Registered:
    email = f"{name.lower()}@example.com"
    data = await client.run(
        REGISTER,
        input={"email": email, "password": "correct horse battery", "name": name, "householdName": household},
    )
    payload = data["register"]
    assert payload["errors"] == []
    client.token = payload["token"]
    (membership,) = _claims(payload["token"])["households"]
    return Registered(payload["user"]["id"], membership["id"], email, payload["refreshToken"])


async def invite(engine: AsyncEngine, owner: Client, household_id: str, email: str, role: str) -> str:
    """Invite ``email`` and return the token of the link mailed to it (read from identity's outbox)."""
    data = await owner.run(
        """mutation($input: InvitationCreateInput!) { invitationCreate(input: $input) { ok errors { message } } }""",
        input={"householdId": household_id, "email": email, "role": role},
    )
    assert data["invitationCreate"] == {"ok": True, "errors": []}
    async with engine.connect() as conn:
        token = await conn.scalar(
            text(
                "SELECT payload->>'token' FROM identity.outbox WHERE payload->>'to' = :email "
                "AND payload->>'template' = 'household_invitation' ORDER BY occurred_at DESC LIMIT 1"
            ),
            {"email": email},
        )
    assert token, f"no invitation mailed to {email}"
    return str(token)


async def create(client: Client, field_name: str, node: str, **input_: Any) -> str:
    """Create something through the router and return its id: ``create(c, "accountCreate", "account", ...)``."""
    document = f"""mutation($input: {field_name[0].upper()}{field_name[1:]}Input!) {{
        {field_name}(input: $input) {{ {node} {{ id }} errors {{ message }} }} }}"""
    data = (await client.run(document, input=input_))[field_name]
    assert data["errors"] == [], data
    return str(data[node]["id"])


async def attach_document(client: Client, data: bytes, filename: str, **owner: str) -> str:
    """Attach a document through the router (a GraphQL multipart request) and return the attachment's id."""
    operations = {
        "query": """mutation($input: AttachmentCreateInput!) {
            attachmentCreate(input: $input) { attachment { id } errors { message } } }""",
        "variables": {"input": {"file": None, **owner}},
    }
    response = await client.http.post(
        client.url,
        headers={**bearer(client.token), "x-fincloud-csrf": "1"},
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": (filename, data, "application/pdf")},
    )
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["attachmentCreate"]
    assert payload["errors"] == [], payload
    return str(payload["attachment"]["id"])


def browser_subscription(endpoint: str) -> dict[str, Any]:
    """A browser's push subscription (``PushSubscription.toJSON()``) with real keys, for ``endpoint``."""
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    point = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    b64 = lambda data: base64.urlsafe_b64encode(data).rstrip(b"=").decode()  # noqa: E731
    return {"endpoint": endpoint, "keys": {"p256dh": b64(point), "auth": b64(b"0123456789abcdef")}}


async def alice_notified_on_a_channel(alice: Client, household_id: str, account_id: str, path: str) -> tuple[str, str]:
    """Alice's WebPush channel and the (dead) delivery of one transaction notification to it."""
    data = await alice.run(
        """mutation($input: ChannelCreateInput!) {
             channelCreate(input: $input) { channel { id verified } errors { message } } }""",
        input={"kind": "WEBPUSH", "subscription": browser_subscription(f"https://127.0.0.1:9/{path}")},
    )
    assert data["channelCreate"]["errors"] == [], data
    channel_id = data["channelCreate"]["channel"]["id"]
    preference = """mutation($input: NotificationPreferencesSetInput!) {
        notificationPreferencesSet(input: $input) { errors { message } } }"""
    chosen = {"householdId": household_id, "eventType": "TRANSACTION_CREATED"}
    data = await alice.run(preference, input={**chosen, "channelIds": [channel_id]})
    assert data["notificationPreferencesSet"]["errors"] == []
    data = await alice.run(
        """mutation($input: TransactionCreateInput!) { transactionCreate(input: $input) { errors { message } } }""",
        input={"accountId": account_id, "date": "2026-11-28", "amount": "0"},
    )
    assert data["transactionCreate"]["errors"] == []
    deadline = time.monotonic() + 30
    while True:
        log = await alice.run(
            "query($c: ID) { deliveries(channelId: $c) { nodes { id status lastError } } }", c=channel_id
        )
        nodes = log["deliveries"]["nodes"]
        if (nodes and nodes[0]["status"] == "DEAD") or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    assert [n["status"] for n in nodes] == ["DEAD"], nodes
    data = await alice.run(preference, input={**chosen, "useDefault": True})
    assert data["notificationPreferencesSet"]["errors"] == []
    # Off, so that her alerts (which default to every channel) start no delivery while the tests run.
    data = await alice.run(
        "mutation($input: ChannelUpdateInput!) { channelUpdate(input: $input) { errors { message } } }",
        input={"id": channel_id, "active": False},
    )
    assert data["channelUpdate"]["errors"] == []
    return str(channel_id), str(nodes[0]["id"])


@pytest.fixture
async def scene(alice_and_mallory: Scene) -> Scene:
    """The module's scene, with Alice's baseline taken afresh: each test answers for its own changes only."""
    alice_and_mallory.renew_tokens()
    await alice_and_mallory.ledger.settle()
    return alice_and_mallory


@pytest.fixture(scope="module")
async def stack_engine(stack: RunningStack) -> AsyncIterator[AsyncEngine]:
    """The stack's database, to read what the API does not show (Alice's rows, mailed tokens)."""
    engine = create_engine(stack.database_url, pool_size=2)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="module")
async def alice_and_mallory(stack: RunningStack, stack_engine: AsyncEngine) -> AsyncIterator[Scene]:
    engine = stack_engine
    async with httpx.AsyncClient(timeout=30) as http:
        marker = uuid.uuid4().hex[:10]
        secret = lambda what: f"{what}{marker}"  # noqa: E731
        alice = Client(http, stack.router_url)
        registered = await register(alice, secret("Alice"), secret("Alicehold"))
        user_id, household_id = registered.user_id, registered.household_id
        account_id = await create(
            alice,
            "accountCreate",
            "account",
            name=secret("Alicebank"),
            type="INVESTMENT",  # her portfolio's cash account
            currency="EUR",
            openingBalance="7319.53",
        )
        transaction_id = await create(
            alice,
            "transactionCreate",
            "transaction",
            accountId=account_id,
            date="2026-11-27",
            amount="-271.89",
            payee=secret("Alicepayee"),
            memo=secret("Alicememo"),
        )
        portfolio_id = await create(
            alice, "portfolioCreate", "portfolio", name=secret("Aliceport"), baseCurrency="EUR", accountId=account_id
        )
        instrument_id = await create(
            alice,
            "instrumentCreate",
            "instrument",
            householdId=household_id,
            symbol=f"ALICE{marker}",
            name=secret("Alicehouse"),
            currency="EUR",
            assetClass="REAL_ESTATE",
        )
        activity_id = await create(
            alice,
            "activityCreate",
            "activity",
            portfolioId=portfolio_id,
            instrumentId=instrument_id,
            kind="BUY",
            date="2026-11-02",
            quantity="1",
            price="345678.91",
        )
        alert_id = await create(
            alice,
            "alertCreate",
            "alert",
            householdId=household_id,
            instrumentId=instrument_id,
            kind="PRICE_ABOVE",
            threshold="456789.12",
            note=secret("Alicealert"),
        )
        category_group_id = await create(
            alice, "categoryGroupCreate", "group", name=secret("Alicegroup"), kind="EXPENSE"
        )
        category_id = await create(
            alice, "categoryCreate", "category", groupId=category_group_id, name=secret("Alicecat")
        )
        budgeted = await alice.run(
            """mutation($input: BudgetSetInput!) { budgetSet(input: $input) { errors { message } } }""",
            input={"categoryId": category_id, "month": "2026-11", "amount": ALICE_BUDGET},
        )
        assert budgeted["budgetSet"]["errors"] == []
        recurring_id = await create(
            alice,
            "recurringCreate",
            "recurring",
            accountId=account_id,
            categoryId=category_id,
            amount="-88.81",
            startDate=(datetime.now(UTC).date() + timedelta(days=20)).isoformat(),  # nothing due while tests run
            preset="MONTHLY_FIRST",
            payee=secret("Alicerent"),
        )
        fx_override = await alice.run(
            """mutation($input: FxRateOverrideSetInput!) {
                 fxRateOverrideSet(input: $input) { override { id } errors { message } } }""",
            input={
                "householdId": household_id,
                "base": "EUR",
                "quote": "USD",
                "date": "2026-11-27",
                "rate": ALICE_FX_RATE,
            },
        )
        assert fx_override["fxRateOverrideSet"]["errors"] == []
        # Her ledger: her transaction's payee with an alias, and a reconciled statement.
        payee = await alice.run(
            "query($id: ID!) { account(id: $id) { transactions { nodes { normalizedPayee { id } } } } }",
            id=account_id,
        )
        payee_id = payee["account"]["transactions"]["nodes"][0]["normalizedPayee"]["id"]
        alias = await alice.run(
            """mutation($input: PayeeAliasAddInput!) { payeeAliasAdd(input: $input) { alias { id } errors { message } } }""",
            input={"payeeId": payee_id, "alias": secret("Alicealias")},
        )
        assert alias["payeeAliasAdd"]["errors"] == []
        reconciliation_id = await create(
            alice,
            "reconciliationFinish",
            "reconciliation",
            accountId=account_id,
            statementDate="2026-11-27",
            statementBalance="7047.64",
        )
        rule = await alice.run(
            RULE_CREATE,
            input={
                "householdId": household_id,
                "name": secret("Alicerule"),
                "conditions": [{"field": "PAYEE", "operator": "CONTAINS", "value": secret("Alicepayee")}],
                "setCategoryId": category_id,
                "setPayee": secret("Alicerenamed"),
            },
        )
        assert rule["ruleCreate"]["errors"] == []
        export = await alice.run(
            "mutation($input: TransactionsExportInput!) { transactionsExport(input: $input) "
            "{ export { id } errors { message } } }",
            input={"format": "CSV"},
        )
        assert export["transactionsExport"]["errors"] == []
        attachment_id = await attach_document(
            alice, b"%PDF-1.4\n%%EOF\n", secret("Alicereceipt") + ".pdf", transactionId=transaction_id
        )
        key = await alice.run(
            """mutation($input: ApiKeyCreateInput!) {
                 apiKeyCreate(input: $input) { apiKey { id prefix } secret errors { message } } }""",
            input={"householdId": household_id, "name": secret("Alicekey"), "scope": "WRITE"},
        )
        assert key["apiKeyCreate"]["errors"] == []
        read_key = await alice.run(
            """mutation($input: ApiKeyCreateInput!) {
                 apiKeyCreate(input: $input) { apiKey { id prefix } secret errors { message } } }""",
            input={"householdId": household_id, "name": secret("Alicereader"), "scope": "READ"},
        )
        assert read_key["apiKeyCreate"]["errors"] == []

        # A statement Alice uploaded (its dry run done, not committed) and a mapping profile of her account.
        uploaded = await upload_statement(
            alice, account_id, b"Date,Payee,Amount\n2026-11-20,Alicestore,-12.34\n", f"{secret('Alicefile')}.csv"
        )
        assert uploaded["errors"] == [], uploaded
        import_id = uploaded["import"]["id"]
        profile = await alice.run(
            """mutation($input: ImportMappingProfileSaveInput!) {
                 importMappingProfileSave(input: $input) { profile { id } errors { message } } }""",
            input={"accountId": account_id, "name": secret("Aliceprofile"), "importId": import_id},
        )
        assert profile["importMappingProfileSave"]["errors"] == []

        # Her browser as a notification channel, which one transaction notification went to (and died at: the push
        # endpoint is on loopback, which FinCloud refuses); transactions then go back to the inbox only, so that no
        # delivery of hers is in flight while the tests run.
        channel_id, delivery_id = await alice_notified_on_a_channel(alice, household_id, account_id, secret("push"))

        # Vic accepts Alice's invitation as a viewer and refreshes into a token that names her household.
        vic = Client(http, stack.router_url)
        vic_registered = await register(vic, f"Vic{uuid.uuid4().hex[:8]}", "Vic's")
        vic_invitation = await invite(engine, alice, household_id, vic_registered.email, "VIEWER")
        accepted = await vic.run(
            "mutation($t: String!) { invitationAccept(token: $t) { household { id role } errors { message } } }",
            t=vic_invitation,
        )
        assert accepted["invitationAccept"] == {"household": {"id": household_id, "role": "viewer"}, "errors": []}
        refreshed = await vic.run(
            "mutation($input: TokenRefreshInput) { tokenRefresh(input: $input) { token errors { message } } }",
            input={"refreshToken": vic_registered.refresh_token},
        )
        assert refreshed["tokenRefresh"]["errors"] == []
        vic.token = refreshed["tokenRefresh"]["token"]
        # An invitation to Carol's address, whose link Mallory will have stolen.
        stolen = await invite(engine, alice, household_id, f"carol-{marker}@example.com", "EDITOR")

        victim = Victim(
            user_id=user_id,
            household_id=household_id,
            account_id=account_id,
            transaction_id=transaction_id,
            portfolio_id=portfolio_id,
            api_key_id=key["apiKeyCreate"]["apiKey"]["id"],
            category_id=category_id,
            recurring_id=recurring_id,
            export_id=export["transactionsExport"]["export"]["id"],
            attachment_id=attachment_id,
            email=registered.email,
            invitation_token=stolen,
            category_group_id=category_group_id,
            payee_id=payee_id,
            payee_alias_id=alias["payeeAliasAdd"]["alias"]["id"],
            reconciliation_id=reconciliation_id,
            rule_id=rule["ruleCreate"]["rule"]["id"],
            import_id=import_id,
            profile_id=profile["importMappingProfileSave"]["profile"]["id"],
            instrument_id=instrument_id,
            activity_id=activity_id,
            alert_id=alert_id,
            channel_id=channel_id,
            delivery_id=delivery_id,
            secrets=frozenset(
                {
                    marker,
                    "7319.53",
                    "271.89",
                    "7047.64",
                    key["apiKeyCreate"]["apiKey"]["prefix"],
                    key["apiKeyCreate"]["secret"],
                    read_key["apiKeyCreate"]["apiKey"]["prefix"],
                    read_key["apiKeyCreate"]["secret"],
                    ALICE_FX_RATE,
                    fx_override["fxRateOverrideSet"]["override"]["id"],
                    ALICE_BUDGET,
                    "88.81",
                    "345678.91",
                    "456789.12",
                }
            ),
        )
        ledger = Ledger(stack, engine, alice, victim)
        await ledger.settle()
        view, rows = ledger.baseline or ({}, {})
        # Portfolio's replica of her account (linked above, so already delivered) is among the rows watched.
        assert rows["portfolio.budget_accounts.household_id"].startswith("1:"), rows
        victim.inbox_item_id = view["inbox"]["edges"][0]["node"]["id"]
        victim.audit_event_id = view["auditLog"]["edges"][0]["node"]["id"]
        cursors = await alice.run(
            "query($h: ID!) { accounts { pageInfo { endCursor } } portfolios { pageInfo { endCursor } } "
            "inbox { pageInfo { endCursor } } auditLog(householdId: $h) { pageInfo { endCursor } } }",
            h=household_id,
        )
        victim.cursors = {name: value["pageInfo"]["endCursor"] for name, value in cursors.items()}

        mallory = Client(http, stack.router_url)
        mallory_registered = await register(mallory, f"Mallory{uuid.uuid4().hex[:8]}", "Mallory's")
        mallory_account = await create(
            mallory, "accountCreate", "account", name="Mallory's", type="CASH", currency="EUR"
        )
        yield Scene(
            stack=stack,
            http=http,
            victim=victim,
            alice=alice,
            vic=vic,
            mallory=Attacker(mallory, mallory_registered.user_id, mallory_registered.household_id, mallory_account),
            ledger=ledger,
            read_key=read_key["apiKeyCreate"]["secret"],
            key=load_or_create_signing_key(pem=None, path=stack.settings.jwt_key_path, create=False),
        )


# ---------------------------------------------------------------------------------------------------------------
# 2. Cross-household access by guessed ids, through the router.


def _http_attacks() -> list[Any]:
    params = []
    for coordinate, attacks in ATTACKS.items():
        for index, attack in enumerate(attacks):
            if attack.operation == "subscription":
                continue
            marks = [pytest.mark.xfail(strict=True, reason=attack.known_gap)] if attack.known_gap else []
            params.append(pytest.param(coordinate, attack, id=f"{coordinate}#{index}", marks=marks))
    return params


@pytest.mark.parametrize(("coordinate", "attack"), _http_attacks())
async def test_another_household_cannot_reach_alice(scene: Scene, coordinate: str, attack: Attack) -> None:
    field_name = coordinate.split(".")[1]
    mallory = await scene.fresh_attacker() if attack.operation == "mutation" else scene.mallory.client
    variables = attack.variables(scene.victim)
    answer = await ask(scene.http, scene.stack.router_url, attack.document, variables, headers=bearer(mallory.token))
    assert_no_leak(answer.text, scene.victim, sent=ids_in(variables, scene.victim))
    assert_refused(attack.refused, answer, field_name)

    ghost = Victim.ghost()
    missing = await ask(
        scene.http, scene.stack.router_url, attack.document, attack.variables(ghost), headers=bearer(mallory.token)
    )
    assert _normalised(answer, scene.victim.ids) == _normalised(missing, ghost.ids), (
        "another household's id must answer exactly like a missing id"
    )

    anonymous = await ask(scene.http, scene.stack.router_url, attack.document, variables)
    assert_no_leak(anonymous.text, scene.victim, sent=scene.victim.ids)
    if attack.anonymous is Refused.NULL and "UNAUTHENTICATED" in anonymous.error_codes:
        attack = replace(attack, anonymous=Refused.UNAUTHENTICATED)  # the router may refuse before the subgraph
    assert_refused(attack.anonymous, anonymous, field_name)
    await scene.ledger.assert_intact()


# ---------------------------------------------------------------------------------------------------------------
# 3. _entities straight at each subgraph, as a compromised network path would ask.


def _entity_query(coordinate: str) -> str:
    subgraph, type_name = coordinate.split(":")
    selection = load_subgraph(subgraph).selection(type_name)
    return f"query($r: [_Any!]!) {{ _entities(representations: $r) {{ ... on {type_name} {selection} }} }}"


def _stub_leaks(entity: Any, stub: frozenset[str], representation: Mapping[str, Any]) -> list[str]:
    if entity is None:
        return []
    if not stub:
        return sorted(entity)
    return sorted(
        name
        for name, value in entity.items()
        if (name not in stub and value is not None) or (name in stub and value != representation.get(name))
    )


@pytest.mark.parametrize("coordinate", sorted(ENTITY_ATTACKS))
async def test_entities_reveal_nothing_of_another_household(scene: Scene, coordinate: str) -> None:
    subgraph, type_name = coordinate.split(":")
    attack = ENTITY_ATTACKS[coordinate]
    url = scene.stack.subgraph_url(subgraph)
    query = _entity_query(coordinate)
    service = {SERVICE_TOKEN_HEADER: TEST_SERVICE_TOKEN}
    ghost = Victim.ghost()

    def representations(victim: Victim) -> dict[str, Any]:
        return {"r": [{"__typename": type_name, "id": attack.id_of(victim)}]}

    def forwarded(token: str | None) -> dict[str, Any]:
        return {"extensions": {"jwt": {"token": {"value": token}}}} if token else {}

    mallory = scene.mallory.client.token
    callers = {
        "Mallory's token, forwarded as the router does": {"headers": service, "extra_body": forwarded(mallory)},
        "Mallory's token as a Bearer header": {"headers": {**service, **bearer(mallory)}},
        "no token": {"headers": service},
    }
    for caller, kwargs in callers.items():
        answer = await ask(scene.http, url, query, representations(scene.victim), **kwargs)
        sent = {attack.id_of(scene.victim)}
        assert_no_leak(answer.text, scene.victim, sent=sent)
        assert answer.status == 200, f"{caller}: {answer.text}"
        entities = (answer.data or {}).get("_entities") or [None]
        leaks = _stub_leaks(entities[0], attack.stub, representations(scene.victim)["r"][0])
        assert not leaks, f"{caller}: {coordinate} answered {leaks} of the victim's: {answer.text}"
        missing = await ask(scene.http, url, query, representations(ghost), **kwargs)
        assert _normalised(answer, scene.victim.ids) == _normalised(missing, ghost.ids), (
            f"{caller}: another household's {type_name} must answer exactly like a missing one"
        )

    without_credential = await ask(
        scene.http, url, query, representations(scene.victim), headers=bearer(mallory), extra_body=forwarded(mallory)
    )
    assert without_credential.status == 403, without_credential.text
    await scene.ledger.assert_intact()


async def test_entities_do_answer_the_owner(scene: Scene) -> None:
    """The control that makes the test above able to fail: the same request with Alice's token sees her data."""
    seen = {}
    for coordinate, attack in ENTITY_ATTACKS.items():
        if attack.stub or not attack.owner_sees:
            continue
        subgraph, type_name = coordinate.split(":")
        answer = await ask(
            scene.http,
            scene.stack.subgraph_url(subgraph),
            _entity_query(coordinate),
            {"r": [{"__typename": type_name, "id": attack.id_of(scene.victim)}]},
            headers={SERVICE_TOKEN_HEADER: TEST_SERVICE_TOKEN},
            extra_body={"extensions": {"jwt": {"token": {"value": scene.alice.token}}}},
        )
        seen[coordinate] = ((answer.data or {}).get("_entities") or [None])[0]
    assert {c: e is not None for c, e in seen.items()} == dict.fromkeys(seen, True), seen


async def test_the_router_does_not_expose_entities(scene: Scene) -> None:
    answer = await ask(
        scene.http,
        scene.stack.router_url,
        'query { _entities(representations: [{__typename: "Account", id: "x"}]) { __typename } }',
        {},
        headers=bearer(scene.mallory.client.token),
    )
    assert answer.data is None, answer.text
    assert answer.body.get("errors"), answer.text


async def test_password_reset_does_not_tell_who_is_registered(scene: Scene) -> None:
    document = "mutation($e: String!) { passwordResetRequest(email: $e) { ok errors { __typename } } }"
    known = await ask(scene.http, scene.stack.router_url, document, {"e": scene.victim.email})
    unknown = await ask(scene.http, scene.stack.router_url, document, {"e": Victim.ghost().email})
    assert known.body == unknown.body == {"data": {"passwordResetRequest": {"ok": True, "errors": []}}}
    await scene.ledger.settle()  # Alice was mailed a reset link: her rows did change


# ---------------------------------------------------------------------------------------------------------------
# 4. A viewer of Alice's household reads but cannot write.


def _viewer_tokens(scene: Scene) -> dict[str, str]:
    """The invited viewer's real token, and a viewer-only token signed with the stack's key (so that
    "the viewer's first household", the default of several mutations, is Alice's)."""
    assert scene.vic.token is not None
    signed = scene.key.issue(
        user_id=uuid.UUID(scene.mallory.user_id),
        households=[(uuid.UUID(scene.victim.household_id), Role.VIEWER)],
        ttl=timedelta(minutes=10),
    )
    return {"invited viewer": scene.vic.token, "signed viewer-only token": signed, "read-only API key": scene.read_key}


@pytest.mark.parametrize("coordinate", sorted(VIEWER_WRITES))
async def test_a_viewer_cannot_mutate(scene: Scene, coordinate: str) -> None:
    field_name = coordinate.split(".")[1]
    for holder, token in _viewer_tokens(scene).items():
        for attack in VIEWER_WRITES[coordinate]:
            variables = attack.variables(scene.victim)
            if holder == "invited viewer" and not ids_in(variables, scene.victim):
                continue  # the invited viewer's first household is her own: defaults would rightly write there
            answer = await ask(scene.http, scene.stack.router_url, attack.document, variables, headers=bearer(token))
            refused = Refused.USER_ERROR if attack.refused is Refused.NOT_FOUND else attack.refused
            try:
                assert_refused(refused, answer, field_name)
            except AssertionError as exc:
                raise AssertionError(f"{holder}: {exc}") from exc
    await scene.ledger.assert_intact()


@pytest.mark.parametrize("coordinate", sorted(c for c in VIEWER_READS if c.startswith("Query.")))
async def test_a_viewer_reads_what_members_read(scene: Scene, coordinate: str) -> None:
    read = VIEWER_READS[coordinate]
    field_name = coordinate.split(".")[1]
    for holder, token in _viewer_tokens(scene).items():
        answer = await ask(
            scene.http, scene.stack.router_url, read.document, read.variables(scene.victim), headers=bearer(token)
        )
        assert answer.status == 200, answer.text
        assert "errors" not in answer.body, answer.text
        if read.sees is None:
            assert_refused(Refused.EMPTY if "edges" in read.document else Refused.NULL, answer, field_name)
            assert_no_leak(answer.text, scene.victim, sent=ids_in(read.variables(scene.victim), scene.victim))
        else:
            assert read.sees(scene.victim) in answer.text, f"{holder} should see it: {answer.text}"
    await scene.ledger.assert_intact()


READ_KEY_ATTEMPTS: dict[str, Attack] = {
    **{coordinate: ATTACKS[coordinate][0] for coordinate in SELF_ONLY},
    "Mutation.passwordChange, right password": Attack(
        """mutation($input: PasswordChangeInput!) { passwordChange(input: $input) { ok errors { __typename } } }""",
        Refused.USER_ERROR,
        lambda v: {"input": {"currentPassword": "correct horse battery", "newPassword": "a brand new password"}},
    ),
    "Mutation.logout, everywhere": Attack(
        "mutation { logout(input: {everywhere: true}) { ok errors { __typename } } }", Refused.USER_ERROR
    ),
    # Alice's own notification settings: a script holding her READ key must not send her notifications elsewhere.
    **{
        f"{coordinate}, Alice's own": ATTACKS[coordinate][0]
        for coordinate in (
            "Mutation.channelCreate",
            "Mutation.channelUpdate",
            "Mutation.channelDelete",
            "Mutation.notificationPreferencesSet",
            "Mutation.inboxMarkRead",
            "Mutation.inboxMarkUnread",
            "Mutation.deliveryReplay",
        )
    },
    "Mutation.inboxMarkRead, all of Alice's": ATTACKS["Mutation.inboxMarkRead"][1],
}
"""Everything a READ key could try on its owner's own account (it holds no password, so give it the right one)."""


@pytest.mark.parametrize(
    "attempt",
    list(READ_KEY_ATTEMPTS),
)
async def test_a_read_only_api_key_cannot_act_for_its_owner(scene: Scene, attempt: str) -> None:
    """A READ key acts as Alice, as a viewer: not even her own account's mutations are open to it."""
    attack = READ_KEY_ATTEMPTS[attempt]
    field_name = attempt.split(".")[1].split(",")[0]
    answer = await ask(
        scene.http,
        scene.stack.router_url,
        attack.document,
        attack.variables(scene.victim),
        headers=bearer(scene.read_key),
    )
    if not (answer.status in (401, 403) or {"UNAUTHENTICATED", "FORBIDDEN"} & set(answer.error_codes)):
        assert_refused(Refused.USER_ERROR, answer, field_name)
    await scene.ledger.assert_intact()


async def test_a_viewer_hears_the_households_events(scene: Scene) -> None:
    read = VIEWER_READS["Subscription.transactionCreated"]
    assert read.sees is not None
    socket = await Socket.open(scene.stack.router_url, {"authorization": f"Bearer {scene.vic.token}"})
    try:
        await socket.subscribe("vic", read.document)
        await until_heard(socket, "vic", lambda: scene.probe_transaction(scene.alice, scene.victim.account_id))
        assert read.sees(scene.victim) in json.dumps(socket.log)
    finally:
        await socket.close()
    await scene.ledger.settle()


# ---------------------------------------------------------------------------------------------------------------
# 5. Forged, stale and misdirected tokens.


def _b64(part: Mapping[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part, separators=(",", ":")).encode()).rstrip(b"=").decode()


def _claims(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def bad_tokens(scene: Scene) -> dict[str, str]:
    """Tokens that claim ownership of Alice's household, each wrong in one way."""
    key = scene.key
    mallory = uuid.UUID(scene.mallory.user_id)
    alice_household = uuid.UUID(scene.victim.household_id)
    as_owner = [(alice_household, Role.OWNER)]
    mallory_token = scene.mallory.client.token
    assert mallory_token is not None
    claims = {
        **_claims(mallory_token),
        "households": [{"id": scene.victim.household_id, "role": "owner"}],
    }
    header, _, signature = mallory_token.split(".")
    forger = SigningKey.generate()
    public_pem = key._private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    hs_header = _b64({"alg": "HS256", "typ": "JWT", "kid": key.kid})
    hs_signing_input = f"{hs_header}.{_b64(claims)}"
    hs_signature = base64.urlsafe_b64encode(
        hmac.new(public_pem, hs_signing_input.encode(), hashlib.sha256).digest()
    ).rstrip(b"=")
    no_exp = {k: v for k, v in claims.items() if k != "exp"}
    return {
        "expired": key.issue(user_id=mallory, households=as_owner, ttl=timedelta(seconds=-120)),
        "tampered payload": f"{header}.{_b64(claims)}.{signature}",
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.",
        "alg None with kid": f"{_b64({'alg': 'None', 'typ': 'JWT', 'kid': key.kid})}.{_b64(claims)}.",
        "HS256 keyed with the public key": f"{hs_signing_input}.{hs_signature.decode()}",
        "another key, same kid": jwt.encode(claims, forger._private, algorithm="RS256", headers={"kid": key.kid}),
        "another key, its own kid": forger.issue(user_id=mallory, households=as_owner, ttl=timedelta(minutes=5)),
        "wrong audience": key.issue(
            user_id=mallory, households=as_owner, ttl=timedelta(minutes=5), extra={"aud": "someone-else"}
        ),
        "wrong issuer": key.issue(
            user_id=mallory, households=as_owner, ttl=timedelta(minutes=5), extra={"iss": "https://evil.example"}
        ),
        "no expiry": jwt.encode(no_exp, key._private, algorithm="RS256", headers={"kid": key.kid}),
    }


TOKEN_PROBES = {
    "read": (
        "query($h: ID) { accounts(householdId: $h) { edges { node { id name } } } }",
        lambda v: {"h": v.household_id},
        "accounts",
    ),
    "write": (
        ATTACKS["Mutation.transactionCreate"][0].document,
        ATTACKS["Mutation.transactionCreate"][0].variables,
        "transactionCreate",
    ),
}


async def test_the_probes_would_see_alice_with_a_genuine_token(scene: Scene) -> None:
    """The control for the token attacks: the same claims, genuinely signed, do reach Alice's data."""
    genuine = scene.key.issue(
        user_id=uuid.UUID(scene.mallory.user_id),
        households=[(uuid.UUID(scene.victim.household_id), Role.VIEWER)],
        ttl=timedelta(minutes=5),
    )
    document, variables, _ = TOKEN_PROBES["read"]
    answer = await ask(scene.http, scene.stack.router_url, document, variables(scene.victim), headers=bearer(genuine))
    assert scene.victim.account_id in answer.text, answer.text


BAD_TOKENS = (
    "expired",
    "tampered payload",
    "alg none",
    "alg None with kid",
    "HS256 keyed with the public key",
    "another key, same kid",
    "another key, its own kid",
    "wrong audience",
    "wrong issuer",
    "no expiry",
)


async def test_every_bad_token_is_tried(scene: Scene) -> None:
    assert sorted(bad_tokens(scene)) == sorted(BAD_TOKENS)


@pytest.mark.parametrize("kind", BAD_TOKENS)
async def test_the_router_refuses_bad_tokens(scene: Scene, kind: str) -> None:
    token = bad_tokens(scene)[kind]
    for probe, (document, variables, field_name) in TOKEN_PROBES.items():
        answer = await ask(scene.http, scene.stack.router_url, document, variables(scene.victim), headers=bearer(token))
        assert_no_leak(answer.text, scene.victim, sent=ids_in(variables(scene.victim), scene.victim))
        try:
            assert_refused(Refused.UNAUTHENTICATED, answer, field_name)
        except AssertionError as exc:
            raise AssertionError(f"{probe}: {exc}") from exc
    how = await refused_subscription(
        scene.stack.router_url,
        {"authorization": f"Bearer {token}"},
        ATTACKS["Subscription.transactionCreated"][0].document,
        {"h": scene.victim.household_id},
    )
    assert how, "the subscription was not refused"
    await scene.ledger.assert_intact()


@pytest.mark.parametrize("kind", BAD_TOKENS)
async def test_the_subgraphs_refuse_bad_tokens(scene: Scene, kind: str) -> None:
    """Zero trust: every subgraph checks the token itself, even from behind the service credential."""
    token = bad_tokens(scene)[kind]
    service = {SERVICE_TOKEN_HEADER: TEST_SERVICE_TOKEN}
    forwarded = {"extensions": {"jwt": {"token": {"value": token}, "payload": _claims(token)}}}
    for subgraph in SUBGRAPHS:
        url = scene.stack.subgraph_url(subgraph)
        as_router = await ask(scene.http, url, "{ __typename }", {}, headers=service, extra_body=forwarded)
        assert as_router.status == 401, f"{subgraph}, forwarded: {as_router.text}"
        as_header = await ask(scene.http, url, "{ __typename }", {}, headers={**service, **bearer(token)})
        assert as_header.status == 401, f"{subgraph}, Bearer: {as_header.text}"
    with pytest.raises((websockets.ConnectionClosed, AssertionError)):
        socket = await Socket.open(
            scene.stack.subgraph_url("notification"), {"serviceToken": TEST_SERVICE_TOKEN, "token": token}
        )
        await socket.close()
    await scene.ledger.assert_intact()


async def test_claims_sent_by_a_client_are_not_trusted(scene: Scene) -> None:
    """A client cannot hand the subgraphs claims of its own making through the router's forwarding field."""
    forged = bad_tokens(scene)["tampered payload"]
    for probe, (document, variables, field_name) in TOKEN_PROBES.items():
        answer = await ask(
            scene.http,
            scene.stack.router_url,
            document,
            variables(scene.victim),
            extra_body={"extensions": {"jwt": {"payload": _claims(forged), "token": {"value": forged}}}},
        )
        assert_no_leak(answer.text, scene.victim, sent=ids_in(variables(scene.victim), scene.victim))
        try:
            assert_refused(Refused.UNAUTHENTICATED, answer, field_name)
        except AssertionError as exc:
            raise AssertionError(f"{probe}: {exc}") from exc
    await scene.ledger.assert_intact()


# ---------------------------------------------------------------------------------------------------------------
# 6. Subscriptions.


class Socket:
    """A graphql-transport-ws connection carrying several subscriptions; every message is kept in ``log``."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.log: list[dict[str, Any]] = []

    @classmethod
    async def open(cls, url: str, params: Mapping[str, Any]) -> Socket:
        socket = await websockets.connect(
            url.replace("http://", "ws://"), subprotocols=[Subprotocol("graphql-transport-ws")]
        )
        await socket.send(json.dumps({"type": "connection_init", "payload": dict(params)}))
        ack = json.loads(await asyncio.wait_for(socket.recv(), 10))
        assert ack["type"] == "connection_ack", ack
        return cls(socket)

    async def subscribe(self, id_: str, document: str, variables: Mapping[str, Any] | None = None) -> None:
        payload = {"query": document, "variables": dict(variables or {})}
        await self.socket.send(json.dumps({"id": id_, "type": "subscribe", "payload": payload}))

    async def receive(self, timeout: float) -> dict[str, Any]:
        while True:
            message = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
            if message["type"] == "ping":
                await self.socket.send(json.dumps({"type": "pong"}))
                continue
            if message["type"] == "pong":
                continue
            self.log.append(message)
            return dict(message)

    async def drain(self, seconds: float) -> list[dict[str, Any]]:
        received: list[dict[str, Any]] = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                received.append(await self.receive(left))
            except TimeoutError:
                break
        return received

    async def close(self) -> None:
        await self.socket.close()


async def until_heard(socket: Socket, id_: str, probe: Callable[[], Any], *, within: float = 20) -> dict[str, Any]:
    """Send probes until subscription ``id_`` hears one: it is live. The protocol has no acknowledgement."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        await probe()
        for message in await socket.drain(0.5):
            if message.get("id") == id_ and message["type"] == "next":
                return message
    raise AssertionError(f"subscription {id_} never went live")


async def refused_subscription(url: str, params: Mapping[str, Any], document: str, variables: Mapping[str, Any]) -> str:
    """How a subscription was refused (closed, error, complete, or a `next` carrying only errors); fails if it
    was not."""
    try:
        socket = await Socket.open(url, params)
    except websockets.ConnectionClosed as closed:
        return f"closed {closed.rcvd.code if closed.rcvd else '?'} at connection_init"
    except AssertionError as refused:
        return f"not acknowledged: {refused}"
    try:
        await socket.subscribe("1", document, variables)
        message = await socket.receive(10)
    except websockets.ConnectionClosed as closed:
        return f"closed {closed.rcvd.code if closed.rcvd else '?'}"
    finally:
        await socket.close()
    if message["type"] == "error":
        return "error"
    if message["type"] == "next" and message["payload"].get("errors") and not message["payload"].get("data"):
        return f"errors: {message['payload']['errors']}"
    raise AssertionError(f"the subscription was accepted: {message}")


@pytest.mark.parametrize("entry", ["router", "notification subgraph"])
async def test_subscriptions_never_deliver_another_households_events(scene: Scene, entry: str) -> None:
    mallory = scene.mallory
    params: dict[str, Any]
    if entry == "router":
        url, params = scene.stack.router_url, {"authorization": f"Bearer {mallory.client.token}"}
    else:  # as a compromised network path would: the service credential and Mallory's own valid token
        url = scene.stack.subgraph_url("notification")
        params = {"serviceToken": TEST_SERVICE_TOKEN, "token": mallory.client.token}
    attacks = ATTACKS["Subscription.transactionCreated"]
    alice_socket = await Socket.open(scene.stack.router_url, {"authorization": f"Bearer {scene.alice.token}"})
    eavesdropper = await Socket.open(url, params)
    try:
        await alice_socket.subscribe("alice", attacks[1].document)
        for index, attack in enumerate(attacks):
            await eavesdropper.subscribe(f"attack{index}", attack.document, attack.variables(scene.victim))
        # Subscribed last on the same connection: once it hears Mallory's own probe, the attacks are live too.
        await eavesdropper.subscribe("probe", attacks[1].document)
        await until_heard(eavesdropper, "probe", lambda: scene.probe_transaction(mallory.client, mallory.account_id))
        await until_heard(alice_socket, "alice", lambda: scene.probe_transaction(scene.alice, scene.victim.account_id))

        payee = f"Alicepayee-live-{uuid.uuid4().hex[:8]}"
        secret = await create(
            scene.alice,
            "transactionCreate",
            "transaction",
            accountId=scene.victim.account_id,
            date="2026-11-28",
            amount="-13.37",
            payee=payee,
        )
        deadline = time.monotonic() + 10
        while payee not in json.dumps(alice_socket.log) and time.monotonic() < deadline:
            await alice_socket.drain(0.2)
        assert payee in json.dumps(alice_socket.log), "Alice did not hear her own transaction"
        await eavesdropper.drain(1.5)
        # Still live after all that: the silence above was not a dead socket.
        await until_heard(eavesdropper, "probe", lambda: scene.probe_transaction(mallory.client, mallory.account_id))
    finally:
        await alice_socket.close()
        await eavesdropper.close()
    heard = json.dumps(eavesdropper.log)
    for leak in (payee, secret, scene.victim.household_id, scene.victim.account_id):
        assert leak not in heard, f"Mallory heard Alice's {leak}: {heard[:2000]}"
    assert_no_leak(heard, scene.victim)
    assert not [m for m in eavesdropper.log if m.get("id") == "attack0" and m["type"] == "next"], heard[:2000]
    await scene.ledger.settle()


async def test_notifications_reach_their_own_user_only(scene: Scene) -> None:
    """Mallory, subscribed to notifications with Alice's household and without, hears her own and nothing of
    Alice's; Vic, a viewer of Alice's household, hears his own notification of Alice's transaction."""
    mallory = scene.mallory
    attacks = ATTACKS["Subscription.notificationReceived"]
    read = VIEWER_READS["Subscription.notificationReceived"]
    assert read.sees is not None
    eavesdropper = await Socket.open(scene.stack.router_url, {"authorization": f"Bearer {mallory.client.token}"})
    vic = await Socket.open(scene.stack.router_url, {"authorization": f"Bearer {scene.vic.token}"})
    try:
        for index, attack in enumerate(attacks):
            await eavesdropper.subscribe(f"attack{index}", attack.document, attack.variables(scene.victim))
        await eavesdropper.subscribe("probe", attacks[1].document)
        await until_heard(eavesdropper, "probe", lambda: scene.probe_transaction(mallory.client, mallory.account_id))
        await vic.subscribe("vic", read.document)
        heard = await until_heard(vic, "vic", lambda: scene.probe_transaction(scene.alice, scene.victim.account_id))
        assert read.sees(scene.victim) in json.dumps(heard)
        await eavesdropper.drain(1.5)
    finally:
        await eavesdropper.close()
        await vic.close()
    mine = [m for m in eavesdropper.log if m.get("type") == "next" and m.get("id") != "attack0"]
    assert mine, "Mallory should hear her own notifications"
    assert not [m for m in eavesdropper.log if m.get("id") == "attack0" and m["type"] == "next"]
    assert_no_leak(json.dumps(eavesdropper.log), scene.victim)
    await scene.ledger.settle()


async def test_price_subscriptions_never_deliver_another_households_prices(scene: Scene) -> None:
    """Mallory names Alice's own instrument, or none, and hears only her own: Alice's price never reaches her."""
    mallory = scene.mallory
    own = await create(
        mallory.client, "instrumentCreate", "instrument", householdId=mallory.household_id, symbol="MALLORYS",
        name="Mallory's", currency="EUR", assetClass="REAL_ESTATE",
    )  # fmt: skip
    price_set = """mutation($input: PriceSetInput!) { priceSet(input: $input) { price { date } errors { message } } }"""

    async def set_price(client: Client, instrument: str, price: str) -> None:
        answer = await client.run(price_set, input={"instrumentId": instrument, "date": "2026-11-27", "price": price})
        assert answer["priceSet"]["errors"] == [], answer

    attacks = ATTACKS["Subscription.pricesUpdated"]
    alice_socket = await Socket.open(scene.stack.router_url, {"authorization": f"Bearer {scene.alice.token}"})
    eavesdropper = await Socket.open(scene.stack.router_url, {"authorization": f"Bearer {mallory.client.token}"})
    try:
        await alice_socket.subscribe("alice", attacks[1].document)
        for index, attack in enumerate(attacks):
            await eavesdropper.subscribe(f"attack{index}", attack.document, attack.variables(scene.victim))
        await eavesdropper.subscribe("probe", attacks[0].document, {"ids": [own]})
        probes = iter(range(1, 1000))
        await until_heard(eavesdropper, "probe", lambda: set_price(mallory.client, own, f"{next(probes)}.5"))
        secret_price = "987654.32"
        await set_price(scene.alice, scene.victim.instrument_id, secret_price)
        deadline = time.monotonic() + 10
        while secret_price not in json.dumps(alice_socket.log) and time.monotonic() < deadline:
            await alice_socket.drain(0.2)
        assert secret_price in json.dumps(alice_socket.log), "Alice did not hear her own price"
        await eavesdropper.drain(1.5)
    finally:
        await alice_socket.close()
        await eavesdropper.close()
    heard = json.dumps(eavesdropper.log)
    assert secret_price not in heard, heard[:2000]
    assert scene.victim.instrument_id not in heard, heard[:2000]
    assert not [m for m in eavesdropper.log if m.get("id") == "attack0" and m["type"] == "next"], heard[:2000]
    await scene.ledger.settle()


@pytest.mark.parametrize("index", range(len(ATTACKS["Subscription.transactionCreated"])))
async def test_anonymous_subscriptions_are_refused(scene: Scene, index: int) -> None:
    attack = ATTACKS["Subscription.transactionCreated"][index]
    assert await refused_subscription(scene.stack.router_url, {}, attack.document, attack.variables(scene.victim))


async def test_a_subscription_ends_when_its_token_expires(scene: Scene) -> None:
    """A member removed from a household keeps no live window into it past the token's lifetime."""
    mallory = scene.mallory
    short = scene.key.issue(
        user_id=uuid.UUID(mallory.user_id),
        households=[(uuid.UUID(mallory.household_id), Role.OWNER)],
        ttl=timedelta(seconds=4),
    )
    socket = await Socket.open(scene.stack.router_url, {"authorization": f"Bearer {short}"})
    try:
        await socket.subscribe("short", ATTACKS["Subscription.transactionCreated"][1].document)
        await until_heard(socket, "short", lambda: scene.probe_transaction(mallory.client, mallory.account_id))
        await asyncio.sleep(max(0.0, _claims(short)["exp"] - time.time()) + 1)
        expired = len(socket.log)
        await scene.probe_transaction(mallory.client, mallory.account_id)
        with contextlib.suppress(websockets.ConnectionClosed):  # closing is one way to end it
            await socket.drain(3)
    finally:
        await socket.close()
    after = socket.log[expired:]
    delivered = [m for m in after if m["type"] == "next" and (m["payload"].get("data") or {}).get("transactionCreated")]
    assert not delivered, f"an expired token still hears events: {delivered}"


# ---------------------------------------------------------------------------------------------------------------
# 7. The ledger's live balances.


@pytest.mark.parametrize("entry", ["router", "budget subgraph"])
async def test_balance_subscriptions_never_deliver_another_households_accounts(scene: Scene, entry: str) -> None:
    mallory = scene.mallory
    params: dict[str, Any]
    if entry == "router":
        url, params = scene.stack.router_url, {"authorization": f"Bearer {mallory.client.token}"}
    else:  # as a compromised network path would: the service credential and Mallory's own valid token
        url = scene.stack.subgraph_url("budget")
        params = {"serviceToken": TEST_SERVICE_TOKEN, "token": mallory.client.token}
    attacks = ATTACKS["Subscription.accountBalanceChanged"]
    alice_socket = await Socket.open(scene.stack.router_url, {"authorization": f"Bearer {scene.alice.token}"})
    eavesdropper = await Socket.open(url, params)
    try:
        await alice_socket.subscribe("alice", attacks[1].document)
        for index, attack in enumerate(attacks):
            await eavesdropper.subscribe(f"attack{index}", attack.document, attack.variables(scene.victim))
        await eavesdropper.subscribe("probe", attacks[1].document)
        await until_heard(eavesdropper, "probe", lambda: scene.probe_transaction(mallory.client, mallory.account_id))
        await until_heard(alice_socket, "alice", lambda: scene.probe_transaction(scene.alice, scene.victim.account_id))

        await create(
            scene.alice,
            "transactionCreate",
            "transaction",
            accountId=scene.victim.account_id,
            date="2026-11-28",
            amount="-13.37",
            payee=f"Alicepayee-live-{uuid.uuid4().hex[:8]}",
        )
        deadline = time.monotonic() + 10
        while "-13.37" not in json.dumps(alice_socket.log) and time.monotonic() < deadline:
            await alice_socket.drain(0.2)
        assert "-13.37" not in json.dumps(alice_socket.log[:1]), "the probe already carried the new balance"
        assert any(
            m.get("id") == "alice" and scene.victim.account_id in json.dumps(m) for m in alice_socket.log[-3:]
        ), "Alice did not hear her own balance change"
        await eavesdropper.drain(1.5)
        await until_heard(eavesdropper, "probe", lambda: scene.probe_transaction(mallory.client, mallory.account_id))
    finally:
        await alice_socket.close()
        await eavesdropper.close()
    heard = json.dumps(eavesdropper.log)
    assert scene.victim.account_id not in heard, f"Mallory heard Alice's account: {heard[:2000]}"
    assert_no_leak(heard, scene.victim)
    assert not [m for m in eavesdropper.log if m.get("id") == "attack0" and m["type"] == "next"], heard[:2000]
    await scene.ledger.settle()


@pytest.mark.parametrize("index", range(len(ATTACKS["Subscription.accountBalanceChanged"])))
async def test_anonymous_balance_subscriptions_are_refused(scene: Scene, index: int) -> None:
    attack = ATTACKS["Subscription.accountBalanceChanged"][index]
    assert await refused_subscription(scene.stack.router_url, {}, attack.document, attack.variables(scene.victim))


async def test_a_viewer_hears_the_households_balances(scene: Scene) -> None:
    read = VIEWER_READS["Subscription.accountBalanceChanged"]
    assert read.sees is not None
    socket = await Socket.open(scene.stack.router_url, {"authorization": f"Bearer {scene.vic.token}"})
    try:
        await socket.subscribe("vic", read.document)
        await until_heard(socket, "vic", lambda: scene.probe_transaction(scene.alice, scene.victim.account_id))
        assert read.sees(scene.victim) in json.dumps(socket.log)
    finally:
        await socket.close()
    await scene.ledger.settle()


async def test_a_balance_subscription_ends_when_its_token_expires(scene: Scene) -> None:
    mallory = scene.mallory
    short = scene.key.issue(
        user_id=uuid.UUID(mallory.user_id),
        households=[(uuid.UUID(mallory.household_id), Role.OWNER)],
        ttl=timedelta(seconds=4),
    )
    socket = await Socket.open(scene.stack.router_url, {"authorization": f"Bearer {short}"})
    try:
        await socket.subscribe("short", ATTACKS["Subscription.accountBalanceChanged"][1].document)
        await until_heard(socket, "short", lambda: scene.probe_transaction(mallory.client, mallory.account_id))
        await asyncio.sleep(max(0.0, _claims(short)["exp"] - time.time()) + 1)
        expired = len(socket.log)
        await scene.probe_transaction(mallory.client, mallory.account_id)
        with contextlib.suppress(websockets.ConnectionClosed):  # closing is one way to end it
            await socket.drain(3)
    finally:
        await socket.close()
    after = socket.log[expired:]
    delivered = [
        m for m in after if m["type"] == "next" and (m["payload"].get("data") or {}).get("accountBalanceChanged")
    ]
    assert not delivered, f"an expired token still hears balances: {delivered}"
