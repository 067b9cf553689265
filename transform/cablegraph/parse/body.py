"""The body after the banner: SUBJECT, REF, paragraphs, signer, summary, comment, action request.

Before paragraphs are read, transmission artefacts are removed: page lines that the
telegraph system inserts at page breaks (`USNATO 00000383 002 OF 002`, and in old AMHS
extracts `CONFIDENTIAL` + `PAGE 02 HARARE 05461 01 OF 02 271458Z`). Nothing is removed
from the record's `text`; only paragraph texts are cleaned.
"""

from __future__ import annotations

import re

from cablegraph.record import Paragraph

PAGE_LINE = re.compile(
    r"^[ \t]*[A-Z][A-Z .'\-]{1,30} \d{8}[ \t]+\d{3}(?:\.\d)?[ \t]+OF[ \t]+\d{3}[ \t]*\n?", re.MULTILINE
)
AMHS_PAGE = re.compile(
    r"(?:[ \t]*\b(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)[ \t]*\n)?"
    r"[ \t]*PAGE \d{2,3}[ \t]+[A-Z][A-Z .'\-]*?[ \t]+\d{3,6}[ \t]+\d{2} OF \d{2}[ \t]+\d{6}Z[ \t]*",
)
SUBJECT = re.compile(r"^[ \t]*SUBJ(?:ECT)?\b[ \t]*[:.;]?[ \t]*(?P<first>[^\n]*)", re.MULTILINE | re.I)
REF = re.compile(
    r"(?:^[ \t]*(?:REFS?|REFERENCES?|REFTELS?)\b[ \t]*[:.;]?|^[ \t]*Refs?:|(?<=\s)REFS?:)[ \t]*(?P<first>[^\n]*)",
    re.MULTILINE,
)
REF_CONTINUES = re.compile(r"^\s*¶?\(?[B-Z][.)]\s")
REF_STOP = re.compile(r"\bCLASSIFIED\s+BY\b", re.I)
BLOCK_END = re.compile(
    r"^\s*(?:$|¶\s?\d|\d{1,2}\s?\.\s|CLASSIFIED\s+BY|REFS?\b\s*[:.]?|TAGS?\b|E\.\s?O\.|SUBJ(?:ECT)?\b|"
    r"SUMMARY\b|-{3,}|C O N F I D|S E C R E T|U N C L A S|UNCLAS\b|"
    r"(?:CONFIDENTIAL|SECRET)\s+(?:SECTION\b|[A-Z]+\s+\d))",
    re.I,
)
PARAGRAPH_PILCROW = re.compile(r"^[ \t]*¶[ \t]?(?P<number>\d{1,3})[ \t]?\.(?!\d)", re.MULTILINE)
PARAGRAPH_PLAIN = re.compile(r"^[ \t]*(?P<number>\d{1,3})[ \t]?\.(?!\d)(?=[ \t]|\()", re.MULTILINE)
MARKING = re.compile(
    r"^[ \t]*\((?P<marking>(?:TS|S|C|U|SBU|LOU|FOUO|CUI|NF)(?:[ \t]?/{1,2}[ \t]?[A-Z][A-Z ,/]*?)?)\)[ \t]*",
    re.I,
)
TRAILER = re.compile(
    r"^\s*(?:$|=+\s*CABLE ENDS\s*=+|NNNN?|BT|#\d+|\*+|\"|>+|END\s+(?:TEXT|CABLE)|"
    r"(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)|DECLASSIFIED\s*/\s*RELEASED\b.*)\s*$",
    re.I,
)
_NAME = r"(?:(?:van|de|von|da|del|di|du|la|le|al)[ \t]+)?[A-Z][A-Za-z'\-]+(?:[ \t]+[A-Za-z][A-Za-z'\-]+){0,2}"
SIGNER_LINE = re.compile(r"^[ \t]*(?P<signer>" + _NAME + r")[ \t]*\.?$")
SIGNER_GLUED = re.compile(r"(?<=[.!?\"')\]”])[ \t]*(?P<signer>" + _NAME + r")[ \t]*$")
# Boilerplate some posts append after the text, on the signer's line: a link to their site, rules of stars.
LINE_JUNK = re.compile(
    r"(?:Visit[ \t]+)?[\w'’ ]{0,40}Classified[ \t]+Web[ \t]?site:?[ \t]*(?:https?://\S+|X+)?"
    r"|\*{3,}|=+[ \t]*CABLE ENDS[ \t]*=+",
    re.I,
)
NOT_SIGNERS = {
    "END", "END TEXT", "END COMMENT", "END SUMMARY", "SIPDIS", "NOFORN", "UNQUOTE", "END QUOTE", "BT", "NNNN",
    "CONFIDENTIAL", "SECRET", "UNCLASSIFIED", "UNCLAS", "SENSITIVE", "COMMENT", "SUMMARY", "END NOTE", "NNN",
}
SUMMARY_START = re.compile(r"\b(?:EXECUTIVE\s+)?SUMMARY(?:\s+AND\s+COMMENT)?\s*[:.\-]", re.I)
SUMMARY_END = re.compile(r"\bEND\s+(?:OF\s+)?SUMMARY(?:\s+AND\s+COMMENT)?\b\.?", re.I)
COMMENT_START = re.compile(r"^\s*(?:POST\s+|EMBASSY\s+)?COMMENT\b\s*(?:CONTINUED|CONT'?D\.?)?\s*[:.\-]", re.I)
COMMENT_END = re.compile(r"\bEND\s+(?:OF\s+)?COMMENT\b\.?", re.I)
ACTION = re.compile(r"\bACTION\s+(?:REQUEST|REQUESTED|ITEM)S?\b", re.I)
HEADING_TAIL = re.compile(r"\n[ \t]*-{3,}[ \t]*\n[^\n]{1,80}\n[ \t]*-{3,}[ \t]*$|\n[^\n]{1,80}\n[ \t]*-{3,}[ \t]*$")


