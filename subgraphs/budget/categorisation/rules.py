"""Rules: conditions on a transaction, checked and compiled once, then evaluated many times. Pure; no I/O.

A condition is stored as JSON:

- ``{"field": "payee" | "memo", "operator": "equals" | "contains" | "starts_with", "value": "rewe"}``: compares
  the *folded* text (see ``text_key``: case, accents, punctuation and repeated spaces do not matter), so
  ``"Café  Müller GmbH."`` equals ``"cafe muller gmbh"``.
- ``{"field": "payee" | "memo", "operator": "matches", "value": "^(rewe|edeka)\\b"}``: an RE2 regular expression
  (https://github.com/google/re2/wiki/Syntax), searched case-insensitively in the text as written. RE2 runs in
  time linear in the text, so no pattern can stall a worker; it has no back-references or look-around.
- ``{"field": "amount", "operator": "between", "min": "10.00", "max": "50"}``: the amount's size, sign ignored,
  within the bounds (inclusive; either may be missing), compared exactly as decimals in the transaction's own
  currency.
- ``{"field": "amount", "operator": "is_inflow" | "is_outflow"}``: money in (positive) or out (negative).
- ``{"field": "account", "operator": "is_one_of", "account_ids": ["…"]}``: recorded on one of these accounts.

A transaction without a payee (or memo) matches no payee (or memo) condition. Conditions see the transaction as
it arrived, before any rule renamed its payee.

**Priority.** Enabled rules are tried in ascending position. Each action is decided by the first matching rule
that has it: the category by the first matching rule that sets a category, the payee by the first that renames,
the tags by the first that adds tags. A later rule can still fill an action that earlier matching rules left out.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

import re2

__all__ = [
    "MAX_CONDITIONS",
    "MAX_PATTERN_LENGTH",
    "Condition",
    "Match",
    "Operator",
    "Problem",
    "RuleField",
    "RuleOutcome",
    "RuleSet",
    "RuleSpec",
    "check_conditions",
    "compile_pattern",
    "text_key",
]

MAX_CONDITIONS = 20
MAX_TEXT_LENGTH = 300
MAX_PATTERN_LENGTH = 300
_RE2_MAX_MEM = 1 << 20
"""Memory RE2 may use for one compiled pattern (1 MiB): a pattern too large for it is refused as invalid."""


class RuleField(StrEnum):
    PAYEE = "payee"
    MEMO = "memo"
    AMOUNT = "amount"
    ACCOUNT = "account"


class Operator(StrEnum):
    EQUALS = "equals"
    CONTAINS = "contains"
    STARTS_WITH = "starts_with"
    MATCHES = "matches"
    BETWEEN = "between"
    IS_INFLOW = "is_inflow"
    IS_OUTFLOW = "is_outflow"
    IS_ONE_OF = "is_one_of"


class Match(StrEnum):
    ALL = "all"
    ANY = "any"


_TEXT_OPERATORS = frozenset({Operator.EQUALS, Operator.CONTAINS, Operator.STARTS_WITH, Operator.MATCHES})
_OPERATORS: dict[RuleField, frozenset[Operator]] = {
    RuleField.PAYEE: _TEXT_OPERATORS,
    RuleField.MEMO: _TEXT_OPERATORS,
    RuleField.AMOUNT: frozenset({Operator.BETWEEN, Operator.IS_INFLOW, Operator.IS_OUTFLOW}),
    RuleField.ACCOUNT: frozenset({Operator.IS_ONE_OF}),
}

_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s&@+]")


def text_key(text: str) -> str:
    """Text as conditions compare it: Unicode-folded, case-folded, punctuation and spacing collapsed. The same
    folding as ``services.payees.payee_key``, without its length cap."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", plain.casefold())).strip()


def _re2_options() -> Any:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = _RE2_MAX_MEM
    return options


def compile_pattern(pattern: str) -> Any:
    """The RE2 pattern, case-insensitive; ``ValueError`` with RE2's reason if it is not valid."""
    try:
        return re2.compile(pattern, _re2_options())
    except re2.error as exc:
        reason = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise ValueError(reason) from None


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a rule's input; ``field`` is the input path, such as ``conditions[1].value``."""

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class Condition:
    field: RuleField
    operator: Operator
    value: str | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    account_ids: tuple[uuid.UUID, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"field": self.field.value, "operator": self.operator.value}
        if self.value is not None:
            data["value"] = self.value
        if self.min is not None:
            data["min"] = format(self.min, "f")
        if self.max is not None:
            data["max"] = format(self.max, "f")
        if self.account_ids:
            data["account_ids"] = [str(a) for a in self.account_ids]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Condition:
        def decimal_or_none(raw: Any) -> Decimal | None:
            return Decimal(raw) if raw is not None else None

        return cls(
            field=RuleField(data["field"]),
            operator=Operator(data["operator"]),
            value=data.get("value"),
            min=decimal_or_none(data.get("min")),
            max=decimal_or_none(data.get("max")),
            account_ids=tuple(uuid.UUID(a) for a in data.get("account_ids") or ()),
        )


