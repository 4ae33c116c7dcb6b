"""GraphQL types of automatic categorisation: rules, suggestions, why a transaction has its category, settings."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from subgraphs.budget.categorisation import rules as matching
from subgraphs.budget.categorisation.models import CategorisationSettings as SettingsRow
from subgraphs.budget.categorisation.models import Rule as RuleRow
from subgraphs.budget.categorisation.models import TransactionCategorisation as CategorisationRow
from subgraphs.budget.context import Context
from subgraphs.budget.services.categorise import Suggestion
from subgraphs.budget.services.rules import RuleChange as RuleChangeData
from subgraphs.budget.services.rules import RulesApplied

if TYPE_CHECKING:
    from subgraphs.budget.types import Transaction

__all__ = [
    "CategorisationApplied",
    "CategorisationSettings",
    "CategorisationSource",
    "CategorySuggestion",
    "Rule",
    "RuleChange",
    "RuleCondition",
    "RuleField",
    "RuleMatch",
    "RuleOperator",
    "RulesApplyResult",
    "TransactionCategorisation",
]


def _id(value: object | None) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


@strawberry.enum(description="What a rule condition looks at.")
class RuleField(Enum):
    PAYEE = strawberry.enum_value(matching.RuleField.PAYEE.value, description="The payee as it arrives.")
    MEMO = strawberry.enum_value(matching.RuleField.MEMO.value, description="The memo (the bank's text).")
    AMOUNT = strawberry.enum_value(matching.RuleField.AMOUNT.value, description="The amount.")
    ACCOUNT = strawberry.enum_value(matching.RuleField.ACCOUNT.value, description="The account.")


@strawberry.enum(description="How a rule condition compares.")
class RuleOperator(Enum):
    EQUALS = strawberry.enum_value(
        matching.Operator.EQUALS.value,
        description="PAYEE or MEMO: the same text, ignoring case, accents, punctuation and spacing.",
    )
    CONTAINS = strawberry.enum_value(
        matching.Operator.CONTAINS.value,
        description="PAYEE or MEMO: contains the text, ignoring case, accents, punctuation and spacing.",
    )
    STARTS_WITH = strawberry.enum_value(
        matching.Operator.STARTS_WITH.value,
        description="PAYEE or MEMO: starts with the text, ignoring case, accents, punctuation and spacing.",
    )
    MATCHES = strawberry.enum_value(
        matching.Operator.MATCHES.value,
        description="PAYEE or MEMO: the RE2 regular expression `value` is found in the text as written, ignoring "
        "case (RE2 syntax: no back-references or look-around).",
    )
    BETWEEN = strawberry.enum_value(
        matching.Operator.BETWEEN.value,
        description="AMOUNT: the amount's size, its sign ignored, is from `min` to `max` inclusive (either may be "
        "left out), in the transaction's own currency.",
    )
    IS_INFLOW = strawberry.enum_value(matching.Operator.IS_INFLOW.value, description="AMOUNT: money in (positive).")
    IS_OUTFLOW = strawberry.enum_value(matching.Operator.IS_OUTFLOW.value, description="AMOUNT: money out (negative).")
    IS_ONE_OF = strawberry.enum_value(
        matching.Operator.IS_ONE_OF.value, description="ACCOUNT: recorded on one of `accountIds`."
    )


@strawberry.enum(description="How a rule's conditions combine.")
class RuleMatch(Enum):
    ALL = strawberry.enum_value(matching.Match.ALL.value, description="Every condition must hold.")
    ANY = strawberry.enum_value(matching.Match.ANY.value, description="One condition is enough.")


@strawberry.type(description="One condition of a rule.")
class RuleCondition:
    field: RuleField = strawberry.field(description="What it looks at.")
    operator: RuleOperator = strawberry.field(description="How it compares.")
    value: str | None = strawberry.field(description="The text or regular expression (PAYEE, MEMO).")
    min: Decimal | None = strawberry.field(description="Smallest size, inclusive (AMOUNT BETWEEN).")
    max: Decimal | None = strawberry.field(description="Largest size, inclusive (AMOUNT BETWEEN).")
    account_ids: list[strawberry.ID] = strawberry.field(description="The accounts (ACCOUNT IS_ONE_OF).")

    @classmethod
    def of(cls, condition: matching.Condition) -> RuleCondition:
        return cls(
            field=RuleField(condition.field.value),
            operator=RuleOperator(condition.operator.value),
            value=condition.value,
            min=condition.min,
            max=condition.max,
            account_ids=[strawberry.ID(str(a)) for a in condition.account_ids],
        )


@strawberry.type(
    description="A categorisation rule. Enabled rules are tried in `position` order; each action (category, payee, "
    "tags) is decided by the first matching rule that has it. Conditions see a transaction as it arrived, before "
    "any rule renamed its payee."
)
class Rule:
    id: strawberry.ID = strawberry.field(description="Rule id.")
    household_id: strawberry.ID = strawberry.field(description="The household it belongs to.")
    name: str = strawberry.field(description="Its name, shown as the reason: rule 'Groceries'.")
    position: int = strawberry.field(description="Priority: lower comes first.")
    enabled: bool = strawberry.field(description="Disabled rules are kept but never applied.")
    match: RuleMatch = strawberry.field(description="Whether all conditions or any one must hold.")
    conditions: list[RuleCondition] = strawberry.field(description="What a transaction must look like.")
    set_category_id: strawberry.ID | None = strawberry.field(
        description="The category it gives (only to transactions without one on create and import)."
    )
    set_payee: str | None = strawberry.field(description="The payee name it gives.")
    add_tags: list[str] = strawberry.field(description="The tags it adds.")
    created_at: dt.datetime = strawberry.field(description="When it was created (UTC).")
    updated_at: dt.datetime = strawberry.field(description="When it was last changed (UTC).")

    @classmethod
    def from_row(cls, row: RuleRow) -> Rule:
        return cls(
            id=strawberry.ID(str(row.id)),
            household_id=strawberry.ID(str(row.household_id)),
            name=row.name,
            position=row.position,
            enabled=row.enabled,
            match=RuleMatch(row.match),
            conditions=[RuleCondition.of(matching.Condition.from_json(c)) for c in row.conditions],
            set_category_id=_id(row.set_category_id),
            set_payee=row.set_payee,
            add_tags=list(row.add_tags or []),
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@strawberry.enum(description="What chose a category.")
class CategorisationSource(Enum):
    RULE = strawberry.enum_value("rule", description="A rule of the household.")
    PAYEE = strawberry.enum_value("payee", description="The payee's default category.")
    LEARNED = strawberry.enum_value("learned", description="The household's own history of similar transactions.")


@strawberry.enum(description="How a chosen category came to be applied.")
class CategorisationApplied(Enum):
    CREATE = strawberry.enum_value("create", description="Automatically, when the transaction was recorded.")
    ACCEPT = strawberry.enum_value("accept", description="A member accepted the suggestion.")
    RERUN = strawberry.enum_value("rerun", description="Rules were run again over a date range.")


@strawberry.type(description="A category FinCloud suggests for a transaction without one, and why.")
class CategorySuggestion:
    category_id: strawberry.ID = strawberry.field(description="The suggested category.")
    confidence: float = strawberry.field(
        description="From 0 to 1: 1 for rules and payee defaults; for learned suggestions, the share of similar "
        "transactions in that category, counting one imaginary one against it."
    )
    reason: str = strawberry.field(
        description='Why, in words: "rule \'Groceries\'", "payee default", "learned from 14 similar transactions".'
    )
    source: CategorisationSource = strawberry.field(description="What suggests it.")
    rule_id: strawberry.ID | None = strawberry.field(description="The rule, when a rule suggests it.")
    payee: str | None = strawberry.field(description="The payee a rule would rename it to, if any.")
    tags: list[str] = strawberry.field(description="Tags a rule would add.")

    @classmethod
    def of(cls, suggestion: Suggestion) -> CategorySuggestion:
        return cls(
            category_id=strawberry.ID(str(suggestion.category_id)),
            confidence=round(suggestion.confidence, 4),
            reason=suggestion.reason,
            source=CategorisationSource(suggestion.source),
            rule_id=_id(suggestion.rule_id),
            payee=suggestion.payee,
            tags=list(suggestion.tags),
        )


@strawberry.type(description="Why a transaction has its category, when FinCloud chose it.")
class TransactionCategorisation:
    category_id: strawberry.ID = strawberry.field(description="The category chosen.")
    source: CategorisationSource = strawberry.field(description="What chose it.")
    reason: str = strawberry.field(description="Why, in words, as it was at the time.")
    confidence: float = strawberry.field(description="The confidence it had, from 0 to 1.")
    rule_id: strawberry.ID | None = strawberry.field(description="The rule, if a rule chose it and still exists.")
    applied: CategorisationApplied = strawberry.field(description="How it was applied.")
    at: dt.datetime = strawberry.field(description="When (UTC).")

    @classmethod
    def from_row(cls, row: CategorisationRow) -> TransactionCategorisation:
        return cls(
            category_id=strawberry.ID(str(row.category_id)),
            source=CategorisationSource(row.source),
            reason=row.reason,
            confidence=round(row.confidence, 4),
            rule_id=_id(row.rule_id),
            applied=CategorisationApplied(row.applied_by),
            at=row.created_at,
        )


@strawberry.type(description="A household's automatic categorisation settings.")
class CategorisationSettings:
    household_id: strawberry.ID = strawberry.field(description="The household.")
    auto_apply_threshold: float = strawberry.field(
        description="A learned suggestion at least this confident (0 to 1) is applied on create and import; "
        "weaker ones are only offered. Default 0.8."
    )
    learning_enabled: bool = strawberry.field(
        description="Whether suggestions are learned from the household's history at all."
    )

    @classmethod
    def of(cls, household_id: uuid.UUID, row: SettingsRow | None, default_threshold: float) -> CategorisationSettings:
        return cls(
            household_id=strawberry.ID(str(household_id)),
            auto_apply_threshold=row.auto_apply_threshold if row else default_threshold,
            learning_enabled=row.learning_enabled if row else True,
        )


@strawberry.type(description="What re-running the rules changes (or, on a dry run, would change) on one transaction.")
class RuleChange:
    transaction_id: strawberry.ID = strawberry.field(description="The transaction.")
    date: dt.date = strawberry.field(description="Its date.")
    category_id_before: strawberry.ID | None = strawberry.field(description="Its category before (if it changes).")
    category_id_after: strawberry.ID | None = strawberry.field(description="Its category after (if it changes).")
    category_changes: bool = strawberry.field(description="Whether its category changes.")
    payee_before: str | None = strawberry.field(description="Its payee before (if it changes).")
    payee_after: str | None = strawberry.field(description="Its payee after (if it changes).")
    tags_before: list[str] | None = strawberry.field(description="Its tags before (if they change).")
    tags_after: list[str] | None = strawberry.field(description="Its tags after (if they change).")
    reason: str = strawberry.field(description="The rules that decided it: \"rule 'Groceries'\".")
    rule_ids: list[strawberry.ID] = strawberry.field(description="Those rules' ids.")

    @strawberry.field(description="The transaction, as it is now.")
    async def transaction(
        self, info: strawberry.Info[Context, None]
    ) -> Annotated[Transaction, strawberry.lazy("subgraphs.budget.types")] | None:
        from subgraphs.budget.types import Transaction

        row = await info.context.loaders.transaction_by_id.load(uuid.UUID(str(self.transaction_id)))
        if row is None or not info.context.viewer.can_read(row.household_id):
            return None
        return Transaction.from_row(row)

    @classmethod
    def of(cls, change: RuleChangeData) -> RuleChange:
        before, after = change.before, change.after
        return cls(
            transaction_id=strawberry.ID(str(change.transaction_id)),
            date=change.date,
            category_id_before=_id(before.get("category_id")),
            category_id_after=_id(after.get("category_id")),
            category_changes="category_id" in after,
            payee_before=before.get("payee"),
            payee_after=after.get("payee"),
            tags_before=before.get("tags"),
            tags_after=after.get("tags"),
            reason=change.reason,
            rule_ids=[strawberry.ID(str(r)) for r in change.rule_ids],
        )


@strawberry.type(description="The outcome of running the rules over a date range.")
class RulesApplyResult:
    examined: int = strawberry.field(description="Transactions in the range that rules may change (no transfers).")
    changed: int = strawberry.field(description="Transactions changed, or on a dry run that would change.")
    dry_run: bool = strawberry.field(description="Whether nothing was written.")
    changes: list[RuleChange] = strawberry.field(description="The first 100 changes, by date.")

    @classmethod
    def of(cls, result: RulesApplied) -> RulesApplyResult:
        return cls(
            examined=result.examined,
            changed=result.changed,
            dry_run=result.dry_run,
            changes=[RuleChange.of(c) for c in result.preview],
        )
