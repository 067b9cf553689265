"""Who classified a cable: the person in `Classified By: Ambassador Ivo H. Daalder for reasons 1.4 (b/d).`

Writers put the name in every order and dress. Title first (`DCM Robert O. Blake, Jr`,
`Charge d'Affaires, a.i., Arnold A. Chacon`, `AMB:RCROCKER`, `Acting DCM/Ted Osius`), name
first with the title and office after it (2009-2010: `Margaret Scobey, Ambassador, DOS, EXO`,
`ANDREW MANN, HEAD OF GLOBAL ISSUES`), titles misspelt (`Ambasasdor`, `Charge d'Afairs`), a
trailing `per` or `(acting)`, names broken by a joined line (`Do nald A. Blome`). The rules:

1. The statement is cut where the reasons start (`for reasons`, `per`, `based on`, `E.O.`, `1.4`).
2. It is split into parts at commas, colons, semicolons, slashes and dashes; a suffix part
   (`Jr.`, `III`) belongs to the part before it.
3. A part made only of name words (no title word) of two or more words, when it is the first
   part, is the name (the name-first form). Otherwise the name is the run of name words that ends
   the first part that has one (the title-first form).

A name word starts with a capital (or is a particle such as `van`, `de`, `al`) and is not a title
word; a title word is one of TITLE_WORDS, or within two letters of a long one (`Ambasasdor`).
A lone word is a name only when a title stands before it (`DCM PSIMONS`), never alone.
"""

from __future__ import annotations

import re
from functools import cache

from cablegraph.parse.similarity import edit_distance

REASONS_START = re.compile(
    r"(?:[,;.:]\s*|\s+|-)(?:FOR\s+|FR\s+|F0R\s+|PER\s+|UNDER\s+)?(?:R\s?E\s?A\s?S\s?[O0]\s?N\s?S?|REAOSNS?|RSNS?|RESONS?|RASONS?|REAONS?|REAS?\b)"
    r"|(?:[,;.]\s*|\s+)(?:BASED\s+(?:UP)?[O0]N|DUE\s+TO|UNDER\s+(?:S\s?E\s?C|E\.?\s?O|1\s?\.\s?\d)|PER\b)"
    r"|(?:[,;.]\s*|\s+)(?:E\.?\s?O\.?\s*12958\b|\bEO\s+12958|\b1\s?[.,]\s?[2-6]\b|12958\b)"
    r"|\s+FOR\s+(?:1\s?\.\s?\d|\(?[A-H]\)|E\.?O)",
    re.I,
)
LEADING_JUNK = re.compile(
    r"^(?:\s*(?:\(U\)|\(C\)|\(S\)|\(SBU\)|\d\.|1\s*\.?\s*\(U\)|THIS\s+(?:MESSAGE|CABLE)\s+(?:IS\s+)?CLASSIFIED\s+BY"
    r"|CLASS?IFIED\s+BY\s*:?|CLASSFIED\s+BY\s*:?|BY\s*:))+\s*",
    re.I,
)
PARENTHESES = re.compile(r"\([^()]*\)")
# A statement cut short (`Heather Hodge...`) or a `for`/`per` broken by a joined line (`fo r`, `FO R`, `pe r`).
BROKEN_END = re.compile(r"(?:\.{2,}|…)\s*$|\s+-+\s*$|\s+(?:F\s?O\s?R?|P\s?E\s?R?|F)\s*$", re.I)
# Words before a place, not before a person: `U.S. Embassy Tripoli`.
PLACE_BEFORE = {"embassy", "consulate", "in", "at", "amembassy", "amconsul"}
# A page break printed inside the statement (AMHS extracts): `TOM MCDONALD. CONFIDENTIAL PAGE 02 HARARE ...`.
PAGE_BREAK = re.compile(r"[.\s]\s*(?:UNCLASSIFIED|CONFIDENTIAL|SECRET)\b|[.\s]\s*PAGE\s+\d{2}\b")
PREPOSITIONS = {"for", "to", "of", "and", "in", "on"}
TRAILING_STOPS = {"for", "per", "by", "under", "and", "the", "on", "in", "f0r", "fr", "due"}
SUFFIX = re.compile(r"^(?:JR|SR|II|III|IV)\.?$", re.I)
PARTICLES = {"van", "de", "von", "da", "del", "di", "du", "la", "le", "al", "el", "bin", "der", "den", "ter", "dos",
             "das", "st.", "mc", "mac"}

