"""GraphQL building blocks every subgraph shares: scalars, ``Money``, typed user errors, connections and the
schema factory (federation 2.9, parser and validation caches, error masking, per-operation session cleanup)."""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import strawberry
from graphql import GraphQLError, GraphQLObjectType
from sqlalchemy import Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.extensions import MaskErrors, ParserCache, SchemaExtension, ValidationCache
from strawberry.federation import Schema
from strawberry.permission import BasePermission
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from fincloud.money import Money, MoneyError, parse_amount

if TYPE_CHECKING:
    from fincloud.service import BaseContext

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "AuthenticationError",
    "Connection",
    "DecimalScalar",
    "Edge",
    "IsAuthenticated",
    "LiveInterruptedError",
    "MoneyType",
    "NotFoundError",
    "PageInfo",
    "RateLimitedError",
    "UserError",
    "UserInputError",
    "ValidationError",
    "create_schema",
    "decode_cursor",
    "encode_cursor",
    "page_size",
    "paginate",
    "parse_id",
    "to_connection",
]

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


class UserInputError(GraphQLError):
    """A request the caller must change; shown as is, with ``extensions.code = BAD_USER_INPUT``."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        extensions: dict[str, Any] = {"code": "BAD_USER_INPUT"}
        if field:
            extensions["field"] = field
        super().__init__(message, extensions=extensions)


class UnauthenticatedError(GraphQLError):
    """No valid access token where one is needed; ``extensions.code = UNAUTHENTICATED``."""

    def __init__(self, message: str = "sign in first") -> None:
        super().__init__(message, extensions={"code": "UNAUTHENTICATED"})


class LiveInterruptedError(GraphQLError):
    """A subscription that cannot go on, or start, because the server lost its message bus (Redis) for a moment;
    ``extensions.code = LIVE_INTERRUPTED``. Events of that moment were not heard: refetch, then subscribe again."""

    def __init__(
        self, message: str = "live updates were interrupted; fetch the latest data and subscribe again"
    ) -> None:
        super().__init__(message, extensions={"code": "LIVE_INTERRUPTED"})


class IsAuthenticated(BasePermission):
    """The field needs a signed-in viewer."""

    message = "sign in first"
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: strawberry.Info[Any, Any], **kwargs: Any) -> bool:
        return bool(info.context.viewer.is_authenticated)


def _parse_decimal(value: object) -> decimal.Decimal:
    try:
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return parse_amount(value)
    except MoneyError as exc:
        raise ValueError(str(exc)) from None
    raise ValueError('Decimal values are sent as strings, such as "12.30"')


DecimalScalar = strawberry.scalar(
    name="Decimal",
    description='An exact decimal number, sent as a string such as "-1234.56". Never a float.',
    serialize=lambda value: format(value, "f"),
    parse_value=_parse_decimal,
)


@strawberry.federation.type(name="Money", shareable=True, description="An exact amount in one currency.")
class MoneyType:
    amount: decimal.Decimal = strawberry.field(
        description="The amount, with as many decimal places as the currency's minor unit (or more for prices)."
    )
    currency: str = strawberry.field(description="ISO 4217 currency code, such as EUR.")

    @classmethod
    def of(cls, money: Money) -> MoneyType:
        return cls(amount=decimal.Decimal(money.display_amount()), currency=money.currency)


@strawberry.interface(description="A problem with the input that the caller can fix; nothing was changed.")
class UserError:
    message: str = strawberry.field(description="What is wrong, in words fit for the user.")


@strawberry.federation.type(shareable=True, description="An input field has an invalid value.")
class ValidationError(UserError):
    field: str = strawberry.field(description="The input field at fault, such as `amount`.")


@strawberry.federation.type(shareable=True, description="The thing asked for does not exist or is not yours.")
class NotFoundError(UserError):
    field: str = strawberry.field(description="The input field naming the missing thing, such as `accountId`.")


@strawberry.federation.type(shareable=True, description="Credentials were wrong, or no one is signed in.")
class AuthenticationError(UserError):
    pass


@strawberry.federation.type(shareable=True, description="Too many attempts; nothing was done.")
class RateLimitedError(UserError):
    retry_after: int = strawberry.field(description="Seconds to wait before trying again.")


USER_ERROR_TYPES: tuple[type, ...] = (ValidationError, NotFoundError, AuthenticationError, RateLimitedError)


@strawberry.federation.type(shareable=True, description="Where a page of a connection starts and ends.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow `endCursor`.")
    end_cursor: str | None = strawberry.field(description="Pass as `after` to fetch the next page.")


T = TypeVar("T")


@strawberry.type(description="One item of a connection, with the cursor that points at it.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of items (Relay connection).")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Paging information.")

    @strawberry.field(description="The items of this page without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def encode_cursor(*values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps([str(v) for v in values]).encode()).decode()


def decode_cursor(cursor: str, *, arity: int) -> list[str]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        raise UserInputError("invalid cursor", field="after") from None
    if not isinstance(values, list) or len(values) != arity:
        raise UserInputError("invalid cursor", field="after")
    return [str(v) for v in values]


def parse_id(value: strawberry.ID | str | None) -> uuid.UUID | None:
    """A UUID from an ID argument; a malformed id behaves like an id that does not exist."""
    try:
        return uuid.UUID(str(value)) if value is not None else None
    except ValueError:
        return None


def page_size(first: int | None) -> int:
    """The page size asked for, between 1 and ``MAX_PAGE_SIZE``; anything else is a user error."""
    if first is None:
        return DEFAULT_PAGE_SIZE
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise UserInputError(f"`first` must be between 1 and {MAX_PAGE_SIZE}", field="first")
    return first


def to_connection(rows: Sequence[Any], *, limit: int, node: Any, cursor: Any) -> Any:
    """A ``Connection`` from ``limit + 1`` fetched rows: the extra row only says a next page exists."""
    visible = rows[:limit]
    edges = [Edge(cursor=cursor(row), node=node(row)) for row in visible]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=len(rows) > limit, end_cursor=edges[-1].cursor if edges else None),
    )


def _parse_key(column: Any, value: str) -> Any:
    kind = column.type.python_type
    if kind is datetime.datetime:
        return datetime.datetime.fromisoformat(value)
    if kind is datetime.date:
        return datetime.date.fromisoformat(value)
    if kind is uuid.UUID:
        return uuid.UUID(value)
    if kind is int:
        return int(value)
    return value


async def paginate(
    session: AsyncSession,
    query: Select[Any],
    *,
    keys: Sequence[Any],
    node: Callable[[Any], T],
    first: int | None,
    after: str | None,
    descending: bool = False,
) -> Connection[T]:
    """A page of ``query`` ordered by ``keys`` (unique together), after the cursor ``after``.

    Keyset pagination: the cursor holds the last row's key values and the next page starts strictly after them,
    so pages stay stable while rows are added and each page costs one index range scan."""
    limit = page_size(first)
    if after is not None:
        try:
            values = [
                _parse_key(key, value) for key, value in zip(keys, decode_cursor(after, arity=len(keys)), strict=True)
            ]
        except ValueError:
            raise UserInputError("invalid cursor", field="after") from None
        position = tuple_(*keys) < tuple_(*values) if descending else tuple_(*keys) > tuple_(*values)
        query = query.where(position)
    query = query.order_by(*(key.desc() if descending else key for key in keys)).limit(limit + 1)
    rows = (await session.scalars(query)).all()
    return to_connection(
        rows, limit=limit, node=node, cursor=lambda row: encode_cursor(*(getattr(row, key.key) for key in keys))
    )


class SessionLifecycle(SchemaExtension):
    """Closes the request's database session when the operation (or subscription) ends."""

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context: BaseContext | Any = self.execution_context.context
        close = getattr(context, "close", None)
        if close is not None:
            await close()


