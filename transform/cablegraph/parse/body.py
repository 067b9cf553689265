"""The body after the banner: SUBJECT, REF, paragraphs, signer, summary, comment, action request.

Before paragraphs are read, transmission artefacts are removed: page lines that the
telegraph system inserts at page breaks (`USNATO 00000383 002 OF 002`, and in old AMHS
extracts `CONFIDENTIAL` + `PAGE 02 HARARE 05461 01 OF 02 271458Z`). Nothing is removed
from the record's `text`; only paragraph texts are cleaned.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cablegraph.record import Paragraph

PAGE_LINE = re.compile(
    r"^[ \t]*[A-Z][A-Z .'\-]{1,30} \d{8}[ \t]+\d{3}(?:\.\d)?[ \t]+OF[ \t]+\d{3}[ \t]*\n?", re.MULTILINE
)
AMHS_PAGE = re.compile(
    r"(?:[ \t]*\b(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)[ \t]*\n)?"
    r"[ \t]*PAGE \d{2,3}[ \t]+[A-Z][A-Z .'\-]*?[ \t]+\d{3,6}[ \t]+\d{2} OF \d{2}[ \t]+\d{6}Z[ \t]*",
)
# `SUBJECT:` at the start of a line, or after the TAGS on the same line (`TAGS: PREL SUBJECT: ...`).
SUBJECT = re.compile(
    r"(?:^[ \t]*|(?<=[A-Z,;)] )[ \t]*(?=SUBJ(?:ECT)?\s*:))SUBJ(?:ECT)?\b[ \t]*[:.;]?[ \t]*(?P<first>[^\n]*)",
    re.MULTILINE | re.I,
)
_REF_WORD = r"(?:REFS?|REF\(S\)|REFERENCES?|REFTELS?)"
# `REF:` at the start of a line in any case (`Reftel:`, `Ref(s):`), or inside a line after the subject,
# even glued to its last word (`... UK PRIMEREF: A. LONDON 1939`, `... TO EGYPTREF: CAIRO 493`).
REF = re.compile(
    r"(?:^[ \t]*(?i:" + _REF_WORD + r")\b[ \t]*[:.;]?|(?:(?<=\s)|(?<=[A-Z]))(?i:" + _REF_WORD + r")[ \t]*:)"
    r"[ \t]*(?P<first>[^\n]*)",
    re.MULTILINE,
)
SUBJECT_END = re.compile(r"(?:\s|(?<=[A-Z\"]))(?i:" + _REF_WORD + r")\s*:|\s(?i:CLASSIFIED\s+BY\b)")
REF_CONTINUES = re.compile(r"^\s*¶?\(?[B-Zb-z][.)]\s")
# A REF block ends where the classifier or the first paragraph begins, also on the same line
# (`... STATE 12231 (U) Following consultation with ...`).
REF_STOP = re.compile(r"(?i:\bCLASSIFIED\s+BY\b)|\s\((?:U|C|S|SBU|S/NF|C/NF|TS)\)\s+(?=[A-Z][a-z])")
BLOCK_END = re.compile(
    r"^\s*(?:$|¶\s?\d|\d{1,2}\s?\.\s|CLASSIFIED\s+BY|REFS?\b\s*[:.]?|TAGS?\b|E\.\s?O\.|SUBJ(?:ECT)?\b|"
    r"SUMMARY\b|-{3,}|C O N F I D|S E C R E T|U N C L A S|UNCLAS\b|"
    r"(?:CONFIDENTIAL|SECRET)\s+(?:SECTION\b|[A-Z]+\s+\d))",
    re.I,
)
PARAGRAPH_PILCROW = re.compile(r"^[ \t]*¶[ \t]?(?P<number>\d{1,3})[ \t]?\.(?!\d)", re.MULTILINE)
PARAGRAPH_PLAIN = re.compile(r"^[ \t]*(?P<number>\d{1,3})[ \t]?\.(?!\d)(?=[ \t]|\()", re.MULTILINE)
# A paragraph opening inside a line: found by its number and marking (digits first: a rare character
# class, far cheaper than trying a look-behind at every position), then its context is checked.
PARAGRAPH_INLINE = re.compile(
    r"(?P<number>\d{1,3})[ \t]?\.(?!\d)[ \t]*\n?[ \t]*"
    r"(?=\((?:TS|S|C|U|SBU|LOU|FOUO|CUI|NF|ts|s|c|u|sbu)\b[^()\n]{0,20}\)|[xX]{4,})"  # or a redacted paragraph
)
# What may stand before such an opening: the start of a line (with a pilcrow), the end of a sentence or
# heading (`... in Tallinn. 2. (SBU)`, `---- 3. (SBU)`), a double space (`NOT EXTENSIVE  2. (C)`, a heading
# joined to the text), or an AMHS page header's time (`291401Z 11. (C)`).
INLINE_BEFORE = re.compile(r"(?:^|\n)[ \t]*¶?[ \t]*$|[.!?\"'”)\]:\-]\s[ \t]*¶?$|\d{6}Z\s[ \t]*¶?$|\S[ \t]{2,}¶?$")
MARKING = re.compile(
    r"^[ \t]*\((?P<marking>(?:TS|S|C|U|SBU|LOU|FOUO|CUI|NF)(?:[ \t]?/{1,2}[ \t]?[A-Z][A-Z ,/]*?)?"
    r"(?:[ \t]?-[ \t]?ENTIRE TEXT)?)[ \t]?\)[ \t]*",  # `(C )`, `(S-ENTIRE TEXT)`, `(C - ENTIRE TEXT)`
    re.I,
)
TRAILER = re.compile(
    r"^\s*(?:$|=+\s*CABLE ENDS\s*=+|NNNN?|BT|#\d+|\*+|\"|>+|\.{2,}|END\s+(?:TEXT|CABLE)|END CABLE TEXT|"
    r"(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)|DECLASSIFIED\s*/\s*RELEASED\b.*|SYSTEMATIC REVIEW\b.*"
    # Archive footers after the text: `2002ROME01725 - Classification: CONFIDENTIAL`, AMHS page lines.
    r"|>?\s*\d{4}[A-Z]+\d+\s*-\s*Clas.*|PAGE\s+\d{2,3}\s+[A-Z ]+\d{3,6}\s+\d{2}\s+OF\s+\d{2}\s+\d{6}Z)\s*$",
    re.I,
)
_NAME = r"(?:(?:van|de|von|da|del|di|du|la|le|al)[ \t]+)?[A-Z][A-Za-z'\-]+(?:[ \t]+[A-Za-z][A-Za-z'\-]+){0,2}"
SIGNER_LINE = re.compile(r"^[ \t]*(?P<signer>" + _NAME + r")[ \t]*\.?$")
SIGNER_GLUED = re.compile(r"(?:(?<=[.!?\"')\]”])|(?<=END COMMENT)|(?<=End Comment)|(?<=end comment))[ \t]*"
                          r"(?P<signer>" + _NAME + r")[ \t]*$")
SIGNER_AFTER_WORD = re.compile(r"(?<=[a-z]) (?P<signer>[A-Z][A-Z'\-]{2,})[ \t]*$")
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
FRONT_SUMMARY = re.compile(
    r"^[ \t]*(?:BEGIN[ \t]+)?(?:EXECUTIVE[ \t]+)?SUMMARY(?:[ \t]+AND[ \t]+COMMENT)?(?:[ \t]*[:.\-][ \t]*|[ \t]*\n)",
    re.MULTILINE | re.IGNORECASE,
)
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
    from cablegraph.parse.stations import known_stations, unique_station_with_prefix

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


def block_after(pattern: re.Pattern[str], zone: str, continues: re.Pattern[str] | None = None,
                max_lines: int = 16) -> str | None:
    """The first line matching `pattern` and its continuation lines.

    A block ends at a blank line or at a line that opens another part (BLOCK_END), unless
    `continues` matches the next non-blank line (lettered REF entries split by blank lines).
    """
    match = pattern.search(zone)
    if not match:
        return None
    lines = [match.group("first")]
    rest = zone[match.end():].split("\n")[1: max_lines + 24]
    i = 0
    while i < len(rest) and len(lines) < max_lines:
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
    block = SUBJECT_END.split(block)[0]
    return re.sub(r"\s+", " ", block).strip() or None


def ref_block(zone: str) -> str | None:
    block = block_after(REF, zone, continues=REF_CONTINUES, max_lines=40)  # long REF lists run to 26 letters
    if not block:
        return None
    for stop in REF_STOP.finditer(block):
        marking = re.fullmatch(r"\s\(([A-Z])\)\s+", stop.group(0))
        if marking and marking.group(1) > "A" and f"({chr(ord(marking.group(1)) - 1)})" in block[: stop.start()]:
            continue  # `(B) ... (C) Sao Paulo 42`: the next letter of the list, not a paragraph's marking
        return block[: stop.start()]
    return block


def find_paragraph_starts(body: str) -> list[re.Match[str]]:
    """Paragraph openings, in text order (see _paragraph_starts); the parse asks three times per body."""
    return list(_paragraph_starts(body))


@lru_cache(maxsize=4)
def _paragraph_starts(body: str) -> tuple[re.Match[str], ...]:
    return tuple(_find_paragraph_starts(body))


def _find_paragraph_starts(body: str) -> list[re.Match[str]]:
    """Paragraph openings, in text order.

    `¶3.` lines when the cable uses them, else `3.` lines in sequence; a numbering that restarts
    lower (`¶1.` of a list inside paragraph 9, a fragment of another cable) is no paragraph, while a
    number written twice is kept (a slip of the writer). Where lines were joined, a paragraph can
    open inside a line (`... in Tallinn. 2. (SBU) The ...`, `... 291401Z 11. (C) COMMENT`): such an
    opening counts when it carries a marking and is the next number of the sequence.
    """
    line_starts = list(PARAGRAPH_PILCROW.finditer(body))
    if not line_starts:
        line_starts = list(PARAGRAPH_PLAIN.finditer(body))
        plain = True
    else:
        plain = False
    inline = [match for match in PARAGRAPH_INLINE.finditer(body)
              if (match.start() == 0 or not body[match.start() - 1].isdigit())
              and INLINE_BEFORE.search(body[max(0, match.start() - 12): match.start()])]
    candidates = sorted([(match.start(), True, match) for match in line_starts]
                        + [(match.start(), False, match) for match in inline], key=lambda item: item[0])
    accepted: list[re.Match[str]] = []
    for position, at_line_start, match in candidates:
        if accepted and position < accepted[-1].end():
            continue  # the same opening found twice
        number = int(match.group("number"))
        previous = int(accepted[-1].group("number")) if accepted else None
        if previous is None:
            ok = number in (1, 2) if (plain or not at_line_start) else True
        elif at_line_start and not plain:
            # a pilcrow on a wrapped date or year (`October\n¶17.`, `¶1994.`) jumps the numbering: a
            # jump of more than three counts only with a marking (`¶12. (C)` after a lost paragraph)
            ok = previous <= number <= previous + 3 or (
                number > previous and MARKING.match(body[match.end(): match.end() + 40]) is not None)
        else:
            ok = number == previous + 1
        if ok:
            accepted.append(match)
    return accepted


def split_signer(body: str, station: str | None = None) -> tuple[str, str | None]:
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
    last = LINE_JUNK.sub(" ", lines[-1]).rstrip().rstrip('" ')  # `WARE "`: a stray quote after the name
    if re.fullmatch(r"\s*[a-z][a-z'\-]+\s*", last) and len(lines) > 1 and _is_known_signer(last.strip().upper()):
        return "\n".join(lines[:-1]), last.strip()  # `curran`: a known signer's name typed in lower case
    match = SIGNER_LINE.match(last)
    if match and (name := _clean_signer(match.group("signer"))) and len(lines) > 1:
        return "\n".join(lines[:-1]), name
    glued = SIGNER_GLUED.search(last)
    if glued and (name := _clean_signer(glued.group("signer"))):
        before = last[: glued.start()]
        shouting = name.isupper() and re.search(r"[a-z]", before) is not None
        if shouting or _is_known_signer(name, station):
            return "\n".join([*lines[:-1], before]), name
    after_word = SIGNER_AFTER_WORD.search(last)  # `... at http://.../can ada WILKINS`: no full stop before
    if after_word and _is_known_signer(after_word.group("signer"), station, exact_station=True):
        return "\n".join([*lines[:-1], last[: after_word.start()]]), after_word.group("signer")
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


def _is_known_signer(surname: str, station: str | None = None, exact_station: bool = False) -> bool:
    """The signers table knows the surname (at the cable's station, when `exact_station`)."""
    from cablegraph.tables import signer_at, signer_name

    if exact_station:
        return station is not None and signer_at(surname, station)
    return signer_name(surname, station) is not None or (station is not None and signer_at(surname, station))


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


def headings(body: str, offset: int = 0) -> list[str | None]:
    """For each paragraph of `body[offset:]` (as paragraphs_of finds them there), the section heading that
    stands right before it, if any; the text before `offset` is read for the first one's heading.

    Cables mark sections with a title underlined by dashes or a title in capitals on its own
    line (`Summary`, `COMMENT`, `Action request`); they tell which paragraphs are the summary
    or the comment when the paragraph itself carries no `Summary:` label.
    """
    starts = find_paragraph_starts(body[offset:])
    found: list[str | None] = []
    previous_end = 0
    for start in starts:
        begin = offset + start.start()
        found.append(_heading_at_end(body[max(previous_end, begin - 400): begin]))
        previous_end = offset + start.end()
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


def summary_of(paragraphs: list[Paragraph], titles: list[str | None], front: str = "") -> str | None:
    """From `Summary:` to `End summary.`, across paragraphs if need be; else the paragraphs under a
    `Summary` heading; else a summary written before the first numbered paragraph (`BEGIN SUMMARY ...
    END SUMMARY` in old cables, `SUMMARY: ...` in PDF texts)."""
    if (before := FRONT_SUMMARY.search(front)) and SUMMARY_END.search(front, before.end()):
        text = _until(SUMMARY_END, front[before.end():])  # the whole summary stands before paragraph 1
        if text and len(text) > 40 and not text.startswith("-"):
            return MARKING.sub("", text, count=1).strip()  # `(C) Spanish FM ...`: the marking is no summary
    for i, paragraph in enumerate(paragraphs):
        start = SUMMARY_START.search(paragraph.text)
        if start and start.start() < 40:
            parts = [paragraph.text[start.end():]]
            for following in paragraphs[i + 1:]:
                if SUMMARY_END.search(parts[-1]):
                    break
                parts.append(following.text)
            return _until(SUMMARY_END, "\n\n".join(parts))
    under = _under_heading(paragraphs, titles, r"(?:EXECUTIVE\s+)?SUMMARY\b", SUMMARY_END)
    if under:
        return under
    # No label, but a paragraph among the first three ends it (`... ROLE.  END SUMMARY`): that paragraph
    # is the summary, from its start.
    for paragraph in paragraphs[:3]:
        if SUMMARY_END.search(paragraph.text):
            return _until(SUMMARY_END, paragraph.text)
    return None


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
