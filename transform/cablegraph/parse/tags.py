"""The TAGS line: `TAGS: PGOV PINR NATO RS`, `TAGS PGOV, PINS, ZI, MDC, ZANU-PF`.

Codes are told apart by the bundled tag tables (subject, program, organization and
geographic codes). Known typos are repaired through the tag-fix table, glued pairs
(`PGOVPREL`) are split when both halves are known, K-codes not in the tables are program
tags by the State Department's convention, and names (mixed case or in parentheses) are
person tags.
"""

from __future__ import annotations

import re

from cablegraph import tables
from cablegraph.record import Tag

# `TAGS: ...` or `TAGS PGOV, ...` at the start of a line, or `TAGS:` glued after the E.O. line;
# not `(PRIMARY TAG)` in a correction notice.
TAGS_LINE = re.compile(
    r"(?:^[ \t]*TAGS?\b[ \t]*[:;.]?|(?<=\s)TAGS?[ \t]*:)[ \t]*(?P<first>(?![)\]])[^\n]*)", re.MULTILINE
)
STOP = re.compile(r"^\s*(?:SUBJ(?:ECT)?\b|REF\b|REFS\b|CLASSIFIED\s+BY|¶|\d{1,2}\.\s|E\.\s?O\.|SENSITIVE\b)", re.I)
INLINE_STOP = re.compile(r"\s(?:SUBJ(?:ECT)?\s*:|REF\s*:|E\.\s?O\.)")
PERSON_GROUP = re.compile(r"\(([^()]*)\)")


def find_tags_block(zone: str) -> str | None:
    """The TAGS text, continuation lines included, or None when the cable has no TAGS line."""
    match = TAGS_LINE.search(zone)
    if not match:
        return None
    lines = [match.group("first")]
    for line in zone[match.end():].split("\n")[1:4]:
        if not line.strip() or STOP.match(line) or not re.match(r"^[\sA-Z0-9,;()\-]+$", line):
            break
        lines.append(line)
    block = " ".join(lines)
    stop = INLINE_STOP.search(" " + block)
    return block[: stop.start()] if stop else block


def parse_tags(block: str | None) -> list[Tag]:
    """Every tag in the block, in order, each with its kind; duplicates dropped.

    Beyond codes, TAGS lines carry names (`(CLINTON, HILLARY)`, or `CLINTON, HILLARY` bare)
    and free-text subjects (`ITALIAN POLITICS`, `IRAQI FREEDOM`): a run of unknown words is
    kept as one tag, a `SURNAME, GIVEN` pair of unknown words as a person.
    """
    if not block:
        return []
    result: list[Tag] = []
    people = [re.sub(r"\s+", " ", group).strip(" ,") for group in PERSON_GROUP.findall(block)]
    rest = PERSON_GROUP.sub(" ; \x00 ; ", block)
    words: list[str] = []  # the current run of unknown words
    comma_in_run = False
    for token in re.findall(r"[^\s,;]+|[,;]", rest):
        if token == "\x00":
            name = people.pop(0)
            if name:
                _add(result, Tag(name, "person"))
            continue
        if token in ",;":
            if words:
                comma_in_run = comma_in_run or (token == "," and len(words) == 1)
                if len(words) > 1 or token == ";":
                    _flush(result, words, comma_in_run)
                    words, comma_in_run = [], False
            continue
        token = token.strip(".:-'\"()")
        if not token:
            continue
        tags = classify_token(token)
        if len(tags) == 1 and tags[0].kind in ("unknown", "person") and _is_word(token):
            words.append(token if tags[0].kind == "person" else token.upper())
            continue
        _flush(result, words, comma_in_run)
        words, comma_in_run = [], False
        for tag in tags:
            _add(result, tag)
    _flush(result, words, comma_in_run)
    return result


def _is_word(token: str) -> bool:
    return token.isalpha() and len(token) >= 4


def _flush(result: list[Tag], words: list[str], comma: bool) -> None:
    if not words:
        return
    if len(words) == 1:  # a lone mixed-case word is a name (`Mugabe`); a lone unknown code stays unknown
        _add(result, Tag(words[0], "person" if not words[0].isupper() else "unknown"))
    elif comma and len(words) == 2:
        _add(result, Tag(f"{words[0]}, {words[1]}", "person"))
    else:
        _add(result, Tag(" ".join(words), "unknown"))


def _add(result: list[Tag], tag: Tag) -> None:
    if all(existing.code != tag.code for existing in result):
        result.append(tag)


def classify_token(token: str) -> list[Tag]:
    """One written token as one or more tags (a glued run such as `ITPGOV` yields several)."""
    if re.search(r"[a-z]", token) and not token.isupper():
        return [Tag(token, "person")]
    code = token.upper()
    fixed = tables.tag_fix(code)
    if fixed:
        code = fixed
    info = tables.tag_info(code)
    if info:
        return [Tag(code, info.kind)]
    if re.fullmatch(r"K[A-Z]{3}", code):
        return [Tag(code, "program")]
    if code.isalpha() and len(code) >= 6 and (pieces := split_glued(code)):
        return [tag for piece in pieces for tag in classify_token(piece)]
    return [Tag(code, "unknown")]


def split_glued(code: str) -> list[str] | None:
    """`ITPGOV` -> ['IT', 'PGOV']; `KFRDCVISCMGT` -> ['KFRD', 'CVIS', 'CMGT']: known codes (and K-codes)
    glued together, found by dynamic programming; None if the run does not split into them."""
    best: list[list[str] | None] = [None] * (len(code) + 1)
    best[0] = []
    for end in range(1, len(code) + 1):
        for size in (4, 2, 3, 5):
            start = end - size
            if start < 0 or best[start] is None:
                continue
            piece = code[start:end]
            if size == 2 and start > 0 and end < len(code):
                continue  # a country code glues on at either end (`ITPGOV`, `...SMIGEG`), not in between
            if tables.tag_info(piece) or re.fullmatch(r"K[A-Z]{3}", piece):
                best[end] = [*best[start], piece]  # type: ignore[misc]
                break
    return best[len(code)] if best[len(code)] and len(best[len(code)]) > 1 else None
