"""Classification authority: the E.O. line, `Classified By:` and the declassification instruction.

`E.O. 12958: DECL: 09/10/2019` names the executive order and when the cable may be
declassified; `Classified By: Ambassador Ivo H. Daalder for reasons 1.4 (b/d).` names the
classifying official and the order's reasons, which we write as `1.4(b)`, `1.4(d)`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from cablegraph.parse.classifier import classifier_name
from cablegraph.record import ClassifiedBy

# `E.O. 12958:`, `E.o. 12958: decl:` (a text in lower case), `...FOR REAPE.O. 12958:` (glued to a word).
EO_LINE = re.compile(r"(?:(?:^|\s)E\s?\.?\s?O|E\.O)\s?\.?\s*:?\s*(?P<order>\d{5})\b(?P<rest>[^\n]*)",
                     re.MULTILINE | re.I)
# `DECL: 09/10/2019`, `DECLASSIFY ON: ...`; not `DECLASSIFIED JUNE 21, 2006` (a release note, no instruction).
DECL = re.compile(r"\bDECL(?:ASSIFY)?(?![A-Z])(?:\s+ON)?\s*[:;.]?\s*(?P<value>[^\s,;]+(?:\s?-\s?[A-Z]+)?)", re.I)
# E.O. 12065's General Declassification Schedule: `GDS 8/12/85 (TOMSETH, VICTOR L.) OR-P`.
GDS = re.compile(r"\bGDS\s+(?P<date>\d{1,2}/\d{1,2}/\d{2,4})", re.I)
SCHEDULE_CLASSIFIER = re.compile(
    r"\b(?:X?GDS|RDS|ADS|RVW)\b[^()\n]{0,30}\((?P<name>[A-Z][A-Za-z'\-]+,\s*[A-Z][A-Za-z.'\- ]{0,30})\)"
)
TRUNCATED = re.compile(r"(?:\.{3}|…)\s*$")
RELEASE_NOTE = re.compile(r"\bDECLASSIFIED\b|\bAS\s+AMENDED\b", re.I)
NOT_APPLICABLE = re.compile(r"^\s*[:;]?\s*N\s?/\s?A\b", re.I)
# Not `CLASSIFIED BY LINE ADDED` (a correction notice).
CLASSIFIED_BY = re.compile(r"\bCLASSIFIED\s+BY\b(?!\s+LINE\b)\s*[:;.,-]?\s*", re.I)
REASONS_START = re.compile(
    r"(?:[,;.]\s*|\s+)(?:FOR\s+)?(?:REAS\s?ONS?|RSNS?)\b|(?:[,;.]\s*|\s+)BASED\s+(?:UP)?ON\b"
    r"|(?:[,;.]\s*|\s+)(?:E\.?\s?O\.?\s*12958\b|\b1\s?\.\s?[4-6]\b)",
    re.I,
)
# Where a list of reason letters ends: a line break, the DECL instruction, a paragraph (`¶1.`, `. (C) Summary`,
# ` 1. (C)`), the next sentence or the next statement (`CLASSIFIED BY: Richard E. Hoagland`).
REASONS_END = re.compile(
    r"\n|\bDECL|¶|\.\s+(?=\(?[A-Z][A-Za-z]|\d|\([A-Z]{1,3}\)\s)|\s\d{1,2}\.\s?\(|(?i:\bCLASSIFIED\b)"
)
REASON_SECTION = re.compile(r"\b1\s?\.\s?([4-6])(?!\d)")
REASON_LETTER = re.compile(r"(?<![A-Za-z])([a-hA-H])(?![A-Za-z])")

DATE_FORMATS = ("%m/%d/%Y", "%m/%d/%y", "%Y/%m/%d", "%m-%d-%Y", "%m-%d-%y", "%m.%d.%Y", "%d %B %Y", "%B %d, %Y")


@dataclass(slots=True)
class Authority:
    executive_order: str | None = None
    declassify_on: str | None = None
    classified_by: ClassifiedBy | None = None
    reasons: list[str] | None = None


def parse_authority(zone: str) -> Authority:
    """E.O. and declassification from the first E.O. line; classifier and reasons from `Classified By`."""
    authority = Authority(reasons=[])
    if match := EO_LINE.search(zone):
        authority.executive_order = match.group("order")
        authority.declassify_on = declassification(re.split(r"\bTAGS\b", match.group("rest"))[0])
        if named := SCHEDULE_CLASSIFIER.search(match.group("rest")):
            # E.O. 12065 (1978-1982) names the classifier on the E.O. line: `GDS 8/12/85 (TOMSETH, VICTOR L.) OR-P`.
            authority.classified_by = ClassifiedBy(name=named.group("name").strip(), title=None, raw=named.group(0))
    if statement := _classification_statement(zone):
        person, reasons_text = _split_reasons(statement)
        if person:
            name = classifier_name(statement)
            authority.classified_by = ClassifiedBy(name=name, title=_title_beside(person, name), raw=person)
        authority.reasons = reasons(reasons_text)
    return authority


def _classification_statement(zone: str) -> str | None:
    """The first `Classified By` statement written out in full.

    Texts of the 2011 release open with an excerpt cut short (`Classified By: Ambassador Ronald
    Spogli f...`) before the whole cable: a statement that ends in `...` gives way to a later one.
    A statement ends where the next one begins (two on one line: the first is the cable's); one that
    names no one gives way to a later one that does (`Classified By: Classified by DCM Liz Dibble`).
    """
    statements = [statement for match in CLASSIFIED_BY.finditer(zone)
                  if (statement := _statement(zone[match.end():])).strip(" .:;,-")]
    whole = [statement for statement in statements if not TRUNCATED.search(statement)]
    for statement in whole:
        if classifier_name(statement):
            return statement  # `Classified By: ADANA 222 ADANA 216 ... Classified by DCM Nancy McEldowney`
    return (whole or statements or [None])[0]


def _statement(after: str) -> str:
    """The classification statement: up to a blank line, a paragraph start or another statement, as one line."""
    end = re.search(r"\n\s*\n|\n\s*¶|\n\s*\d{1,2}\.\s?[\s(]|\bCLASSIFIED\s+BY\b", after, flags=re.I)
    return re.sub(r"\s+", " ", after[: end.start()] if end else after[:400]).strip()


def _split_reasons(statement: str) -> tuple[str, str]:
    match = REASONS_START.search(statement)
    if not match:
        return statement.strip(" .,;:"), ""
    return statement[: match.start()].strip(" .,;:"), statement[match.start():]


def reasons(text: str) -> list[str]:
    """`1.4 (b/d)` -> ['1.4(b)', '1.4(d)']; `1.5 (B) AND (D)` -> ['1.5(b)', '1.5(d)']."""
    found: list[str] = []
    text = re.sub(r"\b[aA]\s(?=[nN]\s?[dD]\b)|\b([aA][nN])\s(?=[dD]\b)", lambda m: m.group(0).replace(" ", ""), text)
    sections = list(REASON_SECTION.finditer(text))
    for i, section in enumerate(sections):
        end = sections[i + 1].start() if i + 1 < len(sections) else len(text)
        segment = REASONS_END.split(text[section.end(): end])[0][:60]
        letters = REASON_LETTER.findall(segment)
        if not letters:
            found.append(f"1.{section.group(1)}")
        for letter in letters:
            reason = f"1.{section.group(1)}({letter.lower()})"
            if reason not in found:
                found.append(reason)
    return found


def _title_beside(person: str, name: str | None) -> str | None:
    """What the statement says besides the name (`Ambassador`, `Ambassador, DOS, EXO`): the title as written."""
    rest = person.replace(name, " ", 1) if name and name in person else ("" if name else person)
    rest = re.sub(r"\s+", " ", rest).strip(" ,.;:-/")
    rest = re.sub(r"\s*,\s*,\s*", ", ", rest)
    return rest or None


def declassification(rest: str) -> str | None:
    """`: DECL: 09/10/2019` -> '2019-09-10'; an instruction that is no date (`OADR`, `1.6X1`) as written."""
    if NOT_APPLICABLE.match(rest):
        return None
    match = DECL.search(rest)
    if not match:
        if gds := GDS.search(rest):
            return iso_date(gds.group("date")) or gds.group("date")
        if RELEASE_NOTE.search(rest):
            return None  # `AS AMENDED; DECLASSIFIED JUNE 21, 2006`: when it was released, not an instruction
        value = rest.strip(" :;.,")
        return value or None
    value = match.group("value").strip(" .,;")
    iso = iso_date(value)
    return iso or value or None


def iso_date(value: str) -> str | None:
    for fmt in DATE_FORMATS:
        try:
            parsed = dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
        if 1966 <= parsed.year <= 2100:
            return parsed.strftime("%Y-%m-%d")
    return None
