"""The body after the banner: SUBJECT, REF, paragraphs, signer, summary, comment, action request.

Before paragraphs are read, transmission artefacts are removed: page lines that the
telegraph system inserts at page breaks (`USNATO 00000383 002 OF 002`, and in old AMHS
extracts `CONFIDENTIAL` + `PAGE 02 HARARE 05461 01 OF 02 271458Z`). Nothing is removed
from the record's `text`; only paragraph texts are cleaned.
"""

from __future__ import annotations

import re

from cablegraph.record import Paragraph

PAGE_LINE = re.compile(r"^[ \t]*[A-Z][A-Z .'\-]{1,30} \d{8} \d{3} OF \d{3}[ \t]*\n?", re.MULTILINE)
AMHS_PAGE = re.compile(
    r"(?:[ \t]*\b(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)[ \t]*\n)?"
    r"[ \t]*PAGE \d{2,3}[ \t]+[A-Z][A-Z .'\-]*?[ \t]+\d{3,6}[ \t]+\d{2} OF \d{2}[ \t]+\d{6}Z[ \t]*",
)
SUBJECT = re.compile(r"^[ \t]*SUBJ(?:ECT)?\b[ \t]*[:.;]?[ \t]*(?P<first>[^\n]*)", re.MULTILINE | re.I)
REF = re.compile(r"^[ \t]*(?:REFS?|REFERENCES?|REFTELS?)\b[ \t]*[:.;]?[ \t]*(?P<first>[^\n]*)", re.MULTILINE)
BLOCK_END = re.compile(
    r"^\s*(?:$|¶\s?\d|\d{1,2}\s?\.\s|CLASSIFIED\s+BY|REFS?\b\s*[:.]?|TAGS?\b|E\.\s?O\.|SUBJ(?:ECT)?\b|"
    r"SUMMARY\b|-{3,})",
    re.I,
)
PARAGRAPH_PILCROW = re.compile(r"^[ \t]*¶[ \t]?(?P<number>\d{1,3})[ \t]?\.(?!\d)", re.MULTILINE)
PARAGRAPH_PLAIN = re.compile(r"^[ \t]*(?P<number>\d{1,3})[ \t]?\.(?!\d)(?=[ \t])", re.MULTILINE)
MARKING = re.compile(
    r"^[ \t]*\((?P<marking>(?:TS|S|C|U|SBU|LOU|FOUO|CUI|NF)(?:[ \t]?/{1,2}[ \t]?[A-Z][A-Z ,/]*?)?)\)[ \t]*",
    re.I,
)
TRAILER = re.compile(
    r"^\s*(?:$|=+\s*CABLE ENDS\s*=+|NNNN|BT|#\d+|\*+|\"|VISIT\b.*|.*CLASSIFIED WEBSITE.*|END\s+(?:TEXT|CABLE))\s*$",
    re.I,
)
SIGNER_LINE = re.compile(r"^[ \t]*(?P<signer>[A-Z][A-Za-z'\-]+(?:[ \t]+[A-Za-z][A-Za-z'\-]+){0,2})[ \t]*\.?$")
SIGNER_GLUED = re.compile(r"(?<=[.!?\"')\]”])[ \t]+(?P<signer>[A-Z][A-Z'\-]{2,}(?:[ \t]+[A-Z][A-Z'\-]{2,})?)[ \t]*$")
NOT_SIGNERS = {
    "END", "END TEXT", "END COMMENT", "END SUMMARY", "SIPDIS", "NOFORN", "UNQUOTE", "END QUOTE", "BT", "NNNN",
    "CONFIDENTIAL", "SECRET", "UNCLASSIFIED", "UNCLAS", "SENSITIVE", "COMMENT", "SUMMARY", "END NOTE",
}
SUMMARY_START = re.compile(r"\b(?:EXECUTIVE\s+)?SUMMARY(?:\s+AND\s+COMMENT)?\s*[:.\-]", re.I)
SUMMARY_END = re.compile(r"\bEND\s+(?:OF\s+)?SUMMARY(?:\s+AND\s+COMMENT)?\b\.?", re.I)
COMMENT_START = re.compile(r"^\s*(?:POST\s+|EMBASSY\s+)?COMMENT\b\s*(?:CONTINUED|CONT'?D\.?)?\s*[:.\-]", re.I)
COMMENT_END = re.compile(r"\bEND\s+(?:OF\s+)?COMMENT\b\.?", re.I)
ACTION = re.compile(r"\bACTION\s+(?:REQUEST|REQUESTED|ITEM)S?\b", re.I)
HEADING_TAIL = re.compile(r"\n[ \t]*-{3,}[ \t]*\n[^\n]{1,80}\n[ \t]*-{3,}[ \t]*$|\n[^\n]{1,80}\n[ \t]*-{3,}[ \t]*$")


