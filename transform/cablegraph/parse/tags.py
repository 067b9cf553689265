"""The TAGS line: `TAGS: PGOV PINR NATO RS`, `TAGS PGOV, PINS, ZI, MDC, ZANU-PF`.

Codes are told apart by the bundled tag tables (subject, program, organization and
geographic codes). Known typos are repaired through the tag-fix table, others when exactly
one code is the token with one letter too many (`MOPPS`), glued runs (`ETRDEINVECINPGOVCS`) are split when every
piece is known, K-codes not in the tables are program tags by the State Department's
convention, names (mixed case or in parentheses) are person tags, and a run of words is one
free-text subject (`GOI EXTERNAL`). Every repair keeps the token as written.
"""

from __future__ import annotations

import re
from functools import cache

from cablegraph import tables
from cablegraph.record import Tag

# `TAGS: ...` or `TAGS PGOV, ...` at the start of a line, or `TAGS:` glued after the E.O. line;
# not `(PRIMARY TAG)` in a correction notice.
TAGS_LINE = re.compile(
    r"(?:^[ \t]*(?i:TAGS?)\b[ \t]*[:;.]?|(?<=\s)(?:TAGS?|Tags?)[ \t]*:)[ \t]*(?P<first>(?![)\]])[^\n]*)",
    re.MULTILINE
)
STOP = re.compile(r"^\s*(?:SUBJ(?:ECT)?\b|REF\b|REFS\b|CLASSIFIED\s+BY|¶|\d{1,2}\.\s|E\.\s?O\.|SENSITIVE\b)", re.I)
INLINE_STOP = re.compile(r"\s(?:SUBJ(?:ECT)?\s*:|REF\s*:|E\.\s?O\.)", re.I)
PERSON_GROUP = re.compile(r"\(([^()]*)\)")
# Handling words some TAGS lines carry (`TAGS: ECON ETRD PGOV CA MX SIPDIS`): no tags.
CAVEAT_WORDS = {"SIPDIS", "NOFORN", "NODIS", "EXDIS", "LIMDIS", "STADIS", "ORCON", "SENSITIVE"}


def find_tags_block(zone: str) -> str | None:
    """The TAGS text, continuation lines included, or None when the cable has no TAGS line."""
    match = TAGS_LINE.search(zone)
    if not match:
        return None
    lines = [match.group("first")]
    lower = re.search(r"[a-z]", match.group("first")) is not None  # a line typed in lower case goes on so
    for line in zone[match.end():].split("\n")[1:4]:
        head = INLINE_STOP.split(" " + line)[0][1:]  # `ECON, PHUM, UK SUBJECT: MILIBAND'S ...`: the part before
        if (not head.strip() or STOP.match(line) or not re.match(r"^[\sA-Z0-9,;()\-]+$", head, re.I if lower else 0)
                or not _mostly_codes(head)):
            break  # a line of prose (the subject without its SUBJECT word) is no continuation
        lines.append(head)
        if head != line:
            break
    block = " ".join(lines)
    stop = INLINE_STOP.search(" " + block)
    return block[: stop.start()] if stop else block


def _mostly_codes(line: str) -> bool:
    """At least half the tokens of a continuation line are known codes (or K-codes)."""
    tokens = [token.strip("().").upper() for token in re.split(r"[\s,;]+", line) if token.strip("().")]
    known = [token for token in tokens if tables.tag_info(token) or _is_program_code(token)]
    return bool(tokens) and 2 * len(known) >= len(tokens)


def parse_tags(block: str | None) -> list[Tag]:
    """Every tag in the block, in order, each with its kind; duplicates dropped.

    Beyond codes, TAGS lines carry names (`(CLINTON, HILLARY)`, `CLINTON, HILLARY` bare, `Mugabe`)
    and free-text subjects (`GOI EXTERNAL`, `ISRAELI PALESTINIAN AFFAIRS`, `COUNTER TERRORISM`). The
    rules: the line is cut at commas and semicolons into segments; in a segment, a run of two or more
    words (tokens that are no code as written) with at least one word of six letters or more is one
    free-text tag; every other token is read alone (`classify_token`): a code, a repaired code, glued
    codes, a name or an unknown code. Two lone words across a comma (`CLINTON, HILLARY`) are a person.
    An all-lower-case line (`Tags: parm, prel, gm`) is read in capitals.
    """
    if not block:
        return []
    if not re.search(r"[A-Z]", block):
        block = block.upper()
    result: list[Tag] = []
    people = [re.sub(r"\s+", " ", group).strip(" ,") for group in PERSON_GROUP.findall(block)]
    rest = PERSON_GROUP.sub(" ; \x00 ; ", block)
    segments = _segments(rest)
    index = 0
    while index < len(segments):
        words, separator = segments[index]
        if words == ["\x00"]:
            if name := people.pop(0):
                _add(result, Tag(name, "person"))
            index += 1
            continue
        following = segments[index + 1][0] if index + 1 < len(segments) else []
        if (separator == "," and len(words) == 1 and len(following) == 1 and _is_name_word(words[0])
                and _is_name_word(following[0])):
            _add(result, Tag(f"{words[0]}, {following[0]}", "person"))
            index += 2
            continue
        for tag in _read_segment(words):
            _add(result, tag)
        index += 1
    return result


