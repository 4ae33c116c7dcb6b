"""Investment statements (broker exports) to activities, for the portfolio's import.

Pure parsing: bytes in, a ``ParsedStatement`` (activities in ``subgraphs.portfolio.activities`` terms, the
securities named, the broker's positions, row errors and warnings) or a ``StatementError`` out; no database, no
network. Formats are plugins registered under the entry point group ``fincloud.investment_importers``
(``base.InvestmentImporter``); the built-in ones are OFX/QFX investment statements (``format_ofx``) and broker CSV
exports with a column mapping or a preset (``format_csv``). The parsing helpers (OFX reader, amounts, dates,
encodings, error types) are the budget importers', reused.

    statement = parse_investment_statement(data, filename="broker.ofx", options=ParseOptions(base_currency="USD"))
"""

from subgraphs.portfolio.importers.base import (
    AssetClass,
    InvestmentImporter,
    ParsedAccount,
    ParsedActivity,
    ParsedInstrument,
    ParsedPosition,
    ParsedStatement,
    ParseOptions,
    RowError,
)
from subgraphs.portfolio.importers.registry import (
    available_importers,
    detect,
    get_importer,
    parse_investment_statement,
)

__all__ = [
    "AssetClass",
    "InvestmentImporter",
    "ParseOptions",
    "ParsedAccount",
    "ParsedActivity",
    "ParsedInstrument",
    "ParsedPosition",
    "ParsedStatement",
    "RowError",
    "available_importers",
    "detect",
    "get_importer",
    "parse_investment_statement",
]
