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

EO_LINE = re.compile(r"(?:^|\s)E\s?\.?\s?O\s?\.?\s*:?\s*(?P<order>\d{5})\b(?P<rest>[^\n]*)", re.MULTILINE)
DECL = re.compile(r"\bDECL(?:ASSIFY)?(?:\s+ON)?\s*[:;.]?\s*(?P<value>[^\s,;]+(?:\s?-\s?[A-Z]+)?)", re.I)
NOT_APPLICABLE = re.compile(r"^\s*[:;]?\s*N\s?/\s?A\b", re.I)
CLASSIFIED_BY = re.compile(r"\bCLASSIFIED\s+BY\b\s*[:;.,-]?\s*", re.I)
REASONS_START = re.compile(
    r"(?:[,;.]\s*|\s+)(?:FOR\s+)?(?:REAS\s?ONS?|RSNS?)\b|(?:[,;.]\s*|\s+)BASED\s+(?:UP)?ON\b"
    r"|(?:[,;.]\s*|\s+)(?:E\.?\s?O\.?\s*12958\b|\b1\s?\.\s?[4-6]\b)",
    re.I,
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
    if match := CLASSIFIED_BY.search(zone):
        statement = _statement(zone[match.end():])
        person, reasons_text = _split_reasons(statement)
        if person:
            name = classifier_name(statement)
            authority.classified_by = ClassifiedBy(name=name, title=_title_beside(person, name), raw=person)
        authority.reasons = reasons(reasons_text)
    return authority


def _statement(after: str) -> str:
    """The classification statement: up to a blank line or a paragraph start, as one line."""
    end = re.search(r"\n\s*\n|\n\s*¶|\n\s*\d{1,2}\.\s?[\s(]", after)
    return re.sub(r"\s+", " ", after[: end.start()] if end else after[:400]).strip()


def _split_reasons(statement: str) -> tuple[str, str]:
    match = REASONS_START.search(statement)
    if not match:
        return statement.strip(" .,;:"), ""
    return statement[: match.start()].strip(" .,;:"), statement[match.start():]


def reasons(text: str) -> list[str]:
    """`1.4 (b/d)` -> ['1.4(b)', '1.4(d)']; `1.5 (B) AND (D)` -> ['1.5(b)', '1.5(d)']."""
    found: list[str] = []
    sections = list(REASON_SECTION.finditer(text))
    for i, section in enumerate(sections):
        end = sections[i + 1].start() if i + 1 < len(sections) else len(text)
        segment = re.split(r"[\n]|\bDECL", text[section.end(): end])[0][:60]
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