def check_conditions(conditions: Sequence[Condition]) -> list[Problem]:
    """Everything wrong with a rule's conditions (empty when they can be stored). Accounts are checked against
    the household by the caller."""
    if not conditions:
        return [Problem("conditions", "a rule needs at least one condition")]
    if len(conditions) > MAX_CONDITIONS:
        return [Problem("conditions", f"a rule has at most {MAX_CONDITIONS} conditions")]
    problems: list[Problem] = []
    for index, condition in enumerate(conditions):
        at = f"conditions[{index}]"
        if condition.operator not in _OPERATORS[condition.field]:
            allowed = ", ".join(sorted(o.name for o in _OPERATORS[condition.field]))
            problems.append(Problem(f"{at}.operator", f"{condition.field.name} takes the operators {allowed}"))
            continue
        if condition.field in (RuleField.PAYEE, RuleField.MEMO):
            problems += _check_text(condition, at)
        elif condition.operator is Operator.BETWEEN:
            problems += _check_bounds(condition, at)
        elif condition.operator is Operator.IS_ONE_OF and not condition.account_ids:
            problems.append(Problem(f"{at}.accountIds", "name at least one account"))
    return problems


def _check_text(condition: Condition, at: str) -> list[Problem]:
    value = condition.value or ""
    if condition.operator is Operator.MATCHES:
        if not value:
            return [Problem(f"{at}.value", "give a regular expression")]
        if len(value) > MAX_PATTERN_LENGTH:
            return [Problem(f"{at}.value", f"use at most {MAX_PATTERN_LENGTH} characters")]
        try:
            compile_pattern(value)
        except ValueError as exc:
            return [Problem(f"{at}.value", f"not a valid regular expression: {exc}")]
        return []
    if not text_key(value):
        return [Problem(f"{at}.value", "give some letters or digits to compare with")]
    if len(value) > MAX_TEXT_LENGTH:
        return [Problem(f"{at}.value", f"use at most {MAX_TEXT_LENGTH} characters")]
    return []


def _check_bounds(condition: Condition, at: str) -> list[Problem]:
    low, high = condition.min, condition.max
    if low is None and high is None:
        return [Problem(f"{at}.min", "give a minimum, a maximum or both")]
    problems = [
        Problem(f"{at}.{name}", "compare with the amount's size: give zero or more")
        for name, bound in (("min", low), ("max", high))
        if bound is not None and (not bound.is_finite() or bound < 0)
    ]
    if not problems and low is not None and high is not None and low > high:
        problems.append(Problem(f"{at}.max", "the maximum is below the minimum"))
    return problems