TITLE_WORDS = {
    # ranks and offices
    "ambassador", "amb", "ambassadors", "charge", "chargé", "chargè", "charg", "d'affaires", "daffaires",
    "d'affairs", "affaires", "affairs", "cda", "dcm", "adcm", "deputy", "chief", "of", "mission", "counselor",
    "counsellor", "councilor", "counsel", "couns", "couns.", "political", "economic", "pol", "econ", "polcouns",
    "econcouns", "polecon", "econpol", "ecopol", "consul", "general", "principal", "officer", "off", "office",
    "section", "secretary", "under", "assistant", "director", "dir", "acting", "a.i", "a.i.", "ai", "poloff", "econoff",
    "polchief", "econchief", "conoff", "head", "minister", "min", "for", "public",
    "diplomacy", "management", "the", "and", "regional", "security", "coordinator", "senior", "advisor",
    "adviser", "special", "representative", "consular", "commercial", "agricultural", "defense", "defence",
    "attache", "attaché", "legal", "legat", "legatt", "u.s", "u.s.", "us", "permanent", "ambassador-at-large",
    "consul-general", "consulgeneral", "pao", "ecpo", "polec", "pe", "e/p", "p/e", "politcal", "poltical",
    "usun", "usnato", "useu", "mission's", "embassy", "consulate", "department", "dept", "state", "dos",
    "exo", "exec", "com", "cg", "pol/econ", "econ/pol", "pol-mil", "polmil", "pol/mil", "political-military",
    "environment", "science", "technology", "labor", "refugee", "team", "leader", "executive", "interim",
    "economic/political", "political/economic", "deputy-chief", "principle", "temporary", "ds", "rso", "arso",
    "dpo", "po", "ppo", "ait", "usdel", "member", "delegate", "delegation", "by", "per", "on", "behalf", "in",
    "at", "to", "classified", "emin", "ecmin", "polmin", "mc", "m/c", "minister-counselor", "minister-counsellor",
    "das", "pdas", "a/s", "u/s", "s/ct", "io", "isn", "nea", "eur", "af", "wha", "sca", "eap", "drl", "inl",
    "prm", "oes", "ltc", "col", "maj", "capt", "gen", "lt", "cdr", "radm", "adm", "ret", "dr", "mr", "mrs", "ms",
    "mr.", "mrs.", "ms.", "dr.", "est", "esth", "est&h", "estoff", "polmincons", "mcounselor", "pol/c", "pol/e",
    "tdy", "chairman", "chair", "ecopolcouns", "mincouns", "dirctor", "direcotr", "envoy",
    "counterterrorism", "sec", "narcotic", "narcotics", "liaison", "interests", "usint",
    "usoffice", "prt", "provincial", "reconstruction", "governance", "unit", "institutional", "arms", "control",
    "army", "navy", "marine", "air", "force", "attach", "chg", "charges", "cons", "gen.", "deputy-director",
    "global", "issues", "economics", "politics", "military", "affairs,", "official", "foreign", "service",
    "confidential", "secret", "unclassified", "sensitive",
    "post", "desk", "counselors", "officers", "acting,", "consulgen", "congen", "cons.", "amemb", "amembassy",
}
# Long title words a misspelling of which is still a title: `Ambasasdor`, `Counselr`, `Direcotr`.
FUZZY_TITLES = ("ambassador", "counselor", "counsellor", "director", "political", "economic", "secretary",
                "assistant", "affaires", "affairs", "minister", "principal", "officer", "deputy", "coordinator",
                "representative", "consul", "general", "advisor", "adviser", "mission", "charge", "acting",
                "chief", "section", "attache", "management", "diplomacy", "commercial", "embassy")
NAME_WORD = re.compile(r"^(?:[A-Z0-9][A-Za-z0-9'’\-]*\.?|[A-Z]\.(?:[A-Z]\.)*|[A-Z][a-z]*\.[A-Z][A-Za-z'\-]+)$")


