"""Word lists for linking stories to instruments by mention (``items.match_instruments``). Lower case throughout.

They are curated, not exhaustive: the aim is to stop the false positives that actually occur in financial news (a
headline in capitals saying ``ALL EYES ON THE FED``, an acronym such as ``CEO`` or ``ETF`` that is also somebody's
ticker, a company called ``Target`` or ``Block`` whose name starts ordinary sentences). A ticker or name not listed
here is matched as a bare word; one listed is matched only in the explicit forms (``$ALL``, ``NYSE:ALL``, the full
legal name).
"""

from __future__ import annotations

__all__ = ["COMMON_WORDS", "EXCHANGE_CODES", "LEGAL_SUFFIXES"]

_ENGLISH = """
    a about above act add after again age ago ah aid aim air all also am an and any app apt arc are area arm army
    art as ask at ate away awe axe baby back bad bag ball ban band bank bar base bat bay be beam bear beat bed bee
    been beer bell belt best bet big bill bio bit bite black blue block boat body bold bond bone book boom boot born
    boss both bowl box boy brand bread bring buck bud build bulk bull burn bus busy but buy by cab cake call calm
    came camp can cap car card care cart case cash cast cat cell chip city clay clip club coal coat code coin cold
    come cook cool cop copy core corn cost could cow crew crop cry cup cure cut dad dare dark data date day deal
    dear debt deep den dew did die dig dish do doc does dog doll done door dot down draw drop dry due dust duty each
    ear earn ease east easy eat echo edge edit egg else end epic era even ever evil exit eye face fact fair fall
    fame fan far farm fast fat fear fee feed feel feet fell felt few fig file fill film find fine fire firm first
    fish fit five fix flag flat fleet flex flow fly foam fold folk food fool foot for form fort four free fresh
    from fuel full fun fund gain game gap gas gate gave gear gem general get gift girl give glad glow go goal goes
    gold golf gone good got grab gray great green grew grid grip grow gulf gum gun guy had hair half hall hand hang
    hard harm has hat hate have he head heal hear heat held hell help her here hero hide high hill him hint hip hire
    his hit hold hole home hope horn host hot hour how hub huge hunt hurt ice idea if in inn into iron is it item
    its jar jet job join joy jump just keen keep kept key kick kid kind king kit knew know lab lack lady laid lake
    lamp land lane large last late law lay lead leaf lean left leg lend less let lie life lift like line link lion
    list live load loan lock log long look lord lose loss lost lot loud love low luck made mail main make male man
    many map mark mart mass match max may me meal mean meat meet mega men menu met mid mild mile milk mill mind
    mine mint miss mix mode mood moon more most move much must my name near neat need net new news next nice nine
    no nor nose not note now nut oak odd of off oil old on once one only open or ore our out oven over owe own pack
    page paid pain pair pal pan park part pass past path pay peak pen per pet pick pie pig pin pink pipe plan play
    plot plus pod pool poor pop port pose post pot pour pro pull pure push put race rain ran rare rate raw ray read
    real red rely rent rest rich ride ring rise risk road rock role roof room root rose row rule run rush safe said
    sail sale salt same sand save saw say sea seal seat see seed seek seen self sell send set she shell ship shop
    shot show shut sick side sign sing site six size ski sky slow snow so soft soil sold sole some son song soon
    sort soul spot spy square star stay step stop such suit sun sure take tale talk tall tap target task tax tea
    team tech tell ten term test text than that the them then they thin this tie till time tin tiny tip to toe told
    toll tone too took top toy trade tree trip true try tube turn two type unit up upon us use van vast very via
    view visa vote wage wait walk wall want war warm was wash wave way we wear web week well went were west what
    when who why wide wife wild will win wind wine wing wire wise wish with wolf wood word wore work world yard year
    yes yet you your zero zone
"""

_ACRONYMS = """
    abs adr ads agm ai aml api apr arr atm bis bnpl boe boj bps capex ceo cet cfo cio cmo coo cpi cto dax dcf dea
    dji doj ecb eps esg etf etn eu eur ev fda fdi fed fomc fra ftc fx gbp gdp hr imf ipo irs jpy kpi llc ltd m&a mba
    nav nft nyse ok opec otc pdf pe pmi ppi q1 q2 q3 q4 r&d reit roe roi saas sec sme spac tsx uk un usa usd vat
    vc wto ytd
"""

COMMON_WORDS = frozenset(_ENGLISH.split()) | frozenset(_ACRONYMS.split())
"""Words that, written in capitals, are more likely English or an acronym than a ticker, and that as a one-word
company name (``Target``, ``Block``, ``Gap``) start ordinary sentences."""

EXCHANGE_CODES = frozenset(
    """
    amex amf ams arca asx ath bats bit bme bse bvmf cboe cph cse cve ebr eli epa etr fra fwb hel hkex hkg ice idx
    jse krx lis lon lse mce mex nasdaq neo nse nyse nysearca nyseamerican nysemkt nzx osl otc otcmkts otcqb otcqx
    pink set sgx six sto swx tpe tse tsx tsxv twse tyo vie vtx wse xams xetr xetra xlon xnas xnys xpar
    """.lower().split()
)
"""Exchange prefixes of the ``EXCHANGE:TICKER`` form (``NASDAQ:AAPL``, ``NYSE: IT``, ``ETR:SAP``), matched in any case
(press releases write ``(Nasdaq: AAPL)``)."""

LEGAL_SUFFIXES = (
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "cos",
    "ltd",
    "limited",
    "llc",
    "l.l.c",
    "lp",
    "l.p",
    "plc",
    "p.l.c",
    "ag",
    "se",
    "sa",
    "s.a",
    "nv",
    "n.v",
    "bv",
    "b.v",
    "spa",
    "s.p.a",
    "gmbh",
    "kgaa",
    "& co",
    "asa",
    "ab",
    "a/s",
    "oyj",
    "holding",
    "holdings",
    "group",
    "adr",
    "ads",
)
"""Words dropped from the end of a listed name to get the name news uses (``ASML Holding N.V.`` is ``ASML``,
``Henkel AG & Co. KGaA`` is ``Henkel``), each optionally followed by a full stop; so is a trailing share class
(``Class A``)."""
