"""The import formats installed: loaded from the ``fincloud.importers`` entry points, chosen by name or by
detection, and run so that any failure reaches the user as a ``StatementError``."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from importlib.metadata import EntryPoint

from fincloud.plugins import load_plugins
from subgraphs.budget.importers.base import DETECT_SAMPLE_SIZE, ENTRY_POINT_GROUP, Importer
from subgraphs.budget.importers.errors import ErrorCode, StatementError
from subgraphs.budget.importers.model import ParseOptions, Statement

__all__ = [
    "MAX_FILE_BYTES",
    "MIN_CONFIDENCE",
    "Detection",
    "ImporterRegistry",
    "available_formats",
    "default_registry",
    "detect_format",
    "get_importer",
    "parse_statement",
]

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Larger files are refused before parsing (a decade of daily transactions is a few megabytes)."""

MIN_CONFIDENCE = 0.3
"""Below this, no format claims a file and the user is asked to choose one."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Detection:
    """How sure one format is that a file is its own, 0..1."""

    name: str
    label: str
    confidence: float


class ImporterRegistry:
    """A set of importers by name. ``default_registry()`` is the one built from the installed entry points."""

    def __init__(self, importers: Iterable[Importer]) -> None:
        self._importers: dict[str, Importer] = {}
        for importer in importers:
            if importer.name in self._importers:
                raise ValueError(f"two import formats are named {importer.name!r}")
            self._importers[importer.name] = importer

    @classmethod
    def from_entry_points(cls, found: Iterable[EntryPoint] | None = None) -> ImporterRegistry:
        """Every importer registered under ``fincloud.importers`` (or in ``found``). A plugin that fails to load,
        does not implement ``Importer``, or names itself differently from its entry point is logged and left out,
        so one broken plugin cannot stop imports; the first of two plugins with one name wins."""
        loaded = load_plugins(
            ENTRY_POINT_GROUP,
            None,
            built_in="subgraphs.budget.importers.",
            what="import format",
            kind=Importer,  # type: ignore[type-abstract]
            name_of=lambda importer: importer.name,
            found=found,
        )
        return cls(loaded.values())

    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._importers))

    def importers(self) -> tuple[Importer, ...]:
        return tuple(self._importers[name] for name in self.names())

    def get(self, name: str) -> Importer:
        """The importer called ``name``; ``StatementError`` (``unknown_format``) listing the known ones."""
        try:
            return self._importers[name]
        except KeyError:
            raise StatementError(
                f"unknown import format {name!r}; available: {', '.join(self.names()) or 'none'}",
                code=ErrorCode.UNKNOWN_FORMAT,
                candidates=self.names(),
            ) from None

    def detect(self, data: bytes, *, filename: str | None = None) -> tuple[Detection, ...]:
        """Every format's confidence for the file (only its first ``DETECT_SAMPLE_SIZE`` bytes are shown to the
        importers), most likely first; ties keep name order."""
        sample = data[:DETECT_SAMPLE_SIZE]
        found = []
        for importer in self.importers():
            try:
                confidence = float(importer.detect(sample, filename=filename))
            except Exception:
                logger.exception("import format %r failed to detect", importer.name)
                confidence = 0.0
            found.append(Detection(name=importer.name, label=importer.label, confidence=min(1.0, max(0.0, confidence))))
        return tuple(sorted(found, key=lambda d: -d.confidence))

    def choose(self, data: bytes, *, filename: str | None = None, format: str | None = None) -> Importer:
        """The importer named ``format``, else the one most confident about the file."""
        if format is not None:
            return self.get(format)
        detections = self.detect(data, filename=filename)
        if not detections or detections[0].confidence < MIN_CONFIDENCE:
            raise StatementError(
                "the file's format was not recognised; supported formats: "
                + ", ".join(importer.label for importer in self.importers()),
                code=ErrorCode.UNKNOWN_FORMAT,
                candidates=self.names(),
            )
        return self.get(detections[0].name)

    def parse(
        self,
        data: bytes,
        *,
        filename: str | None = None,
        format: str | None = None,
        options: ParseOptions | None = None,
    ) -> Statement:
        """The file as a ``Statement`` in the named or detected format. Every failure is a ``StatementError``:
        an importer's own bug is logged and reported as ``importer_failed`` rather than escaping as a crash."""
        if len(data) > MAX_FILE_BYTES:
            raise StatementError(
                f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", code=ErrorCode.TOO_LARGE
            )
        if not data.strip():
            raise StatementError("the file is empty", code=ErrorCode.EMPTY)
        importer = self.choose(data, filename=filename, format=format)
        try:
            statement = importer.parse(data, options=options or ParseOptions())
        except StatementError:
            raise
        except Exception as exc:
            logger.exception("import format %r failed on %r", importer.name, filename)
            raise StatementError(
                f"the {importer.label} importer could not read this file (an error on our side, logged)",
                code=ErrorCode.IMPORTER_FAILED,
            ) from exc
        if not isinstance(statement, Statement):
            raise StatementError(f"the {importer.label} importer returned no statement", code=ErrorCode.IMPORTER_FAILED)
        return statement if statement.format == importer.name else replace(statement, format=importer.name)


@functools.cache
def default_registry() -> ImporterRegistry:
    """The installed formats, loaded once per process."""
    return ImporterRegistry.from_entry_points()


def available_formats() -> tuple[Importer, ...]:
    """The installed formats by name (each has ``name`` and ``label``, for a format picker)."""
    return default_registry().importers()


def get_importer(name: str) -> Importer:
    return default_registry().get(name)


def detect_format(data: bytes, *, filename: str | None = None) -> tuple[Detection, ...]:
    """Each installed format's confidence that ``data`` is its own, most likely first."""
    return default_registry().detect(data, filename=filename)


def parse_statement(
    data: bytes,
    *,
    filename: str | None = None,
    format: str | None = None,
    options: ParseOptions | None = None,
) -> Statement:
    """Parse ``data`` with the installed format named ``format``, or the one detected for it."""
    return default_registry().parse(data, filename=filename, format=format, options=options)
