"""The telegram header: transmission id, DE line, precedence and date-time group, FM/TO/INFO.

The header is everything before the classification banner. Its lines follow the
ACP 127 message format: `VZCZC...` (transmission id), `DE RUEHNO #0383/01 2531627`
(originating station's routing indicator), `P 101627Z SEP 09` (precedence prosign and
date-time group), then `FM`, `TO` and `INFO` address lines, each `RI/NAME PRECEDENCE MCN`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cablegraph.parse.ids import year_from_two_digits
from cablegraph.parse.similarity import edit_distance
from cablegraph.record import Recipient

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
PROSIGNS = {"Z": "FLASH", "O": "IMMEDIATE", "P": "PRIORITY", "R": "ROUTINE"}
PRECEDENCE_WORDS = ("NIACT IMMEDIATE", "IMMEDIATE", "PRIORITY", "ROUTINE", "FLASH")

TRANSMISSION = re.compile(r"^\s*(VZCZC[A-Z0-9]+)", re.MULTILINE)
DE_LINE = re.compile(r"^\s*DE\s+([A-Z]{4,7})\s*#\s*(\d+)", re.MULTILINE)
# The date-time group after its precedence prosign(s): `P 101627Z SEP 09`, `O R 141538Z MAR 06`,
# glued after the security line (`ZZHP 171328Z MAY 07`). Found by the digits first (a rare
# character class), then the prosign is checked just before them: far cheaper than starting
# the search at every Z, O, P or R of an uppercase text.
DTG_CORE = re.compile(
    r"(?P<dtg>(?P<day>\d{2})(?P<hour>\d{2})(?P<minute>\d{2})Z\s?(?P<month>" + "|".join(MONTHS) + r")\s?"
    r"(?P<yy>\d{2}))(?!\d)"
)
PROSIGN_BEFORE = re.compile(r"(?:^|\s|ZZH|ZZHP)(?P<p1>[ZOPR])(?:\s(?P<p2>[ZOPR]))?\s?$")


def find_dtg(text: str) -> tuple[re.Match[str], str] | None:
    """The first DTG preceded by a precedence prosign, with that prosign's letter."""
    for match in DTG_CORE.finditer(text):
        before = PROSIGN_BEFORE.search(text[max(0, match.start() - 8): match.start()])
        if before:
            return match, before.group("p1")
    return None


BARE_DTG = re.compile(
    r"^[ \t]*(?P<dtg>(?P<day>\d{2})(?P<hour>\d{2})(?P<minute>\d{2})Z\s?(?P<month>(?i:" + "|".join(MONTHS) + r"))\s?"
    r"(?P<yy>\d{2}))[ \t]*$",
    re.MULTILINE,
)
ROLE = re.compile(r"^\s*(FM|FROM|TO|INFO|XMT|BT)\b\s*(.*)$")
ADDRESS = re.compile(
    r"^(?:(?P<routing>R[A-Z]{3,6}|ZEN)\s?/\s?)?"
    r"(?P<name>(?:[A-Z]|\d+[A-Z])[A-Z0-9 .,&'()/\-]*?)"  # `39OS INCIRLIK AB TU`; not `243245`, `2010-01-12`
    r"(?:\s+(?P<precedence>" + "|".join(PRECEDENCE_WORDS) + r"))?"
    r"(?:\s+(?P<mcn>\d{1,5}(?:-\d{1,5})?))?\s*$"
)
# Where the precedence goes, the release sometimes has a month (`AMEMBASSY LA PAZ JUN 4182`) or a
# misspelt word (`PRORITY`): an artefact of the address line, not part of the name.
MONTH_WORDS = frozenset(MONTHS)
# Lines that end an address list: the classification banner, a handling word, a reference id
# (`10KABUL102` in the release's metadata after the header).
NOT_AN_ADDRESS = re.compile(
    r"^(?:.{0,3}(?:[A-Z] ){4,}|(?:SIPDIS|NOFORN|SENSITIVE|EXDIS|NODIS|LIMDIS)\b|\d{2}[A-Z]+\d+$|"
    r"(?:UNCLAS|CONFIDENTIAL|SECRET)\b(?!.*(?:COLLECTIVE|WASHDC)))"
)
GLUED_SUBJECT = re.compile(r"^(?P<before>.*?)(?P<date>\d{2}\.\d{2}\.\d{4}) : (?P<subject>.*)$")