def classifier_name(statement: str) -> str | None:
    """The classifying person's name in a `Classified By` statement (the text after `Classified By:`)."""
    text = re.sub(r"\s+", " ", statement).strip()
    text = LEADING_JUNK.sub("", text)
    if reasons := REASONS_START.search(text):
        suffix_stop = re.search(r"\b(?:JR|SR|Jr|Sr)$", text[: reasons.start()]) and text[reasons.start()] == "."
        text = text[: reasons.start()] + ("." if suffix_stop else "")
    text = PAGE_BREAK.split(text)[0]
    text = BROKEN_END.sub("", text)
    if re.fullmatch(r"\s*X{3,}\b.*", text, flags=re.I):
        return None  # the name is redacted; the rest (`Ambassador, U.S. Embassy Tripoli`) names no one
    text = PARENTHESES.sub(" ", text)
    text = re.sub(r"\ba\s?\.\s?i\b\.?", "a.i.", text, flags=re.I)
    parts = _parts(text)
    if not parts:
        return None
    first = parts[0]
    shouting = not re.search(r"[a-z]", text)
    if len(first) >= 2 and all(_is_name_word(word) for word in first) and not _all_initials(first):
        return _render(first if shouting else _without_office_acronyms(first))
    if surname_first := _surname_first(parts):
        return surname_first
    for index, part in enumerate(parts):
        run = _trailing_name(part, after_title=index > 0, shouting=shouting)
        if run:
            return _render(run)
    leading = _leading_name(first)  # `DEBORAH SCHNEIDER SENIOR WATCH OFFICE`: name first, no comma
    return _render(leading) if leading else None


def _leading_name(words: list[str]) -> list[str] | None:
    run: list[str] = []
    for word in words:
        if not _is_name_word(word):
            break
        run.append(word)
    return run if len(run) >= 2 and not _all_initials(run) else None


def _surname_first(parts: list[list[str]]) -> str | None:
    """`CAULFIELD, CDA, DOS`, `Stephenson, Ambassador`, `Martinez, Vilma, Ambassador, DOS, EXEC`: one name
    word, maybe the given name as the next part, then a part of titles only."""
    if len(parts) < 2 or len(parts[0]) != 1 or not _is_name_word(parts[0][0]) or len(parts[0][0]) < 3:
        return None
    names = [parts[0]]
    rest = parts[1:]
    if len(rest) >= 2 and 1 <= len(rest[0]) <= 2 and all(_is_name_word(word) for word in rest[0]):
        names.append(rest[0])
        rest = rest[1:]
    if not all(not _is_name_word(word) for word in rest[0]):
        return None
    return ", ".join(" ".join(words) for words in names)


def _parts(text: str) -> list[list[str]]:
    """Words grouped by the separators writers use between title, name and office; suffixes rejoined."""
    parts: list[list[str]] = []
    for piece in re.split(r"\s*[,;:]\s*|\s+-+\s+|\s*/\s*(?=[A-Z][a-z])|(?<=[A-Z]{2})/(?=[A-Z]{2,}\b)", text):
        words = _joined_fragments(piece.replace("’", "'").split())
        if not words:
            continue
        if parts and len(words) == 1 and SUFFIX.match(words[0]):
            parts[-1] = [*parts[-1], f", {words[0]}"]
            continue
        parts.append(words)
    return parts


def _joined_fragments(words: list[str]) -> list[str]:
    """`Do nald` -> `Donald`, `Rosen blatt` -> `Rosenblatt`: a joined line can split a name. Inside a name, a
    lower-case word that is no particle (`van`, `de`) is the rest of the word before it."""
    joined: list[str] = []
    for word in words:
        if (joined and re.fullmatch(r"[a-z]{1,}", word) and word not in PARTICLES and word not in TITLE_WORDS
                and word not in TRAILING_STOPS and re.fullmatch(r"[A-Z][a-z]*", joined[-1])
                and _is_name_word(joined[-1])):
            joined[-1] += word
        else:
            joined.append(word)
    return joined


def _trailing_name(words: list[str], after_title: bool, shouting: bool = False) -> list[str] | None:
    """The run of name words that ends `words`; a lone word only after a title (`DCM PSIMONS`)."""
    run: list[str] = []
    while words and words[-1].lower() in TRAILING_STOPS:
        words = words[:-1]
    for position in range(len(words) - 1, -1, -1):
        word = words[position]
        after_initial = not run and position > 0 and re.fullmatch(r"[A-Z]\.", words[position - 1]) is not None
        if (word.startswith(", ") or _is_name_word(word) or (run and word.lower() in PARTICLES)
                or (after_initial and NAME_WORD.match(word))):  # `Damian R. Leader`: after an initial, a surname
            run.insert(0, word)
        else:
            break
    while run and (run[0].lower() in PARTICLES or run[0].startswith(", ")):
        run.pop(0)
    if not shouting:
        run = _without_office_acronyms(run)
    if not run or _all_initials(run):
        return None
    if len(run) == 1 and ((len(words) == 1 and not after_title) or len(run[0].strip(".")) < 3
                          or (run[0].isupper() and len(run[0].strip(".")) < (4 if shouting else 5))):
        return None  # a lone word is a name only after a title, and an acronym (`ESC`, `OPA`) is none
    if len(words) > len(run) and words[-len(run) - 1].lower() in PLACE_BEFORE:
        return None
    run = _from_given_name(run, after_preposition=len(words) > len(run) and
                           words[-len(run) - 1].lower() in PREPOSITIONS)
    if all(word.isupper() for word in words) and len(run) > 3:
        run = _drop_leading_caps(run)
    return run