def parse_bound(raw: str) -> Decimal:
    """A bound as given over the API; ``ValueError`` if it is not a decimal number."""
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not a decimal number") from None
    if not value.is_finite():
        raise ValueError(f"{raw!r} is not a decimal number")
    return value


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A rule as evaluation needs it."""

    id: uuid.UUID
    name: str
    match: Match
    conditions: tuple[Condition, ...]
    category_id: uuid.UUID | None = None
    payee: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    """What the rules decided: for each action, the value and the rule that set it (``None``: no rule did)."""

    category: tuple[uuid.UUID, RuleSpec] | None = None
    payee: tuple[str, RuleSpec] | None = None
    tags: tuple[tuple[str, ...], RuleSpec] | None = None

    @property
    def rules(self) -> tuple[RuleSpec, ...]:
        """The rules that decided something, each once, in priority order of the actions."""
        seen: dict[uuid.UUID, RuleSpec] = {}
        for decided in (self.category, self.payee, self.tags):
            if decided is not None:
                seen.setdefault(decided[1].id, decided[1])
        return tuple(seen.values())


NO_OUTCOME = RuleOutcome()


@dataclass(slots=True)
class _Facts:
    """One transaction as conditions see it; folded texts are computed on first use."""

    payee: str | None
    memo: str | None
    magnitude: Decimal
    sign: int
    account_id: uuid.UUID | None
    _folded: dict[str, str] = field(default_factory=dict)

    def folded(self, which: str) -> str:
        found = self._folded.get(which)
        if found is None:
            raw = self.payee if which == "payee" else self.memo
            found = self._folded[which] = text_key(raw or "")
        return found


Test = Callable[[_Facts], bool]


def _compile_condition(condition: Condition) -> Test:
    kind, op = condition.field, condition.operator
    if kind in (RuleField.PAYEE, RuleField.MEMO):
        which = kind.value
        value = condition.value or ""
        if op is Operator.MATCHES:
            search = compile_pattern(value).search

            def matches(facts: _Facts) -> bool:
                raw = facts.payee if which == "payee" else facts.memo
                return raw is not None and search(raw.encode()) is not None

            return matches
        wanted = text_key(value)
        if op is Operator.EQUALS:
            return lambda facts: (
                (facts.payee if which == "payee" else facts.memo) is not None and (facts.folded(which) == wanted)
            )
        if op is Operator.STARTS_WITH:
            return lambda facts: (
                (facts.payee if which == "payee" else facts.memo) is not None and facts.folded(which).startswith(wanted)
            )
        return lambda facts: (
            (facts.payee if which == "payee" else facts.memo) is not None and (wanted in facts.folded(which))
        )
    if op is Operator.BETWEEN:
        low, high = condition.min, condition.max
        return lambda facts: (low is None or facts.magnitude >= low) and (high is None or facts.magnitude <= high)
    if op is Operator.IS_INFLOW:
        return lambda facts: facts.sign > 0
    if op is Operator.IS_OUTFLOW:
        return lambda facts: facts.sign < 0
    accounts = frozenset(condition.account_ids)
    return lambda facts: facts.account_id in accounts


@dataclass(frozen=True, slots=True)
class _Compiled:
    spec: RuleSpec
    tests: tuple[Test, ...]
    every: bool

    def holds(self, facts: _Facts) -> bool:
        if self.every:
            return all(test(facts) for test in self.tests)
        return any(test(facts) for test in self.tests)


class RuleSet:
    """A household's enabled rules in priority order, compiled once; ``evaluate`` is pure and fast.

    Outcomes are memoised on what the conditions can see of a transaction (payee and memo as written; the
    amount only through its sign and its place among the rules' bounds; the account only if a rule looks at it),
    so an import of many similar lines evaluates each distinct line once. The memo is bounded."""

    MEMO_LIMIT = 200_000

    def __init__(self, rules: Iterable[RuleSpec]) -> None:
        self._rules = tuple(
            _Compiled(r, tuple(map(_compile_condition, r.conditions)), r.match is Match.ALL) for r in rules
        )
        conditions = [c for r in self._rules for c in r.spec.conditions]
        self._uses_memo = any(c.field is RuleField.MEMO for c in conditions)
        self._uses_account = any(c.field is RuleField.ACCOUNT for c in conditions)
        self._bounds = sorted({b for c in conditions for b in (c.min, c.max) if b is not None})
        self._memo: dict[tuple[Any, ...], RuleOutcome] = {}

    def __len__(self) -> int:
        return len(self._rules)

    def evaluate(
        self, *, payee: str | None, memo: str | None, amount: Decimal, account_id: uuid.UUID | None
    ) -> RuleOutcome:
        if not self._rules:
            return NO_OUTCOME
        sign = (amount > 0) - (amount < 0)
        magnitude = abs(amount)
        slot = -1
        if self._bounds:
            # Where the size sits among the bounds (equal to one counts apart: bounds are inclusive).
            index = bisect.bisect_left(self._bounds, magnitude)
            slot = 2 * index + (index < len(self._bounds) and self._bounds[index] == magnitude)
        key = (
            payee,
            memo if self._uses_memo else None,
            sign,
            slot,
            account_id if self._uses_account else None,
        )
        found = self._memo.get(key)
        if found is None:
            found = self._evaluate(_Facts(payee, memo, magnitude, sign, account_id))
            if len(self._memo) >= self.MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = found
        return found

    def _evaluate(self, facts: _Facts) -> RuleOutcome:
        category: tuple[uuid.UUID, RuleSpec] | None = None
        payee: tuple[str, RuleSpec] | None = None
        tags: tuple[tuple[str, ...], RuleSpec] | None = None
        for rule in self._rules:
            spec = rule.spec
            wanted = (
                (category is None and spec.category_id is not None)
                or (payee is None and spec.payee is not None)
                or (tags is None and bool(spec.tags))
            )
            if not wanted or not rule.holds(facts):
                continue
            if category is None and spec.category_id is not None:
                category = (spec.category_id, spec)
            if payee is None and spec.payee is not None:
                payee = (spec.payee, spec)
            if tags is None and spec.tags:
                tags = (spec.tags, spec)
            if category is not None and payee is not None and tags is not None:
                break
        if category is None and payee is None and tags is None:
            return NO_OUTCOME
        return RuleOutcome(category=category, payee=payee, tags=tags)
