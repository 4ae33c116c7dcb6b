"""A tolerant reader for OFX bodies, 1.x SGML and 2.x XML alike, into a small tree with line numbers.

OFX 1.x leaves elements with values unclosed (``<CODE>0<SEVERITY>INFO</STATUS>``) and banks mix the styles
(``anzcc.ofx`` has an XML declaration and unclosed leaves), so this is not an XML parser: an element followed
by text is a leaf holding that text, an element followed by another tag is an aggregate, and an end tag closes
the nearest open element of that name; an "aggregate" left open when its parent closes was an empty leaf
after all, and its would-be children are moved up. Only the five XML entities and numeric character references are
expanded; DOCTYPEs, entity declarations, comments and processing instructions are skipped, never acted on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from subgraphs.budget.importers.errors import ErrorCode, StatementError

MAX_DEPTH = 64

_MARKUP = re.compile(
    r"(<!\[CDATA\[.*?\]\]>"  # character data, kept verbatim
    r"|<!--.*?-->"  # comments
    r"|<\?.*?\?>"  # processing instructions: <?xml ...?>, <?OFX ...?>
    r"|<!(?:[^>\[]|\[[^\]]*\])*>"  # declarations, a DOCTYPE with its internal subset: skipped, never acted on
    r"|</?[A-Za-z][A-Za-z0-9._:-]*\s*/?>)",  # start, end and empty-element tags
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


class Node:
    """An element: ``text`` is set for leaves (``""`` when present but empty), ``None`` for aggregates.

    A plain slotted class rather than a dataclass: a statement can hold hundreds of thousands of them.
    """

    __slots__ = ("_index", "children", "line", "tag", "text")

    def __init__(self, tag: str, line: int) -> None:
        self.tag = tag
        self.line = line
        self.text: str | None = None
        self.children: list[Node] = []
        self._index: dict[str, Node] | None = None

    def __repr__(self) -> str:
        return f"Node({self.tag!r}, line={self.line}, text={self.text!r}, children={len(self.children)})"

    def child(self, tag: str) -> Node | None:
        """The first child named ``tag`` (looked up by name once the element is complete)."""
        if self._index is None:
            index: dict[str, Node] = {}
            for node in self.children:
                index.setdefault(node.tag, node)
            self._index = index
        return self._index.get(tag)

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
        pending = list(reversed(self.children))
        while pending:
            node = pending.pop()
            if not tags or node.tag in tags:
                yield node
            if node.children:
                pending.extend(reversed(node.children))

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
    parts = _MARKUP.split(text[start:]) if start else _MARKUP.split(text)
    offset = counted = start
    line = 1 + text.count("\n", 0, start)
    roots: list[Node] = []
    stack: list[Node] = []
    pending: Node | None = None  # opened, not yet known to be a leaf or an aggregate
    leaf: Node | None = None  # a leaf collecting text
    buffer: list[str] = []
    for index, piece in enumerate(parts):
        here = offset
        offset += len(piece)
        if not index % 2:  # text between markup
            if piece and (leaf is not None or pending is not None):
                value = _unescape(piece)
                buffer.append(value)
                if pending is not None and value.strip():
                    leaf, pending = pending, None
            continue
        if piece.startswith("<![CDATA["):
            if leaf is not None or pending is not None:
                buffer.append(piece[9:-3])
                if pending is not None:
                    leaf, pending = pending, None
            continue
        if piece[1] in "!?":  # comment, processing instruction, declaration
            continue
        if piece[1] == "/":
            name = piece[2:-1].strip().upper()
            open_element = leaf or pending  # a leaf, or an element that turns out to be an empty one
            if open_element is not None:
                open_element.text = "".join(buffer)
                leaf = pending = None
                if open_element.tag == name:
                    continue  # its own end tag
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth].tag == name:
                    _unwind(stack, depth)
                    break
            continue
        if leaf is not None:
            leaf.text, leaf = "".join(buffer), None
        if pending is not None:
            stack.append(pending)
            pending = None
        line += text.count("\n", counted, here)
        counted = here
        if len(stack) >= MAX_DEPTH:
            raise StatementError(
                f"line {line}: elements are nested more than {MAX_DEPTH} deep", code=ErrorCode.INVALID_FILE
            )
        empty = piece.endswith("/>")
        node = Node(tag=(piece[1:-2] if empty else piece[1:-1]).strip().upper(), line=line)
        (stack[-1].children if stack else roots).append(node)
        buffer = []
        if empty:
            node.text = ""
        else:
            pending = node
    if leaf is not None:
        leaf.text = "".join(buffer)
    if pending is not None:
        pending.text = "".join(buffer)
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
            parent._index = node._index = None
    del stack[depth:]
