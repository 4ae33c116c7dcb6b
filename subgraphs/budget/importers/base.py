"""The one interface an import format implements.

A format is a class with a ``name``, a ``label``, ``detect`` and ``parse``, registered under the Python entry
point group ``fincloud.importers``; the entry point names the class (or any callable returning an importer) and
is called with no arguments. The built-in formats register themselves the same way in ``pyproject.toml``, so a
third party adds a bank format with ``pip install``::

    [project.entry-points."fincloud.importers"]
    mybank = "mybank_fincloud:MyBankImporter"
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from subgraphs.budget.importers.model import ParseOptions, Statement

__all__ = ["DETECT_SAMPLE_SIZE", "ENTRY_POINT_GROUP", "Importer"]

ENTRY_POINT_GROUP = "fincloud.importers"

DETECT_SAMPLE_SIZE = 64 * 1024
"""How many leading bytes of a file ``detect`` is shown."""


@runtime_checkable
class Importer(Protocol):
    """An import format.

    - ``name``: stable identifier, equal to the entry point's name (``"csv"``, ``"ofx"``); saved with an import.
    - ``label``: what the UI shows (``"OFX / QFX"``).
    - ``detect``: confidence in 0..1 that ``sample`` (the file's first ``DETECT_SAMPLE_SIZE`` bytes, possibly
      cut mid-character) is in this format; ``filename`` may help but must not be required. Cheap, never raises.
    - ``parse``: the whole file as a ``Statement``, or ``StatementError`` with a message for the user. Pure: no
      I/O, no database, no network.
    """

    name: str
    label: str

    def detect(self, sample: bytes, *, filename: str | None) -> float: ...

    def parse(self, data: bytes, *, options: ParseOptions) -> Statement: ...