def _segments(text: str) -> list[tuple[list[str], str]]:
    """The line cut at commas and semicolons: each segment's tokens and the separator after it."""
    segments: list[tuple[list[str], str]] = []
    for piece, separator in re.findall(r"([^,;]*)([,;]|$)", text):
        words = [token for token in (raw.strip(".:-'\"()") for raw in piece.split()) if token]
        if words:
            segments.append((words, separator))
    return segments


def _read_segment(words: list[str]) -> list[Tag]:
    """A segment's tags: known phrases first (`TIP IN TURKEY`, `CLINTON HILLARY` -> `CLINTON, HILLARY`, even
    when they contain codes), then runs of free words and single tokens."""
    words = [word for word in words if word.upper() not in CAVEAT_WORDS]
    upper = [word.upper() for word in words]
    for phrase, written in _known_phrases():
        size = len(phrase)
        for start in range(len(upper) - size + 1):
            if tuple(upper[start:start + size]) == phrase:
                return [*_read_segment(words[:start]), Tag(written, _kind(written)),
                        *_read_segment(words[start + size:])]
    tags: list[Tag] = []
    run: list[str] = []
    for word in [*words, ""]:
        if word and _is_free_word(word):
            run.append(word)
            continue
        for piece in _phrases([token.upper() if token.isupper() or token.islower() else token for token in run]):
            if " " in piece:
                tags.append(Tag(piece, _kind(piece)))
            else:
                tags.extend(classify_token(piece))
        run = []
        if word:
            tags.extend(classify_token(word))
    return tags


def _phrases(run: list[str]) -> list[str]:
    """A run of free words (known phrases already taken out by `_read_segment`) as free-text tags: a known
    one-word subject at an edge (`ELECTIONS GOI INTERNAL`) stands alone, and what is left is one phrase
    when it has two words or more and one of six letters or more, else its words alone."""
    if not run:
        return []
    upper = [word.upper() for word in run]
    for index, word in enumerate(upper):
        left, right = run[:index], run[index + 1:]
        if len(word) >= 6 and tables.tag_info(word) and _is_phrase(left, empty=True) and _is_phrase(right, empty=True):
            return [*_phrases(left), word, *_phrases(right)]
    if _is_phrase(run):
        return [" ".join(upper)]
    return run


def _is_phrase(words: list[str], empty: bool = False) -> bool:
    if not words:
        return empty
    return len(words) >= 2 and any(len(word) >= 6 for word in words)


@cache
def _known_phrases() -> tuple[tuple[tuple[str, ...], str], ...]:
    """The tag tables' tags of several words, as the words a TAGS line may write them in and the tag:
    free-text subjects (`TIP IN TURKEY`) and people (`CLINTON HILLARY` or `CLINTON, HILLARY` for
    `CLINTON, HILLARY`; `STEINBERG JAMES` for `STEINBERG, JAMES B.` too, when no other tag begins so).
    Longest first."""
    phrases: dict[tuple[str, ...], set[str]] = {}
    for code in tables.tag_codes():
        words = tuple(re.sub(r"[,.]", " ", code).split())
        if len(words) < 2 or not "".join(words).replace("-", "").isalpha():
            continue
        phrases.setdefault(words, set()).add(code)
        if "," in code and len(words) > 2:
            phrases.setdefault(words[:2], set()).add(code)
    unique = [(words, next(iter(codes))) for words, codes in phrases.items() if len(codes) == 1]
    return tuple(sorted(unique, key=lambda item: (-len(item[0]), item[0])))


def _is_free_word(token: str) -> bool:
    """A token that may belong to a free-text subject: letters, and no code as written, no codes glued
    together (`IZPREL`) and no code with a letter too many (`PARMS`). A known code of six letters or more
    (`ELECTIONS`) is a word too."""
    if not token.isalpha() or len(token) < 3:
        return False
    code = token.upper()
    is_code = tables.tag_info(code) or tables.tag_fix(code) or _is_program_code(code)
    if len(code) <= 5 and is_code:
        return False
    if typo_of(code):
        return False
    pieces = split_glued(code) if len(code) >= 6 else None
    return not (pieces and all(len(piece) in (2, 4) and tables.tag_info(piece) for piece in pieces))


