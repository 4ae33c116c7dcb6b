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
import functools
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
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
_ASCII_FOLD = bytes(
    ord(" ") if _PUNCTUATION.match(chr(code)) else ord(chr(code).lower()) if code < 128 else code for code in range(256)
)
"""The same folding for ASCII text, as one ``bytes.translate``: upper case lowered, punctuation made a space."""


@functools.lru_cache(maxsize=4096)
def text_key(text: str) -> str:
    """Text as conditions compare it: Unicode-folded, case-folded, punctuation and spacing collapsed. The same
    folding as ``services.payees.payee_key``, without its length cap. (Memoised: rules and the learned model fold
    the same memo one after the other.)"""
    if text.isascii():
        return " ".join(text.encode().translate(_ASCII_FOLD).decode().split())
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
    missing: bool = False
    """The input names something that does not exist (or is another household's)."""


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


@dataclass(frozen=True, slots=True, eq=False)
class RuleOutcome:
    """What the rules decided: for each action, the value and the rule that set it (``None``: no rule did).
    Compared and hashed by identity: a ``RuleSet`` gives the same object for the same decision."""

    category: tuple[uuid.UUID, RuleSpec] | None = None
    payee: tuple[str, RuleSpec] | None = None
    tags: tuple[tuple[str, ...], RuleSpec] | None = None
    rules: tuple[RuleSpec, ...] = ()
    """The rules that decided something, each once, in the order category, payee, tags."""

    @classmethod
    def of(
        cls,
        category: tuple[uuid.UUID, RuleSpec] | None,
        payee: tuple[str, RuleSpec] | None,
        tags: tuple[tuple[str, ...], RuleSpec] | None,
    ) -> RuleOutcome:
        seen: dict[uuid.UUID, RuleSpec] = {}
        for decided in (category, payee, tags):
            if decided is not None:
                seen.setdefault(decided[1].id, decided[1])
        return cls(category, payee, tags, tuple(seen.values()))


NO_OUTCOME = RuleOutcome()


TextTest = Callable[[str, str], bool]
"""A payee or memo condition: ``(text as written, folded text) -> holds``."""


def _text_test(condition: Condition) -> TextTest:
    value = condition.value or ""
    if condition.operator is Operator.MATCHES:
        search = compile_pattern(value).search
        return lambda raw, _folded: search(raw.encode()) is not None
    wanted = text_key(value)
    if condition.operator is Operator.EQUALS:
        return lambda _raw, folded: folded == wanted
    if condition.operator is Operator.STARTS_WITH:
        return lambda _raw, folded: folded.startswith(wanted)
    return lambda _raw, folded: wanted in folded


def _amount_test(condition: Condition) -> Callable[[Decimal, int], bool]:
    if condition.operator is Operator.IS_INFLOW:
        return lambda _magnitude, sign: sign > 0
    if condition.operator is Operator.IS_OUTFLOW:
        return lambda _magnitude, sign: sign < 0
    low, high = condition.min, condition.max
    return lambda magnitude, _sign: (low is None or magnitude >= low) and (high is None or magnitude <= high)