PAGE_NUMBER = re.compile(r"\d{8}[ \t]+\d{3}(?:\.\d)?[ \t]+OF[ \t]+\d{3}\b[ \t]*")
WORDS_BEFORE = re.compile(r"(?:[A-Z][A-Z.'\-]*[ \t]+){1,3}$")


# In AMHS extracts every later section repeats its whole header inside the text: footer and
# `CONFIDENTIAL PTQ4412` lines, `PAGE 01 ... ACTION ...`, the INFO LOG distribution, the prosign,
# FM/TO/INFO, then the section's banner and its handling, E.O. and TAGS lines. All of it goes.
SECTION_REPEAT = re.compile(
    r"(?:^[ \t]*(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)(?:[ \t]+PTQ\d+)?[ \t]*\n)*"
    r"^[ \t]*PAGE 01[ \t][^\n]*\n(?:[^\n]*\n){0,40}?"
    r"[ \t]*(?:C O N F I D E N T I A L|S E C R E T|UNCLAS|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)[^\n]*"
    r"SECTION[ \t]+\d+[ \t]+OF[ \t]+\d+[^\n]*"
    r"(?:\n[ \t]*(?:SIPDIS|NOFORN|SENSITIVE|X{3,}|E\.?[ \t]?O\.?[ \t]*\d{5}[^\n]*|TAGS?\b[^\n]*)[ \t]*)*\n?",
    re.MULTILINE,
)


def remove_page_lines(text: str) -> str:
    """Drop page-break lines so no paragraph, subject or REF carries them.

    Most stand on a line of their own; in texts whose lines were joined they sit inside a
    sentence (`... proliferation BEIJING 00002305 002 OF 003 and ...`). There, only the words
    that spell a station (`NEW DELHI`, a cut `UNVIE VIEN`) are taken with the page number.
    """
    if "PAGE 01" in text:
        text = SECTION_REPEAT.sub("", text)
    text = PAGE_LINE.sub("", text)
    text = _drop_inline_pages(text)
    if "PAGE" in text:
        text = AMHS_PAGE.sub(" ", text)
    return text


def _drop_inline_pages(text: str) -> str:
    """Remove `STATION 00002305 002 OF 003` inside lines: found by its digits, then the station words
    just before them are taken back (the longest run of up to three that spells a known station)."""
    from cablegraph.parse.ids import known_stations, unique_station_with_prefix

    pieces: list[str] = []
    position = 0
    for match in PAGE_NUMBER.finditer(text):
        before = text[position: match.start()]
        words_match = WORDS_BEFORE.search(before[-60:])
        if not words_match:
            continue
        words = words_match.group(0).split()
        cut = 1
        for size in (3, 2):
            key = "".join(words[-size:])
            if len(words) >= size and (key in known_stations() or unique_station_with_prefix(key)):
                cut = size
                break
        kept_words = words[:-cut]
        head = before[: len(before) - len(words_match.group(0))]
        pieces.append(head + (" ".join(kept_words) + " " if kept_words else ""))
        position = match.end()
    pieces.append(text[position:])
    return "".join(pieces)


