"""The classification banner that opens the body, and the handling caveats around it.

`C O N F I D E N T I A L SECTION 01 OF 02 USNATO 000383` says the level, how many
sections the cable was sent in, and the cable's station and number (which rebuilds the
reference id of a cable that arrives with no metadata). The lines right after it carry
caveats such as SIPDIS, NOFORN or SENSITIVE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEVELS = (
    ("T O P S E C R E T", "TOP SECRET"), ("TOP SECRET", "TOP SECRET"),
    ("C O N F I D E N T I A L", "CONFIDENTIAL"), ("CONFIDENTIAL", "CONFIDENTIAL"),
    ("S E C R E T", "SECRET"), ("SECRET", "SECRET"),
    ("U N C L A S S I F I E D", "UNCLASSIFIED"), ("UNCLASSIFIED", "UNCLASSIFIED"),
    ("U N C L A S", "UNCLASSIFIED"), ("UNCLAS", "UNCLASSIFIED"),
    ("L I M I T E D O F F I C I A L U S E", "LIMITED OFFICIAL USE"),
    ("LIMITED OFFICIAL USE", "LIMITED OFFICIAL USE"),
)
_LEVEL_ALT = "|".join(re.escape(written) for written, _ in LEVELS)
BANNER = re.compile(
    r"(?P<level>" + _LEVEL_ALT + r")(?![A-Z])"
    r"(?P<extra>(?:\s*/{1,2}\s*[A-Z]+| E F T O| EFTO| SENSITIVE| NOFORN| SIPDIS)*)"
    r"\s+(?:SECTION\s+(?P<section>\d{1,2})\s+OF\s+(?P<sections>\d{1,2})\s+)?"
    r"(?P<station>[A-Z][A-Z .'\-]{1,30}?)\s+(?P<number>\d{3,6})(?!\d)"
)
BANNER_AT_LINE_START = re.compile(r"^[ \t]*" + BANNER.pattern, re.MULTILINE)

CAVEATS = (
    (r"NO\s?FORN|\bNF\b", "NOFORN"),
    (r"SIPDIS", "SIPDIS"),
    (r"FOR OFFICIAL USE ONLY|\bFOUO\b", "FOUO"),
    (r"SENSITIVE BUT UNCLASSIFIED|\bSENSITIVE\b|\bSBU\b", "SBU"),
    (r"\bNODIS\b", "NODIS"),
    (r"\bEXDIS\b", "EXDIS"),
    (r"\bLIMDIS\b", "LIMDIS"),
    (r"\bSTADIS\b", "STADIS"),
    (r"\bORCON\b", "ORCON"),
    (r"\bPROPIN\b", "PROPIN"),
    (r"\bNOCONTRACT\b", "NOCONTRACT"),
)
REL = re.compile(r"\bREL(?:EASABLE)?\s+(?:TO\s+)?(?P<to>[A-Z]{2,}(?:\s*,\s*[A-Z]{2,})*(?:\s+AND\s+[A-Z]{2,})?)")


@dataclass(slots=True)
class Banner:
    level: str
    section: int | None
    sections: int | None
    station: str
    number: int
    start: int  # offset of the banner in the text
    end: int


BANNER_ANY_CASE = re.compile(BANNER_AT_LINE_START.pattern, re.MULTILINE | re.IGNORECASE)


def find_banner(text: str) -> Banner | None:
    """The first banner at the start of a line, else the first anywhere (glued layouts), else one in
    lower case at the start of a line (`S e c r e t nairobi 001938`: texts the release lower-cased)
    whose station is a known one."""
    match = BANNER_AT_LINE_START.search(text) or BANNER.search(text) or _lower_case_banner(text)
    if not match:
        return None
    written = re.sub(r"\s+", " ", match.group("level")).upper()
    level = dict(LEVELS).get(written, written)
    return Banner(
        level=level,
        section=int(match.group("section")) if match.group("section") else None,
        sections=int(match.group("sections")) if match.group("sections") else None,
        station=match.group("station").strip().upper(),
        number=int(match.group("number")),
        start=match.start(),
        end=match.end(),
    )


def _lower_case_banner(text: str) -> re.Match[str] | None:
    from cablegraph.parse.stations import resolve

    for match in BANNER_ANY_CASE.finditer(text):
        if resolve(match.group("station")):
            return match
    return None


def caveats_in(text: str) -> list[str]:
    """Handling caveats named in a classification string or the lines after the banner, in order."""
    found: list[tuple[int, str]] = []
    upper = text.upper()
    for pattern, caveat in CAVEATS:
        match = re.search(pattern, upper)
        if match:
            found.append((match.start(), caveat))
    for match in REL.finditer(upper):
        audience = re.sub(r"\s+", " ", match.group("to")).strip()
        found.append((match.start(), f"REL {audience}"))
    seen: list[str] = []
    for _, caveat in sorted(found):
        if caveat not in seen:
            seen.append(caveat)
    return seen
