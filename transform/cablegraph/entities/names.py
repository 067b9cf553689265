"""A person's name as cables write it, reduced to the parts that identify someone.

Why: one person is written many ways (`a.i. Matthew H. Tueller`, `Matt Tueller, per`,
`TUELLER, Matthew`, `Timothy Zúñiga-Brown` / `Timothy Zuniga-Brown`). To give each person one IRI
we compare names on what does not change between spellings: the surname, the given names in
order (a middle name may be cut to its initial or left out), and a generational suffix. Titles,
`a.i.`, `per`, case, accents, dots and commas carry no identity and are dropped.

`scripts/build_people.py` uses this module to build the people table, and the transform uses
it to read each cable's names, so both read names the same way.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from cablegraph.parse.classifier import TITLE_WORDS
from cablegraph.parse.header import PRECEDENCE_WORDS
from cablegraph.parse.similarity import edit_distance

SUFFIXES = ("JR", "SR", "II", "III", "IV")
# Honorifics and the words a classification statement wraps a name in. They never identify.
NOT_NAME = frozenset({
    "MR", "MRS", "MS", "DR", "AMB", "AMBASSADOR", "PER", "AI", "A.I", "FOR", "BY", "ACTING",
    "CHARGE", "DCM", "POLOFF", "ECONOFF", "THE", "OF", "AND",
})
# Words of a telegram's header, banner and address lines: a "name" holding one is a misread line
# (`AMEMBASSY TUNIS IMMEDIATE`, `MINIMIZE CONSIDERED`, `Derived from`).
HEADER_WORDS = frozenset({*" ".join(PRECEDENCE_WORDS).split(), "MINIMIZE", "CONSIDERED", "AMEMBASSY", "AMCONSUL",
                          "AMCONGEN", "SECSTATE", "WASHDC", "USMISSION", "DERIVED", "DERIVEDFROM", "NNNN", "QUOTE",
                          "UNQUOTE", "UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "SENSITIVE", "NOFORN", "SIPDIS"})
# Lower-case words that join a surname to what precedes it (`Ford de la Fuente`, `van Voorst`).
PARTICLES = frozenset({"DE", "DEL", "DELA", "LA", "LE", "VAN", "VON", "DER", "DEN", "DI", "DA", "DOS", "DAS", "ST",
                       "AL", "EL", "BIN"})
LONG_TITLE = 5  # a title word this long (`LEADER`, `COMMERCIAL`) is no name word; shorter ones may be (`POST`)
_WORD = re.compile(r"[A-Z][A-Z'-]*")
MAX_WORDS = 6


@dataclass(frozen=True)
class PersonName:
    """`given` in order (initials are one letter), `surname` with hyphens kept, `suffix` or ''.
    All upper case ASCII: `Timothy Zúñiga-Brown` -> (('TIMOTHY',), 'ZUNIGA-BROWN', '')."""

    given: tuple[str, ...]
    surname: str
    suffix: str = ""

    @property
    def key(self) -> str:
        """The spelling-free key of this form: `matthew-h-tueller`, `robert-o-blake-jr`."""
        words = [*self.given, *self.surname.replace("'", "").split(), self.suffix]
        return "-".join(word.lower() for word in words if word)

    @property
    def is_bare_surname(self) -> bool:
        return not self.given

    def display(self) -> str:
        """`Matthew H. Tueller`: a readable form when no better spelling is known."""
        given = [word.title() if len(word) > 1 else word + "." for word in self.given]
        surname = "-".join(part.title() for part in self.surname.split("-"))
        return " ".join([*given, surname, self.suffix.title() if self.suffix in ("JR", "SR") else self.suffix]).strip()


def clean_spelling(spelling: str, name: PersonName) -> str:
    """The written spelling without the titles and trailing words `parse_name` dropped:
    `Off D. Popovich` -> `D. Popovich`, `Matt Tueller, per` -> `Matt Tueller` (case and accents kept)."""
    tokens = spelling.replace(",", " ").split()
    first = (name.given or (name.surname,))[0]
    last = name.suffix or name.surname.split()[-1].split("-")[-1]
    keys = [re.sub(r"[^A-Z]", "", fold(token)) for token in tokens]
    start = next((i for i, key in enumerate(keys) if key.startswith(first[:1]) and first.startswith(key[:len(first)])
                  and key), 0)
    last = re.sub(r"[^A-Z]", "", last)
    end = max((i for i, key in enumerate(keys) if key and key.endswith(last)), default=len(tokens) - 1)
    kept = tokens[start:end + 1] if start <= end else tokens
    return " ".join(kept).strip(" ,;:\"'")


def fold(text: str) -> str:
    """Upper case ASCII without accents: `Zúñiga` -> `ZUNIGA`, `O’Neal` -> `O'NEAL`."""
    text = text.replace("\u2019", "'").replace("`", "'").replace('"', "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()


def parse_name(text: str | None) -> PersonName | None:
    """The parts of a written name, or None when the text is not a usable name.

    Not a name: no surname of two letters or more, a run of X (a redaction), more words than a
    name has, a word of a header line, or a long title word left among the given names.
    `SURNAME, Given` is turned round; `a.i.`, `per`, titles and trailing dots go.
    """
    if not text:
        return None
    folded = fold(text)
    folded = re.sub(r"\bA\s?\.\s?I\b\.?", " ", folded)  # a.i. / A. I.
    folded = re.sub(r"\(.*?\)", " ", folded)
    head, comma, tail = folded.partition(",")
    tail_words = _words(tail)
    if comma and tail_words and not all(word in NOT_NAME or word in SUFFIXES for word in tail_words) \
            and len(_words(head)) == 1:  # `TUELLER, Matthew H.`: the surname first
        folded = f"{tail} {head}"
    words = [word for word in _words(folded) if word not in NOT_NAME]
    while len(words) > 1 and _is_title(words[0]):  # `Pol Off Stuart M. Smith`, `PolMinCouns Greg Berry`
        words.pop(0)
    if not words or len(words) > MAX_WORDS or any(word in HEADER_WORDS for word in words):
        return None
    if any(len(word) >= LONG_TITLE and word.lower() in TITLE_WORDS for word in words[:-1] or words):
        return None  # a title word among the given names (`Sensitive But Unclassified`) or alone (`Commercial`)
    suffix = ""
    if len(words) > 1 and words[-1] in SUFFIXES:
        suffix = words.pop()
    cut = len(words) - 1
    while cut > 1 and words[cut - 1] in PARTICLES:  # a particle never takes the first word
        cut -= 1
    surname = " ".join(words[cut:])
    given = tuple(words[:cut])
    letters = re.sub(r"[^A-Z]", "", surname)
    if len(letters) < 2 or re.fullmatch(r"X+", letters):
        return None
    return PersonName(given, surname, suffix)


def _is_title(word: str) -> bool:
    """A title word, or title words glued (`POLMINCOUNS` = POL MIN COUNS, `POLMC`): pieces of two letters
    or more, every one a title word."""
    word = word.lower()
    if word in TITLE_WORDS:
        return True
    ends = {0}
    for end in range(2, len(word) + 1):
        if any(start in ends and word[start:end] in TITLE_WORDS for start in range(0, end - 1)):
            ends.add(end)
    return len(word) in ends


def _words(text: str) -> list[str]:
    """Name words: dots split glued initials (`L.Carter`, `J.GUMBINER`); edge hyphens go."""
    return [word.strip("-'") for word in _WORD.findall(text.replace(".", " ")) if word.strip("-'")]


SHORT_FORM = 5  # a given name this short may be a short form of a longer one (`RICK`, `KATHY`, `STEVE`)


def given_compatible(first: str, second: str, short_forms_too: bool = True) -> bool:
    """Two given names can be one person's: equal; an initial of the other; a short form that is its
    start (`MATT`/`MATTHEW`, `ALEX`/`ALEXANDER`; three letters at least) or shares its first three
    letters (`RICK`/`RICHARD`, `STEVE`/`STEPHEN`, `KATHY`/`KATHLEEN`: five letters or fewer); or
    one letter apart in names of five letters or more (`PHILIP`/`PHILLIP`); or a short form the
    release shows (`BOB`/`ROBERT`, `TOM`/`THOMAS`: data/short_forms.csv, see `short_forms`; not
    read when `short_forms_too` is False, as when that table is derived)."""
    if first == second:
        return True
    if len(first) == 1 or len(second) == 1:
        return first[0] == second[0]
    if short_forms_too and frozenset((first, second)) in short_forms():
        return True
    short, long_ = sorted((first, second), key=len)
    if len(short) >= 3 and long_.startswith(short):
        return True
    if len(short) <= SHORT_FORM and short[:3] == long_[:3]:
        return True
    return len(short) >= SHORT_FORM and len(long_) - len(short) <= 1 and edit_distance(short, long_) == 1


@cache
def short_forms() -> frozenset[frozenset[str]]:
    """Given names the release writes for one another (`BOB`/`ROBERT`), derived by
    scripts/build_people.py: a cable classified by `Bob Silverman` at a post whose signer the
    signers table names `Robert J. Silverman`, for two surnames or more."""
    from importlib.resources import files

    path = files("cablegraph").joinpath("data", "short_forms.csv")
    if not path.is_file():
        return frozenset()
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    return frozenset(frozenset((row["given"], row["short_form"])) for row in rows)


def compatible(first: PersonName, second: PersonName) -> bool:
    """Whether two forms can name one person: same surname, no clash of suffix, and given names
    that agree in order where both have them (a missing middle name agrees with any). A leading
    given name may be left out by one who goes by the next (`A. Peter Burleigh` is `Peter Burleigh`)."""
    if first.surname != second.surname:
        return False
    if first.suffix and second.suffix and first.suffix != second.suffix:
        return False
    return _given_agree(first.given, second.given) or _goes_by_second(first.given, second.given) \
        or _goes_by_second(second.given, first.given)


def _goes_by_second(full: tuple[str, ...], short: tuple[str, ...]) -> bool:
    """`A. Peter` / `Albert Peter` written `Peter` (or `P.`): the second given name, whole, is the one
    the short form begins with."""
    return len(full) > 1 and len(full[1]) > 1 and bool(short) and given_compatible(full[1], short[0]) \
        and _given_agree(full[1:], short)


def _given_agree(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    return all(given_compatible(a, b) for a, b in zip(first, second, strict=False))


def specificity(name: PersonName) -> tuple[int, int, int]:
    """How much a form tells: full given names, then any given names, then letters."""
    return (sum(len(word) > 1 for word in name.given), len(name.given), sum(map(len, name.given)) + bool(name.suffix))