def block_after(pattern: re.Pattern[str], zone: str, continues: re.Pattern[str] | None = None) -> str | None:
    """The first line matching `pattern` and its continuation lines.

    A block ends at a blank line or at a line that opens another part (BLOCK_END), unless
    `continues` matches the next non-blank line (lettered REF entries split by blank lines).
    """
    match = pattern.search(zone)
    if not match:
        return None
    lines = [match.group("first")]
    rest = zone[match.end():].split("\n")[1:40]
    i = 0
    while i < len(rest) and len(lines) < 16:
        line = rest[i]
        if not line.strip() and continues is not None:
            following = next((x for x in rest[i + 1:i + 4] if x.strip()), "")
            if continues.match(following):
                i += 1
                continue
        if BLOCK_END.match(line) and not (continues is not None and continues.match(line)):
            break
        lines.append(line)
        i += 1
    return "\n".join(lines)


def subject_of(zone: str) -> str | None:
    block = block_after(SUBJECT, zone)
    if block is None:
        return None
    block = re.split(r"\s(?:REFS?\s*:|CLASSIFIED\s+BY\b)", block, flags=re.I)[0]
    return re.sub(r"\s+", " ", block).strip() or None


def ref_block(zone: str) -> str | None:
    block = block_after(REF, zone, continues=REF_CONTINUES)
    return REF_STOP.split(block)[0] if block else None


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
    """(body without its signature and trailing artefacts, signer as written or None).

    The signer is the surname on the last line (`DAALDER`, `van Voorst`), or glued to the end
    of the last sentence (`... End comment. BEYRLE`). A glued mixed-case word is taken only
    when the signers table knows it, and a glued capitalised word at the end of an all-caps
    text only then too, so that the last word of a sentence is not mistaken for a name.
    """
    lines = body.rstrip().split("\n")
    while lines and TRAILER.match(LINE_JUNK.sub(" ", lines[-1])):
        lines.pop()
    if not lines:
        return "", None
    last = LINE_JUNK.sub(" ", lines[-1]).rstrip()
    match = SIGNER_LINE.match(last)
    if match and (name := _clean_signer(match.group("signer"))) and len(lines) > 1:
        return "\n".join(lines[:-1]), name
    glued = SIGNER_GLUED.search(last)
    if glued and (name := _clean_signer(glued.group("signer"))):
        before = last[: glued.start()]
        shouting = name.isupper() and re.search(r"[a-z]", before) is not None
        if shouting or _is_known_signer(name):
            return "\n".join([*lines[:-1], before]), name
    return "\n".join(lines), None


def _plausible(name: str) -> bool:
    upper = name.upper()
    return upper not in NOT_SIGNERS and len(name) >= 2 and not upper.startswith("END ")


def _clean_signer(name: str) -> str | None:
    """`XXXXXXXXXXXX TUTTLE` -> `TUTTLE` (a redaction before the name); `SHANNON SHANNON` -> `SHANNON`."""
    words = [word for word in name.split() if not re.fullmatch(r"X{3,}", word)]
    if len(words) == 2 and words[0] == words[1]:
        words = words[:1]
    cleaned = " ".join(words)
    return cleaned if cleaned and _plausible(cleaned) else None


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
        if _heading_at_end(chunk):  # a subheading set off by blank lines belongs to the next paragraph
            chunk = chunk.rstrip().rsplit("\n", 1)[0]
        lines = [line.rstrip() for line in chunk.strip().split("\n") if line.strip() != "SIPDIS"]
        text = "\n".join(lines).strip()
        paragraphs.append(Paragraph(number=int(start.group("number")), marking=marking, text=text))
    return paragraphs


DASHES = re.compile(r"^-{3,}$")
POINTER = re.compile(r"\bSEE\s+(?:PARA(?:GRAPH)?S?\.?|¶)\s*(?P<numbers>\d+(?:\s*(?:,|AND|-)\s*\d+)*)", re.I)


