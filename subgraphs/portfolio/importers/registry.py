"""The investment statement formats installed: loaded from the ``fincloud.investment_importers`` entry points,
chosen by name or by sniffing, and run so that any failure reaches the user as a ``StatementError``."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from importlib.metadata import EntryPoint

from fincloud.plugins import load_plugins
from subgraphs.budget.importers.errors import ErrorCode, StatementError
from subgraphs.portfolio.importers.base import (
    ENTRY_POINT_GROUP,
    SNIFF_SAMPLE_SIZE,
    InvestmentImporter,
    ParsedStatement,
    ParseOptions,
)

__all__ = [
    "MAX_FILE_BYTES",
    "InvestmentImporterRegistry",
    "available_importers",
    "default_registry",
    "detect",
    "get_importer",
    "parse_investment_statement",
]

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Larger files are refused before parsing (a decade of a broker's history is a few megabytes)."""

_BUILTIN_PREFIX = "subgraphs.portfolio.importers."


class InvestmentImporterRegistry:
    """A set of importers by name. ``default_registry()`` is the one built from the installed entry points."""

    def __init__(self, importers: Iterable[InvestmentImporter]) -> None:
        self._importers: dict[str, InvestmentImporter] = {}
        for importer in importers:
            if importer.name in self._importers:
                raise ValueError(f"two investment import formats are named {importer.name!r}")
            self._importers[importer.name] = importer

    @classmethod
    def from_entry_points(cls, found: Iterable[EntryPoint] | None = None) -> InvestmentImporterRegistry:
        """Every importer registered under ``fincloud.investment_importers`` (or in ``found``). A plugin that
        fails to load, is not an ``InvestmentImporter``, or names itself differently from its entry point is
        logged and left out; built-in formats load first, so a plugin cannot replace one by reusing its name."""
        loaded = load_plugins(
            ENTRY_POINT_GROUP,
            None,
            built_in=_BUILTIN_PREFIX,
            what="investment import format",
            kind=InvestmentImporter,  # type: ignore[type-abstract]
            name_of=lambda importer: importer.name,
            found=found,
        )
        return cls(loaded.values())

    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._importers))

    def importers(self) -> tuple[InvestmentImporter, ...]:
        """Built-in formats first, then plugins, each group by name: the order ``detect`` asks them in."""
        return tuple(
            sorted(self._importers.values(), key=lambda i: (not type(i).__module__.startswith(_BUILTIN_PREFIX), i.name))
        )

    def get(self, name: str) -> InvestmentImporter:
        """The importer called ``name``; ``StatementError`` (``unknown_format``) listing the known ones."""
        try:
            return self._importers[name]
        except KeyError:
            raise StatementError(
                f"unknown investment import format {name!r}; available: {', '.join(self.names()) or 'none'}",
                code=ErrorCode.UNKNOWN_FORMAT,
                candidates=self.names(),
            ) from None

    def detect(self, data: bytes, filename: str | None = None) -> InvestmentImporter | None:
        """The first importer whose ``sniff`` accepts the file (shown its first ``SNIFF_SAMPLE_SIZE`` bytes), or
        ``None``. A sniffer that raises is logged and counts as a no."""
        sample = data[:SNIFF_SAMPLE_SIZE]
        for importer in self.importers():
            try:
                if importer.sniff(sample, filename):
                    return importer
            except Exception:
                logger.exception("investment import format %r failed to sniff", importer.name)
        return None

    def parse(
        self,
        data: bytes,
        *,
        filename: str | None = None,
        format: str | None = None,
        options: ParseOptions | None = None,
    ) -> ParsedStatement:
        """The file as a ``ParsedStatement`` in the named or detected format. Every failure is a
        ``StatementError``: an importer's own bug is logged and reported as ``importer_failed``."""
        if len(data) > MAX_FILE_BYTES:
            raise StatementError(
                f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", code=ErrorCode.TOO_LARGE
            )
        if not data.strip():
            raise StatementError("the file is empty", code=ErrorCode.EMPTY)
        importer = self.get(format) if format is not None else self.detect(data, filename)
        if importer is None:
            raise StatementError(
                "the file's format was not recognised; supported formats: "
                + ", ".join(i.label for i in self.importers()),
                code=ErrorCode.UNKNOWN_FORMAT,
                candidates=self.names(),
            )
        try:
            statement = importer.parse(data, options=options or ParseOptions())
        except StatementError:
            raise
        except Exception as exc:
            logger.exception("investment import format %r failed on %r", importer.name, filename)
            raise StatementError(
                f"the {importer.label} importer could not read this file (an error on our side, logged)",
                code=ErrorCode.IMPORTER_FAILED,
            ) from exc
        if not isinstance(statement, ParsedStatement):
            raise StatementError(f"the {importer.label} importer returned no statement", code=ErrorCode.IMPORTER_FAILED)
        return statement


@functools.cache
def default_registry() -> InvestmentImporterRegistry:
    """The installed formats, loaded once per process."""
    return InvestmentImporterRegistry.from_entry_points()


def available_importers() -> tuple[InvestmentImporter, ...]:
    return default_registry().importers()


def get_importer(name: str) -> InvestmentImporter:
    return default_registry().get(name)


def detect(data: bytes, filename: str | None = None) -> InvestmentImporter | None:
    """The installed format that recognises ``data``, or ``None``."""
    return default_registry().detect(data, filename)


def parse_investment_statement(
    data: bytes,
    *,
    filename: str | None = None,
    format: str | None = None,
    options: ParseOptions | None = None,
) -> ParsedStatement:
    """Parse ``data`` with the installed format named ``format``, or the one that recognises it."""
    return default_registry().parse(data, filename=filename, format=format, options=options)
