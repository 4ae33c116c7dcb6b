"""Test data for the investment importer tests: the shared OFX fixtures (the budget's helpers find them), OFX
statements written inline, and small readers of results."""

from __future__ import annotations

import re
import textwrap

from subgraphs.portfolio.activities import Kind
from subgraphs.portfolio.importers.base import ParsedStatement
from tests.subgraphs.budget.importers.support import SHARED_OFX, require_shared_ofx, shared_ofx_files, text_bytes

__all__ = [
    "SHARED_OFX",
    "SIMPLE_SECLIST",
    "kinds",
    "line_of",
    "ofx_statement",
    "require_shared_ofx",
    "sgml",
    "shared_ofx_files",
    "text_bytes",
]

SIMPLE_SECLIST = """
<STOCKINFO><SECINFO><SECID><UNIQUEID>037833100</UNIQUEID><UNIQUEIDTYPE>CUSIP</UNIQUEIDTYPE></SECID>
<SECNAME>Apple Inc.</SECNAME><TICKER>AAPL</TICKER></SECINFO></STOCKINFO>
<MFINFO><SECINFO><SECID><UNIQUEID>IE00B4L5Y983</UNIQUEID><UNIQUEIDTYPE>ISIN</UNIQUEIDTYPE></SECID>
<SECNAME>iShares Core MSCI World</SECNAME><TICKER>IWDA</TICKER>
<CURRENCY><CURRATE>1.1</CURRATE><CURSYM>EUR</CURSYM></CURRENCY></SECINFO></MFINFO>
<DEBTINFO><SECINFO><SECID><UNIQUEID>912810RW0</UNIQUEID><UNIQUEIDTYPE>CUSIP</UNIQUEIDTYPE></SECID>
<SECNAME>US Treasury 2047</SECNAME></SECINFO><PARVALUE>1000</PARVALUE><DEBTTYPE>ZERO</DEBTTYPE></DEBTINFO>
<OPTINFO><SECINFO><SECID><UNIQUEID>AAPL250620C200</UNIQUEID><UNIQUEIDTYPE>OTHER</UNIQUEIDTYPE></SECID>
<SECNAME>AAPL Jun 2025 200 Call</SECNAME><TICKER>AAPL250620C200</TICKER></SECINFO>
<OPTTYPE>CALL</OPTTYPE><STRIKEPRICE>200</STRIKEPRICE><DTEXPIRE>20250620</DTEXPIRE><SHPERCTRCT>100</SHPERCTRCT></OPTINFO>
<OTHERINFO><SECINFO><SECID><UNIQUEID>GOLDBAR</UNIQUEID><UNIQUEIDTYPE>PRIVATE</UNIQUEIDTYPE></SECID>
<SECNAME>Allocated gold</SECNAME><TICKER>GOLD</TICKER></SECINFO></OTHERINFO>
"""
"""Securities for the inline statements: AAPL (stock), IWDA (fund, ISIN), a Treasury bond, an option, gold."""


def ofx_statement(
    transactions: str,
    *,
    positions: str = "",
    seclist: str = SIMPLE_SECLIST,
    curdef: str = "USD",
    account: str = "<BROKERID>broker.example</BROKERID><ACCTID>U123</ACCTID>",
    balance: str = "<INVBAL><AVAILCASH>100.50</AVAILCASH><MARGINBALANCE>0</MARGINBALANCE></INVBAL>",
    xml: bool = False,
    extra: str = "",
) -> bytes:
    """A whole OFX investment statement around ``transactions`` (closed tags, one aggregate a line as written).

    ``xml=True`` gives an OFX 2 file with its XML and OFX declarations; otherwise an OFX 1.02 SGML header, with the
    same body (``sgml()`` strips the leaves' end tags for the true SGML style).
    """
    body = textwrap.dedent(f"""\
        <OFX>
        <SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
        <DTSERVER>20240301120000</DTSERVER><LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1>
        <INVSTMTMSGSRSV1><INVSTMTTRNRS><TRNUID>1</TRNUID>
        <STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
        <INVSTMTRS><DTASOF>20240301</DTASOF><CURDEF>{curdef}</CURDEF>
        <INVACCTFROM>{account}</INVACCTFROM>
        <INVTRANLIST><DTSTART>20240101</DTSTART><DTEND>20240301</DTEND>
        {{transactions}}
        </INVTRANLIST>
        <INVPOSLIST>{{positions}}</INVPOSLIST>
        {balance}
        </INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1>
        <SECLISTMSGSRSV1><SECLIST>{{seclist}}</SECLIST></SECLISTMSGSRSV1>
        {extra}
        </OFX>
        """)
    body = body.format(
        transactions=textwrap.dedent(transactions).strip(), positions=positions.strip(), seclist=seclist.strip()
    )
    if xml:
        head = '<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE"?>\n'
    else:
        head = "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n\n"
    return (head + body).encode()


def sgml(data: bytes) -> bytes:
    """``data`` in the OFX 1.x style: elements holding a value are left unclosed (``<UNITS>10<UNITPRICE>...``)."""
    return re.sub(rb"(<([A-Z0-9.]+)>[^<\r\n]+)</\2>", rb"\1", data)


def line_of(data: bytes, needle: str, occurrence: int = 1) -> int:
    """The 1-based line where ``needle`` occurs for the ``occurrence``-th time."""
    text = data.decode()
    position = -1
    for _ in range(occurrence):
        position = text.index(needle, position + 1)
    return text.count("\n", 0, position) + 1


def kinds(statement: ParsedStatement) -> list[Kind]:
    return [parsed.activity.kind for parsed in statement.activities]