def _should_mask(error: GraphQLError) -> bool:
    """Hide internals: only errors we raised on purpose (GraphQL errors) reach the client as written."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class SerialRootFields(StrawberryGraphQLCoreExecutionContext):
    """Runs a query's root fields one after another, as GraphQL runs a mutation's. They share the operation's
    database session (``BaseContext.session``), which runs one statement at a time: two reports asked for in one
    query (a dashboard) made the second fail while the first was still opening its connection. Nested fields are
    unaffected; they read through DataLoaders with sessions of their own."""

    def execute_root_grouped_field_set(
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: Any,
        serially: bool,
        position_context: Any,
    ) -> Any:
        return super().execute_root_grouped_field_set(root_type, root_value, grouped_field_set, True, position_context)


class FinCloudSchema(Schema):
    """Logs only unexpected errors: a user's bad input or missing sign-in is an answer, not an incident."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        unexpected = [
            e for e in errors if e.original_error is not None and not isinstance(e.original_error, GraphQLError)
        ]
        if unexpected:
            super().process_errors(unexpected, execution_context)


def create_schema(
    *,
    query: type,
    mutation: type | None = None,
    subscription: type | None = None,
    types: Iterable[type] = (),
    mask_errors: bool = True,
) -> Schema:
    """A federation 2.9 subgraph schema with FinCloud's scalars, caches and error handling."""
    extensions: list[Any] = [
        lambda: ParserCache(maxsize=512),  # the LRU itself is module-level, shared by every request
        lambda: ValidationCache(maxsize=512),
        SessionLifecycle,
    ]
    if mask_errors:
        extensions.append(lambda: MaskErrors(should_mask_error=_should_mask))
    return FinCloudSchema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        types=[*USER_ERROR_TYPES, *types],
        extensions=extensions,
        federation_version="2.9",
        config=StrawberryConfig(auto_camel_case=True, scalar_map={decimal.Decimal: DecimalScalar}),
        execution_context_class=SerialRootFields,
    )