class RuleSet:
    """A household's enabled rules in priority order, compiled once; ``evaluate`` is pure and fast.

    Every distinct condition gets a bit. A transaction's payee, memo, amount and account each give the bits of the
    conditions on them that hold, memoised per distinct payee, memo, (sign, place among the rules' bounds) and
    account; the outcome is then memoised per set of bits. An import of many lines from the same payees evaluates
    each payee's conditions once, and each memo's (when a rule looks at memos) once per distinct memo. The memos
    are bounded."""

    MEMO_LIMIT = 100_000

    def __init__(self, rules: Iterable[RuleSpec]) -> None:
        self._specs = tuple(rules)
        bits: dict[Condition, int] = {}
        for spec in self._specs:
            for condition in spec.conditions:
                bits.setdefault(condition, 1 << len(bits))
        self._payee_tests = [(bit, _text_test(c)) for c, bit in bits.items() if c.field is RuleField.PAYEE]
        self._memo_tests = [(bit, _text_test(c)) for c, bit in bits.items() if c.field is RuleField.MEMO]
        self._amount_tests = [(bit, _amount_test(c)) for c, bit in bits.items() if c.field is RuleField.AMOUNT]
        self._account_tests = [
            (bit, frozenset(c.account_ids)) for c, bit in bits.items() if c.field is RuleField.ACCOUNT
        ]
        self._needs = tuple(
            (spec, sum(bits[c] for c in spec.conditions), spec.match is Match.ALL) for spec in self._specs
        )
        self._bounds = sorted({b for c in bits for b in (c.min, c.max) if b is not None})
        self._payee_bits: dict[str | None, int] = {}
        self._memo_bits: dict[str | None, int] = {}
        self._amount_bits: dict[tuple[int, int], int] = {}
        self._account_bits: dict[uuid.UUID | None, int] = {}
        self._memo_mask = sum(bit for bit, _ in self._memo_tests)
        self._outcomes: dict[int, RuleOutcome] = {}
        self._decisions: dict[tuple[int, int, int], RuleOutcome] = {}

    def __len__(self) -> int:
        return len(self._specs)

    @property
    def specs(self) -> tuple[RuleSpec, ...]:
        """The rules, in priority order."""
        return self._specs

    def evaluate(
        self, *, payee: str | None, memo: str | None, amount: Decimal, account_id: uuid.UUID | None
    ) -> RuleOutcome:
        if not self._specs:
            return NO_OUTCOME
        bits = self._text_bits(self._payee_bits, self._payee_tests, payee) if self._payee_tests else 0
        if self._amount_tests:
            bits |= self._bits_of_amount(amount)
        if self._account_tests:
            found = self._account_bits.get(account_id)
            if found is None:
                found = self._account_bits[account_id] = sum(b for b, ids in self._account_tests if account_id in ids)
            bits |= found
        if self._memo_tests:
            # Matching is monotone in the bits, so if no memo condition holding and every one holding decide
            # alike, the memo cannot change the decision: skip looking at it.
            unless = self._outcome(bits)
            if unless is self._outcome(bits | self._memo_mask):
                return unless
            bits |= self._text_bits(self._memo_bits, self._memo_tests, memo)
        return self._outcome(bits)

    def _outcome(self, bits: int) -> RuleOutcome:
        outcome = self._outcomes.get(bits)
        if outcome is None:
            outcome = self._outcomes[bits] = self._decide(bits)
        return outcome

    def _text_bits(self, memo: dict[str | None, int], tests: list[tuple[int, TextTest]], raw: str | None) -> int:
        found = memo.get(raw)
        if found is None:
            found = 0
            if raw is not None:
                folded = text_key(raw)
                for bit, test in tests:
                    if test(raw, folded):
                        found |= bit
            if len(memo) >= self.MEMO_LIMIT:
                memo.clear()
            memo[raw] = found
        return found

    def _bits_of_amount(self, amount: Decimal) -> int:
        sign = (amount > 0) - (amount < 0)
        magnitude = abs(amount)
        # Where the size sits among the bounds (equal to one counts apart: bounds are inclusive).
        index = bisect.bisect_left(self._bounds, magnitude)
        slot = 2 * index + (index < len(self._bounds) and self._bounds[index] == magnitude)
        found = self._amount_bits.get((sign, slot))
        if found is None:
            found = self._amount_bits[(sign, slot)] = sum(b for b, test in self._amount_tests if test(magnitude, sign))
        return found

    def _decide(self, bits: int) -> RuleOutcome:
        category: tuple[uuid.UUID, RuleSpec] | None = None
        payee: tuple[str, RuleSpec] | None = None
        tags: tuple[tuple[str, ...], RuleSpec] | None = None
        for spec, needs, every in self._needs:
            if not ((bits & needs) == needs if every else bits & needs):
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
        # One object per decision, so equal decisions are the same object.
        key = (id(category[1]) if category else 0, id(payee[1]) if payee else 0, id(tags[1]) if tags else 0)
        found = self._decisions.get(key)
        if found is None:
            found = self._decisions[key] = RuleOutcome.of(category, payee, tags)
        return found