def _is_name_word(token: str) -> bool:
    """A word of a `SURNAME, GIVEN` pair: letters, not a code as written."""
    return _is_free_word(token) and not tables.tag_info(token.upper())


def _is_program_code(code: str) -> bool:
    """`KDEM`, `KJUS`: K and three letters, a program tag by State convention even when no table lists it."""
    return re.fullmatch(r"K[A-Z]{3}", code) is not None


def _add(result: list[Tag], tag: Tag) -> None:
    if all(existing.code != tag.code for existing in result):
        result.append(tag)


def classify_token(token: str) -> list[Tag]:
    """One written token as one or more tags: a known code (`Pgov` in any case), a code the tag-fix
    table or a one-letter typo repairs (`MOPPS` -> MOPS), codes glued together (`ITPGOV`), a K-code
    (program tags by convention), a name (mixed case), or an unknown code. A repair keeps the token
    as written and the rule beside the code."""
    code = token.upper()
    mixed = re.search(r"[a-z]", token) is not None and not token.isupper()
    if mixed and not tables.tag_info(code) and not tables.tag_fix(code):
        return [Tag(token, "person")]
    if fixed := tables.tag_fix(code):
        return [Tag(fixed, _kind(fixed), written=token, repair="table")]
    if info := tables.tag_info(code):
        return [Tag(code, info.kind)]  # `Pgov` is PGOV: case is no repair
    if _is_program_code(code):
        return [Tag(code, "program")]
    if code.isalpha() and len(code) >= 6 and (pieces := split_glued(code)):
        return [Tag(piece, _kind(piece), written=token, repair="glued") for piece in pieces]
    if code.isalpha() and (typo := typo_of(code)):
        return [Tag(typo, _kind(typo), written=token, repair="typo")]
    return [Tag(code, "unknown")]


def _kind(code: str) -> str:
    info = tables.tag_info(code)
    return info.kind if info else ("program" if _is_program_code(code) else "unknown")


@cache
def _codes_by_length() -> dict[int, tuple[str, ...]]:
    lengths: dict[int, list[str]] = {}
    for code in tables.tag_codes():
        if code.isalpha() and len(code) >= 4:
            lengths.setdefault(len(code), []).append(code)
    return {length: tuple(codes) for length, codes in lengths.items()}


@cache
def typo_of(code: str) -> str | None:
    """The one known code of four letters or more that `code` is with one letter too many: `MOPPS` -> MOPS,
    `PTERE` -> PTER, `UNDESCO` -> UNESCO; None when no code or several are that close. Only an extra
    letter is repaired: a changed or swapped letter is often another real acronym (UNHRC is not UNHCR)."""
    if len(code) < 5:
        return None
    close = [known for known in _codes_by_length().get(len(code) - 1, ()) if _one_extra_letter(code, known)]
    return close[0] if len(close) == 1 else None


def _one_extra_letter(longer: str, shorter: str) -> bool:
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


def split_glued(code: str) -> list[str] | None:
    """`ITPGOV` -> ['IT', 'PGOV']; `ETRDEINVECINPGOVCS` -> ['ETRD', 'EINV', 'ECIN', 'PGOV', 'CS']: codes glued
    together, found by dynamic programming over the known codes (and K-codes). A country code glues on
    at either end, not in between. One piece of four letters no table knows (ECIN, used in the corpus
    but in no list) is allowed in a run of four pieces or more; the split with the fewest unknown
    pieces, then the fewest pieces, wins. None if the run does not split so."""
    best: list[tuple[int, int, list[str]] | None] = [None] * (len(code) + 1)
    best[0] = (0, 0, [])
    for end in range(1, len(code) + 1):
        for size in (2, 3, 4, 5):
            start = end - size
            if start < 0 or best[start] is None:
                continue
            piece = code[start:end]
            if size == 2 and start > 0 and end < len(code):
                continue
            if tables.tag_info(piece) or _is_program_code(piece):
                unknown = 0
            elif size == 4:
                unknown = 1
            else:
                continue
            previous = best[start]
            candidate = (previous[0] + unknown, previous[1] + 1, [*previous[2], piece])
            if best[end] is None or candidate[:2] < best[end][:2]:
                best[end] = candidate
    found = best[len(code)]
    if found is None or found[1] < 2 or found[0] > 1 or (found[0] == 1 and found[1] < 4):
        return None
    return found[2]