def _without_office_acronyms(run: list[str]) -> list[str]:
    """In mixed case an acronym before the name is an office: `IPO Michael R. Wheeler`, `DRL Karen Stewart`."""
    run = list(run)
    while len(run) > 2 and re.fullmatch(r"[A-Z]{2,}", run[0]) and any(re.search(r"[a-z]", w) for w in run[1:]):
        run.pop(0)
    return run


def _from_given_name(run: list[str], after_preposition: bool) -> list[str]:
    """`Pakistan Richard C. Holbrooke` -> `Richard C. Holbrooke`: after a title that names a place or a
    field (`Special Representative for Afghanistan and Pakistan`, `Ambassador to Sudan`), or in a run too
    long for a name, the name begins at the first known given name (tables.given_names)."""
    from cablegraph.tables import given_names

    words = [word for word in run if not word.startswith(", ")]
    if len(words) >= 3 and re.fullmatch(r"[A-Za-z]", words[0]) and words[1].upper() in given_names():
        return run[1:]  # `AFFAIR S ROBERT LUKE`: the stray letter is the end of a word broken by a line
    if not (after_preposition or len([word for word in words if len(word.strip(".")) > 1]) >= 3):
        return run
    known = given_names()
    if words and words[0].strip(".").upper() in known:
        return run  # `MARY BETH LEONARD`: the run already begins with a given name
    for index, word in enumerate(words[:-1]):
        if index and word.strip(".").upper() in known:
            return run[index:]
    return run


def _drop_leading_caps(run: list[str]) -> list[str]:
    """In all-capitals text an unknown title word can pass as a name word: `USEU MCOUNSELOR CHRISTOPHER
    DAVIS`. Keep at most three words plus initials and a suffix: names are rarely longer."""
    core = [word for word in run if not word.startswith(", ")]
    while len([word for word in core if len(word.strip(".")) > 1]) > 3:
        core.pop(0)
    return core + [word for word in run if word.startswith(", ")]


def _all_initials(words: list[str]) -> bool:
    return all(len(word.strip(".").replace(".", "")) <= 1 for word in words if not word.startswith(", "))


def _is_name_word(word: str) -> bool:
    if word.startswith(", "):
        return False
    bare = word.strip(".,;:'\"")
    if not bare or bare.lower() in TITLE_WORDS or word.lower() in TITLE_WORDS or _is_fuzzy_title(bare.lower()):
        return False
    if re.fullmatch(r"X{3,}", bare.upper()):
        return False
    if "/" in word or "&" in word:
        return False
    if "-" in bare and any(piece.lower() in TITLE_WORDS or _is_fuzzy_title(piece.lower()) for piece in bare.split("-")):
        return False
    return NAME_WORD.match(word.rstrip(",")) is not None and not re.fullmatch(r"[\d.]+", bare)


@cache
def _is_fuzzy_title(word: str) -> bool:
    """`ambasasdor`, `counselr`, `d'afairs`: a word two edits or fewer from a long title word."""
    word = word.replace("0", "o")
    if word.startswith(("d'", "de'")) and "af" in word:
        return True
    if len(word) < 6:
        return False
    return any(word[0] == title[0] and abs(len(word) - len(title)) <= 2
               and edit_distance(word, title) <= (2 if len(title) >= 8 else 1) for title in FUZZY_TITLES)


def _render(words: list[str]) -> str:
    """The name as written; a sentence's full stop after the surname is not part of it (`Kubiske.`)."""
    text = " ".join(words).replace(" , ", ", ").strip(" ,;:-")
    last = text.split()[-1] if text else ""
    if last.endswith(".") and len(last) > 3 and not SUFFIX.match(last.lstrip(", ")):
        text = text[:-1]
    return text
