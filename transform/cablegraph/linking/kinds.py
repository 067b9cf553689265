"""What kind of post a telegraphic name is: AMEMBASSY MOSCOW an embassy, ARAB LEAGUE COLLECTIVE a collective.

Why a module of its own: the same rules classify the ACP 117 routing book when the link tables are
built (`scripts/build_links.py`, standard library only, imports this file) and the addresses of
cables whose routing indicator no table knows, at transform time. Standard library only.
"""

from __future__ import annotations

import re

#: The kinds of the scheme vocab/post-kind, in the order the ontology lists them.
POST_KINDS = ("embassy", "consulate", "mission", "office", "department", "agency", "military", "collective",
              "other")

#: `post_kind` of us_posts_routing.csv (State Department posts) -> our kind.
LISTED_KINDS = {"embassy": "embassy", "consulate": "consulate", "mission": "mission",
                "de facto mission (AIT)": "mission", "interests section": "office", "office": "office",
                "american presence post": "office", "regional embassy office": "office",
                "regional reconstruction team": "office"}

#: Rules for other names, first match wins.
NAME_RULES = [
    ("collective", re.compile(r"\bCOLLECTIVE\b")),
    ("embassy", re.compile(r"^(AMEMBASSY|EMBASSY)\b")),  # EMBASSY: WikiLeaks origin labels, "Embassy Manama"
    ("consulate", re.compile(r"^(AMCONSUL|AMCONGEN|CONSULATE)\b")),
    ("mission", re.compile(r"^(US ?MISSION|USMISSIN|USMISSION|MISSION)\b")),
    ("department", re.compile(r"^(DEPT OF|SECSTATE|SECDEF|SECTREAS|SECARMY|SECNAV|SECAF|SECHHS)\b")),
    ("military", re.compile(r"^(CDR|CINC|COM|HQ|USCINC|CG|CO|JOINT STAFF|NAVY|ARMY|AIR FORCE)\b|\bCMD\b|\bFLT\b")),
    ("agency", re.compile(r"\b(WHITE HOUSE|CIA|DIA|NSA|FBI|DEA|DHS|AGENCY|ADMIN|ADMINISTRATION|COUNCIL|"
                          r"USAID|COMMISSION|SERVICE|BUREAU|INSTITUTE|CORPORATION)\b")),
]


def post_kind(name: str, listed: str = "") -> str:
    """The kind of post `name` (an ACP or address name, capitals) is; `listed` is a State Department kind."""
    if listed:
        return LISTED_KINDS.get(listed, "office")
    upper = name.upper()
    for kind, rule in NAME_RULES:
        if rule.search(upper):
            return kind
    return "other"