def headings(body: str) -> list[str | None]:
    """For each paragraph, the section heading that stands right before it, if any.

    Cables mark sections with a title underlined by dashes or a title in capitals on its own
    line (`Summary`, `COMMENT`, `Action request`); they tell which paragraphs are the summary
    or the comment when the paragraph itself carries no `Summary:` label.
    """
    starts = find_paragraph_starts(body)
    found: list[str | None] = []
    previous_end = 0
    for start in starts:
        found.append(_heading_at_end(body[max(previous_end, start.start() - 400): start.start()]))
        previous_end = start.end()
    return found


def _heading_at_end(gap: str) -> str | None:
    """A short line that closes `gap`, set apart by a blank line or dashes above it, or underlined."""
    lines = [line.strip() for line in gap.rstrip().split("\n")]
    if lines and DASHES.match(lines[-1]):
        lines.pop()
        underlined = True
    else:
        underlined = False
    if not lines or not lines[-1] or len(lines[-1]) > 70 or lines[-1].endswith((".", ",", ";")):
        return None
    above = lines[-2] if len(lines) >= 2 else ""
    if underlined or not above or DASHES.match(above):
        return lines[-1].rstrip(":").strip() or None
    return None


def summary_of(paragraphs: list[Paragraph], titles: list[str | None]) -> str | None:
    """From `Summary:` to `End summary.`, across paragraphs if need be; else the paragraphs under a
    `Summary` heading."""
    for i, paragraph in enumerate(paragraphs):
        start = SUMMARY_START.search(paragraph.text)
        if start and start.start() < 40:
            parts = [paragraph.text[start.end():]]
            for following in paragraphs[i + 1:]:
                if SUMMARY_END.search(parts[-1]):
                    break
                parts.append(following.text)
            return _until(SUMMARY_END, "\n\n".join(parts))
    return _under_heading(paragraphs, titles, r"(?:EXECUTIVE\s+)?SUMMARY\b", SUMMARY_END)


def comment_of(paragraphs: list[Paragraph], titles: list[str | None]) -> str | None:
    """The comment section: paragraphs opening with `Comment:` up to `End comment.`, else the
    paragraphs under a `Comment` heading."""
    parts: list[str] = []
    for paragraph in paragraphs:
        start = COMMENT_START.match(paragraph.text)
        if start:
            parts.append(paragraph.text[start.end():])
    if parts:
        return _until(COMMENT_END, "\n\n".join(parts))
    return _under_heading(paragraphs, titles, r"(?:POST\s+|EMBASSY\s+)?COMMENTS?\b", COMMENT_END)


def _under_heading(paragraphs: list[Paragraph], titles: list[str | None], title: str,
                   end: re.Pattern[str]) -> str | None:
    wanted = re.compile(title, re.I)
    for i, heading in enumerate(titles):
        if heading and wanted.match(heading):
            parts = [paragraphs[i].text]
            for j in range(i + 1, len(paragraphs)):
                if end.search(parts[-1]) or titles[j]:
                    break
                parts.append(paragraphs[j].text)
            return _until(end, "\n\n".join(parts))
    return None


ACTION_LABEL = re.compile(r"^\s*ACTION\s+REQUESTS?\s*[:.\-]\s*", re.I)


def action_request_of(paragraphs: list[Paragraph], titles: list[str | None]) -> str | None:
    """The action request: the paragraphs an `This is an action request. See paragraph 4.` points to,
    else the paragraphs that state one (`ACTION REQUEST: ...`) or stand under such a heading."""
    by_number = {p.number: p for p in paragraphs}
    stating: list[Paragraph] = []
    targets: list[Paragraph] = []
    for paragraph, heading in zip(paragraphs, titles, strict=True):
        if not (ACTION.search(paragraph.text) or (heading and ACTION.search(heading))):
            continue
        pointed = [by_number.get(int(n)) for pointer in POINTER.finditer(paragraph.text)
                   for n in re.findall(r"\d+", pointer.group("numbers"))]
        pointed = [p for p in pointed if p is not None and p is not paragraph]
        if pointed:
            targets.extend(p for p in pointed if p not in targets)
        elif paragraph not in stating:
            stating.append(paragraph)
    chosen = targets or stating
    texts = [ACTION_LABEL.sub("", p.text, count=1) for p in chosen]
    return "\n\n".join(texts) if texts else None


def _until(end: re.Pattern[str], text: str) -> str | None:
    match = end.search(text)
    cut = text[: match.start()] if match else text
    return cut.strip() or None
