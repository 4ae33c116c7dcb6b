"""HTML to plain text, with the standard library's ``html.parser``.

Input is feedparser's output, already sanitised (scripts, styles, event handlers and unsafe elements removed), but
the stripping does not rely on that: the contents of ``script``, ``style``, ``template`` and ``noscript`` are dropped
here too. Block elements and line breaks become spaces so words in adjacent paragraphs or list items do not run
together; character references (``&amp;``, ``&#8364;``, ``&nbsp;``) are decoded; runs of whitespace (non-breaking
spaces included) collapse to one space.
"""

from __future__ import annotations

from html.parser import HTMLParser

__all__ = ["collapse", "html_to_text"]

_HIDDEN = frozenset({"script", "style", "template", "noscript", "head"})
_BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCK:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def collapse(text: str) -> str:
    """``text`` with every run of whitespace (tabs, newlines, non-breaking spaces) as one space, trimmed."""
    return " ".join(text.split())


def html_to_text(html: str) -> str:
    """The text a reader would see in ``html``, on one line (see the module's rules). Malformed markup (an unclosed
    tag, a stray ``<``) never raises: what can be read is returned."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return collapse("".join(collector.parts))