def remove_page_lines(text: str) -> str:
    """Drop page-break lines so no paragraph, subject or REF carries them."""
    text = PAGE_LINE.sub("", text)
    return AMHS_PAGE.sub(" ", text)


def block_after(pattern: re.Pattern[str], zone: str) -> tuple[str | None, int]:
    """The first line matching `pattern` and its continuation lines, and where the block ends."""
    match = pattern.search(zone)
    if not match:
        return None, -1
    lines = [match.group("first")]
    position = match.end()
    rest = zone[position:].split("\n")[1:]
    for line in rest[:12]:
        if BLOCK_END.match(line):
            break
        lines.append(line)
        position += len(line) + 1
    return "\n".join(lines), position


def subject_of(zone: str) -> str | None:
    block, _ = block_after(SUBJECT, zone)
    if block is None:
        return None
    block = re.split(r"\s(?:REF|REFS)\s*:", block)[0]
    return re.sub(r"\s+", " ", block).strip() or None


def ref_block(zone: str) -> str | None:
    block, _ = block_after(REF, zone)
    return block


def find_paragraph_starts(body: str) -> list[re.Match[str]]:
    """Paragraph openings: `¶3.` lines when the cable uses them, else `3.` lines in sequence."""
    starts = list(PARAGRAPH_PILCROW.finditer(body))
    if starts:
        return starts
    sequential: list[re.Match[str]] = []
    for match in PARAGRAPH_PLAIN.finditer(body):
        number = int(match.group("number"))
        previous = int(sequential[-1].group("number")) if sequential else None
        if (previous is None and number in (1, 2)) or (previous is not None and number == previous + 1):
            sequential.append(match)
    return sequential


def split_signer(body: str) -> tuple[str, str | None]:
    """(body without its signature and trailing artefacts, signer as written or None)."""
    lines = body.rstrip().split("\n")
    while lines and TRAILER.match(lines[-1]):
        lines.pop()
    if not lines:
        return "", None
    last = lines[-1].strip()
    match = SIGNER_LINE.match(last)
    if match and match.group("signer").upper() not in NOT_SIGNERS and len(lines) > 1:
        return "\n".join(lines[:-1]), match.group("signer")
    glued = SIGNER_GLUED.search(lines[-1])
    if glued and glued.group("signer").upper() not in NOT_SIGNERS:
        before = lines[-1][: glued.start()]
        mixed_case = re.search(r"[a-z]", before) is not None
        if mixed_case or _is_known_signer(glued.group("signer")):
            return "\n".join([*lines[:-1], before]), glued.group("signer")
    return "\n".join(lines), None


def _is_known_signer(surname: str) -> bool:
    from cablegraph.tables import signer_name

    return signer_name(surname, None) is not None


def paragraphs_of(body: str) -> list[Paragraph]:
    """Numbered paragraphs with their markings; text runs to the next paragraph, headings trimmed."""
    starts = find_paragraph_starts(body)
    paragraphs = []
    for i, start in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(body)
        chunk = body[start.end(): end]
        marking = None
        if match := MARKING.match(chunk):
            marking = re.sub(r"\s+", " ", match.group("marking").upper())
            chunk = chunk[match.end():]
        chunk = HEADING_TAIL.sub("", chunk.rstrip())
        text = "\n".join(line.rstrip() for line in chunk.strip().split("\n"))
        paragraphs.append(Paragraph(number=int(start.group("number")), marking=marking, text=text))
    return paragraphs


def summary_of(paragraphs: list[Paragraph]) -> str | None:
    """From `Summary:` to `End summary.`, across paragraphs if need be."""
    for i, paragraph in enumerate(paragraphs):
        start = SUMMARY_START.search(paragraph.text)
        if start and start.start() < 40:
            parts = [paragraph.text[start.end():]]
            for following in paragraphs[i + 1:]:
                if SUMMARY_END.search(parts[-1]):
                    break
                parts.append(following.text)
            return _until(SUMMARY_END, "\n\n".join(parts))
    return None


def comment_of(paragraphs: list[Paragraph]) -> str | None:
    """The comment section: paragraphs opening with `Comment:` up to `End comment.`."""
    parts: list[str] = []
    for paragraph in paragraphs:
        start = COMMENT_START.match(paragraph.text)
        if start:
            parts.append(paragraph.text[start.end():])
    text = _until(COMMENT_END, "\n\n".join(parts)) if parts else None
    return text or None


def action_request_of(paragraphs: list[Paragraph]) -> str | None:
    """Paragraphs that state an action request (`This is an action request`, `ACTION REQUEST:`)."""
    texts = [p.text for p in paragraphs if ACTION.search(p.text)]
    return "\n\n".join(texts) if texts else None


def _until(end: re.Pattern[str], text: str) -> str | None:
    match = end.search(text)
    cut = text[: match.start()] if match else text
    return cut.strip() or None
