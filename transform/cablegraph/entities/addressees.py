"""Which addressee an address line names: one addressee IRI per address, however it was typed.

Why: the Department of State had eight addressee IRIs (`SECSTATE WASHDC`, `RUEHCSECSTATE WASHDC`,
`SECSTATE WASHDC0000`, `SESTATE WASHDC`...), because address lines carry glued routing indicators,
glued message numbers, typos and two spellings of Washington. The key of an address is its name
with what the address format adds and what typing breaks taken away, by these rules:

1. A routing indicator written into the name goes (`RUEHCSECSTATE`, `TORUEHC SECSTATE`, `UEHC
   SECSTATE`: the line's own indicator, or any the ACP 117 book knows, with or without `TO` or
   its first letter lost).
2. Digits glued to the end are a message control number (`WASHDC0000`) and go.
3. `WASHINGTON DC`, `WASH DC` and `WASHDC` are one place; the key writes `WASHDC`, as cables do.
   `DEPARTMENT` is written `DEPT`, as the ACP 117 book does.
4. A word of five letters or more that no ACP 117 name or station code uses, one edit from exactly
   one word that they do use, is a typo of that word (`SESTATE` -> SECSTATE, `TREASUR` -> TREASURY,
   `SECRITY` -> SECURITY).
5. A word repeated at the start is written once (`SECSTATE SECSTATE WASHDC`).

The name as written stays the addressee's label on each address line's addressee node.
"""

from __future__ import annotations

import re
from functools import cache

from cablegraph.parse.similarity import edit_distance

TYPO_MIN = 5  # shorter words (`DQT`, `CIA`, `DHS`) are too short to tell a typo from an acronym


def addressee_key(name: str, routing: str | None = None) -> str:
    """`RUEHCSECSTATE WASHDC0000` -> `SECSTATE WASHDC`; `DEPT OF TREASUR WASHINGTON DC` ->
    `DEPT OF TREASURY WASHDC`. Words in upper case, single spaces."""
    text = " ".join(re.sub(r"[^A-Z0-9&-]+", " ", name.upper()).split())
    text = _without_indicator(text, routing)
    text = re.sub(r"(?<=[A-Z])\d{3,}$", "", text)
    text = re.sub(r"\bWASH(?:INGTON|INTON)?\s*DC\b", "WASHDC", text)
    words = [_repaired(word) for word in text.split()]
    words = ["DEPT" if word == "DEPARTMENT" else word for word in words]
    while len(words) > 1 and words[0] == words[1]:
        words.pop(0)
    return " ".join(words) or name.strip().upper()


def _without_indicator(text: str, routing: str | None) -> str:
    first, _, rest = text.partition(" ")
    bare = first[2:] if first.startswith("TO") else first
    for size in range(7, 3, -1):  # routing indicators are 4 to 7 letters
        head, tail = bare[:size], bare[size:]
        for indicator in (head, "R" + head):
            if (indicator == routing or _known_indicator(indicator)) and (tail or rest):
                return " ".join(part for part in (tail, rest) if part)
    return text


def _known_indicator(word: str) -> bool:
    from cablegraph.tables import routing_info

    return len(word) >= 5 and word.startswith("R") and routing_info(word) is not None


def _repaired(word: str) -> str:
    vocabulary = _vocabulary()
    if len(word) < TYPO_MIN or word in vocabulary or not word.isalpha():
        return word
    close = _close_words(word)
    return close[0] if len(close) == 1 else word


@cache
def _close_words(word: str) -> tuple[str, ...]:
    return tuple(sorted(known for known in _vocabulary()
                        if abs(len(known) - len(word)) <= 1 and edit_distance(word, known) == 1))


@cache
def _vocabulary() -> frozenset[str]:
    """Every word of an ACP 117 addressee name (`routing.csv`), the release's station codes (the book
    has typos of its own: `AMEMBASSY VAOUNDE`; cables write YAOUNDE, a station), and the forms the
    key writes."""
    from cablegraph.parse.stations import known_stations
    from cablegraph.tables import routing_names

    words = {"WASHDC", "SECSTATE", "DEPT", *known_stations()}
    for name in routing_names():
        words.update(word for word in re.split(r"[^A-Z]+", name.upper()) if len(word) >= 2)
    return frozenset(words)
