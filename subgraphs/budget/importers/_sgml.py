"""A tolerant reader for OFX bodies, 1.x SGML and 2.x XML alike, into a small tree with line numbers.

OFX 1.x leaves elements with values unclosed (``<CODE>0<SEVERITY>INFO</STATUS>``) and banks mix the styles
(``anzcc.ofx`` has an XML declaration and unclosed leaves), so this is not an XML parser: an element followed
by text is a leaf holding that text, an element followed by another tag is an aggregate, and an end tag closes
the nearest open element of that name; an "aggregate" left open when its parent closes was an empty leaf
after all, and its would-be children are moved up. Only the five XML entities and numeric character references are
expanded; DOCTYPEs, entity declarations, comments and processing instructions are skipped, never acted on.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from subgraphs.budget.importers.errors import ErrorCode, StatementError

MAX_DEPTH = 64

_TOKEN = re.compile(
    r"<!\[CDATA\[(?P<cdata>.*?)\]\]>"
    r"|<!--.*?-->"
    r"|<\?.*?\?>"
    r"|<!(?:[^>\[]|\[[^\]]*\])*>"
    r"|<(?P<close>/?)(?P<tag>[A-Za-z][A-Za-z0-9._:-]*)\s*(?P<empty>/?)>"
    r"|(?P<text>[^<]+|<)",
    re.DOTALL,
)
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos|nbsp)|#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6}));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": "\u00a0"}


def _unescape(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name, dec, hexa = match.groups()
        if name:
            return _NAMED[name]
        code = int(dec) if dec else int(hexa, 16)
        return chr(code) if 0 < code <= 0x10FFFF else match.group(0)

    return _ENTITY.sub(replace, text) if "&" in text else text


@dataclass(slots=True, eq=False)
class Node:
    """An element: ``text`` is set for leaves (``""`` when present but empty), ``None`` for aggregates."""

    tag: str
    line: int
    text: str | None = None
    children: list[Node] = field(default_factory=list)

    def child(self, tag: str) -> Node | None:
        for node in self.children:
            if node.tag == tag:
                return node
        return None

    def find(self, path: str) -> Node | None:
        node: Node | None = self
        for part in path.split("/"):
            node = node.child(part) if node is not None else None
        return node

    def value(self, path: str) -> str | None:
        """The stripped text of the leaf at ``path``; ``None`` when absent (``""`` when present but empty)."""
        node = self.find(path)
        if node is None:
            return None
        return (node.text or "").strip()

    def iter(self, *tags: str) -> Iterator[Node]:
        """Descendants (not self) in document order, only those named ``tags`` if given."""
        for node in self.children:
            if not tags or node.tag in tags:
                yield node
            yield from node.iter(*tags)

    def leaves(self, prefix: str = "") -> Iterator[tuple[str, str, Node]]:
        """(dotted path, stripped text, node) for every leaf below."""
        for node in self.children:
            path = f"{prefix}{node.tag}"
            if node.text is not None and not node.children:
                yield path, node.text.strip(), node
            else:
                yield from node.leaves(path + ".")

    def is_blank(self) -> bool:
        """True when every leaf below is empty: some banks write ``<LEDGERBAL><BALAMT></BALAMT>...`` for "none"."""
        return all(not text for _path, text, _node in self.leaves()) if self.children else not (self.text or "").strip()


def parse_sgml(text: str, *, start: int = 0) -> list[Node]:
    """The top-level elements of ``text[start:]``; line numbers count from the start of ``text``."""
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line_of(offset: int) -> int:
        return bisect.bisect_right(newlines, offset - 1) + 1

    roots: list[Node] = []
    stack: list[Node] = []
    pending: Node | None = None  # opened, not yet known to be a leaf or an aggregate
    leaf: Node | None = None  # a leaf collecting text
    buffer: list[str] = []

    def attach(node: Node) -> None:
        (stack[-1].children if stack else roots).append(node)

    def settle_pending_as_empty() -> None:
        nonlocal pending
        if pending is not None:
            pending.text = "".join(buffer)
            pending = None

    def close_leaf() -> None:
        nonlocal leaf
        if leaf is not None:
            leaf.text = "".join(buffer)
            leaf = None

    for match in _TOKEN.finditer(text, start):
        tag = match.group("tag")
        cdata = match.group("cdata")
        chunk = match.group("text")
        if chunk is not None or cdata is not None:
            piece = cdata if cdata is not None else _unescape(chunk or "")
            if leaf is not None:
                buffer.append(piece)
            elif pending is not None:
                buffer.append(piece)
                if piece.strip() or cdata is not None:
                    leaf, pending = pending, None
            continue
        if tag is None:  # comment, processing instruction, declaration
            continue
        name = tag.upper()
        if match.group("close"):
            if leaf is not None and leaf.tag == name:
                close_leaf()
                continue
            if pending is not None and pending.tag == name:
                settle_pending_as_empty()
                continue
            close_leaf()
            settle_pending_as_empty()
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth].tag == name:
                    _unwind(stack, depth)
                    break
            continue
        close_leaf()
        if pending is not None:
            stack.append(pending)
            pending = None
            if len(stack) > MAX_DEPTH:
                raise StatementError(
                    f"line {line_of(match.start())}: elements are nested more than {MAX_DEPTH} deep",
                    code=ErrorCode.INVALID_FILE,
                )
        node = Node(tag=name, line=line_of(match.start()))
        attach(node)
        buffer = []
        if match.group("empty"):
            node.text = ""
        else:
            pending = node
    close_leaf()
    settle_pending_as_empty()
    return roots


def _unwind(stack: list[Node], depth: int) -> None:
    """Close ``stack[depth]``. Elements above it were never closed, so they were not aggregates but empty
    SGML leaves (``<CURDEF><BANKACCTFROM>...``): they become empty and their would-be children move up to
    where they belong."""
    for k in range(len(stack) - 1, depth, -1):
        node, parent = stack[k], stack[k - 1]
        node.text = ""
        if node.children:
            position = next(i for i in range(len(parent.children) - 1, -1, -1) if parent.children[i] is node)
            parent.children[position + 1 : position + 1] = node.children
            node.children = []
    del stack[depth:]
