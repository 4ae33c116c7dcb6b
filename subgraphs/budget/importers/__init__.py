"""Bank statement files to normalised statements, for the budget's import.

Pure parsing: bytes in, a ``Statement`` (accounts, rows with exact ``Decimal`` amounts) or a ``StatementError``
out; no database, no storage, no network. Formats are plugins registered under the entry point group
``fincloud.importers`` (``base.Importer``); the built-in ones are CSV (``format_csv``, with ``CsvMapping`` and
``preview_csv``), OFX/QFX (``format_ofx``), QIF (``format_qif``) and CAMT.053 (``format_camt``).
``identity`` gives each row a stable import key and classifies new rows against existing ones as new,
duplicate or conflict.

    statement = parse_statement(data, filename="january.ofx", options=ParseOptions(currency="EUR"))
"""

from subgraphs.budget.importers.base import Importer
from subgraphs.budget.importers.errors import Issue, StatementError
from subgraphs.budget.importers.model import ParseOptions, Statement, StatementAccount, StatementRow
from subgraphs.budget.importers.registry import available_formats, detect_format, get_importer, parse_statement

__all__ = [
    "Importer",
    "Issue",
    "ParseOptions",
    "Statement",
    "StatementAccount",
    "StatementError",
    "StatementRow",
    "available_formats",
    "detect_format",
    "get_importer",
    "parse_statement",
]