@dataclass(slots=True)
class Header:
    transmission_id: str | None = None
    origin_routing: str | None = None
    precedence: str | None = None
    dtg: str | None = None
    created: str | None = None  # ISO date-time from the DTG, e.g. 2009-09-10T16:27Z
    from_: list[Recipient] = field(default_factory=list)
    to: list[Recipient] = field(default_factory=list)
    info: list[Recipient] = field(default_factory=list)
    glued_subject: str | None = None

    def fill_dtg_from(self, text: str) -> None:
        """Take the DTG (and precedence) from whichever comes first in `text`: a prosign + DTG (in a
        later section's header) or a bare DTG on a line of its own (`291359Z Nov 00` in AMHS extracts)."""
        found = find_dtg(text)
        bare = BARE_DTG.search(text)
        if found and (bare is None or found[0].start() < bare.start()):
            match, prosign = found
            self.precedence = self.precedence or PROSIGNS[prosign]
        elif bare:
            match = bare
        else:
            return
        self.dtg = _spaced_dtg(match)
        self.created = dtg_to_iso(match)


def parse_header(zone: str) -> Header:
    """Read what the header zone (the text before the banner) says; missing parts stay None."""
    header = Header()
    if match := TRANSMISSION.search(zone):
        header.transmission_id = match.group(1)
    if match := DE_LINE.search(zone):
        header.origin_routing = match.group(1)
    if found := find_dtg(zone):
        match, prosign = found
        header.dtg = _spaced_dtg(match)
        header.created = dtg_to_iso(match)
        header.precedence = PROSIGNS[prosign]
    _parse_addresses(zone, header)
    action = header.to[0].precedence if header.to else None
    if action == "NIACT IMMEDIATE" or (header.precedence is None and action):
        header.precedence = action
    return header


def _spaced_dtg(match: re.Match[str]) -> str:
    day, hour, minute, month, yy = match.group("day", "hour", "minute", "month", "yy")
    return f"{day}{hour}{minute}Z {month.upper()} {yy}"


def dtg_to_iso(match: re.Match[str]) -> str | None:
    """`101627Z SEP 09` -> `2009-09-10T16:27Z`; None for an impossible date (day 31 of a 30-day month)."""
    import datetime as dt

    year = year_from_two_digits(int(match.group("yy")))
    month = MONTHS.index(match.group("month").upper()) + 1
    try:
        moment = dt.datetime(year, month, int(match.group("day")), int(match.group("hour")),
                             int(match.group("minute")))
    except ValueError:
        return None
    return moment.strftime("%Y-%m-%dT%H:%MZ")


# The running header of a printed page (AMHS): `PAGE 02  STATE  003691  141623Z`, with `02 OF 03` when
# the cable has sections. In an address list it is no address; the list goes on after it.
ADDRESS_PAGE_LINE = re.compile(r"PAGE\s+\d{2,3}\s+[A-Z][A-Z .'-]*?\s+\d{3,6}\s+(?:\d{2}\s+OF\s+\d{2}\s+)?\d{6}Z$")


def _parse_addresses(zone: str, header: Header) -> None:
    lines = zone.split("\n")
    start = next((i for i, line in enumerate(lines) if re.match(r"^\s*(FM|FROM)\s", line)), None)
    if start is None:
        return
    role: str | None = None
    for line in lines[start:]:
        line = line.strip().rstrip("\\").strip()
        if not line:
            if role in ("to", "info") and (header.to or header.info):
                break
            continue
        role_match = ROLE.match(line)
        if role_match:
            keyword, rest = role_match.groups()
            if keyword in ("XMT", "BT"):
                break
            role = {"FM": "from", "FROM": "from", "TO": "to", "INFO": "info"}[keyword]
            line = rest
            if not line:
                continue
        elif role is None:
            break
        if ADDRESS_PAGE_LINE.match(line):
            continue  # `INFO PAGE 02  STATE  003691  141623Z`: a page break inside the address list
        glued = GLUED_SUBJECT.match(line)
        if glued:
            header.glued_subject = glued.group("subject").strip() or None
            line = glued.group("before").strip()
        recipient = parse_address(line)
        if recipient is None:
            break
        {"from": header.from_, "to": header.to, "info": header.info}[role].append(recipient)
        if glued:
            break


def parse_address(line: str) -> Recipient | None:
    """`RUEHC/SECSTATE WASHDC PRIORITY 3350` -> Recipient; None when the line is no address."""
    match = ADDRESS.match(line.strip())
    if not match or re.search(r"[a-z]", line) or NOT_AN_ADDRESS.match(line.strip()):
        return None
    routing = match.group("routing")
    name = re.sub(r"\s+", " ", match.group("name")).strip()
    precedence = match.group("precedence")
    words = name.split()
    if len(words) > 2 and not precedence and (words[-1] in MONTH_WORDS or _misspelt_precedence(words[-1])):
        name = " ".join(words[:-1])
    return Recipient(
        routing=None if routing in (None, "ZEN") else routing,
        name=name,
        precedence=precedence,
        mcn=match.group("mcn"),
    )


def _misspelt_precedence(word: str) -> bool:
    """`PRORITY`, `IMMEDAITE`, `ROUTNE`: two edits or fewer from a precedence word of seven letters or more."""
    return len(word) >= 6 and any(edit_distance(word, p) <= 2 for p in ("PRIORITY", "IMMEDIATE", "ROUTINE"))
