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

TAGS_LINE = re.compile(r"(?:^|(?<=\s))TAGS?\b\s*[:;.]?\s*(?P<first>[^\n]*)", re.MULTILINE)
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
    """Every tag in the block, in order, each with its kind; duplicates dropped."""
    if not block:
        return []
    result: list[Tag] = []
    for group in PERSON_GROUP.findall(block):
        name = re.sub(r"\s+", " ", group).strip(" ,")
        if name:
            _add(result, Tag(name, "person"))
    rest = PERSON_GROUP.sub(" ", block)
    for token in re.split(r"[\s,;]+", rest):
        token = token.strip(".:-'\"")
        if token:
            for tag in classify_token(token):
                _add(result, tag)
    return result


def _add(result: list[Tag], tag: Tag) -> None:
    if all(existing.code != tag.code for existing in result):
        result.append(tag)


def classify_token(token: str) -> list[Tag]:
    """One written token as one or more tags (a glued pair yields two)."""
    if re.search(r"[a-z]", token) and not token.isupper():
        return [Tag(token, "person")]
    code = token.upper()
    fixed = tables.tag_fix(code)
    if fixed:
        code = fixed
    info = tables.tag_info(code)
    if info:
        return [Tag(code, info.kind)]
    if len(code) == 8 and code.isalpha():
        halves = [code[:4], code[4:]]
        infos = [tables.tag_info(half) for half in halves]
        if all(infos):
            return [Tag(half, info.kind) for half, info in zip(halves, infos, strict=True) if info]
    if re.fullmatch(r"K[A-Z]{3}", code):
        return [Tag(code, "program")]
    return [Tag(code, "unknown")]
