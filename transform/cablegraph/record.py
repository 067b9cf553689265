"""The faithful record of one cable: what `cablegraph parse --json` prints, one object per line.

Plain dataclasses rather than a validation framework: the parser fills them, `to_dict`
turns them into JSON with every key present (None or [] when the cable lacks the part),
and the RDF transform reads them. Keeping the record free of RDF concerns is what lets
the same parse feed JSON users, the graph and the tests.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class Recipient:
    """One FM/TO/INFO line: `RUEHC/SECSTATE WASHDC PRIORITY 3350`."""

    routing: str | None
    name: str
    precedence: str | None = None
    mcn: str | None = None  # message control number, kept as text: leading zeros matter


@dataclass(slots=True)
class Tag:
    code: str
    kind: str  # subject | geographic | organization | program | person | unknown
    written: str | None = None  # the token as the cable writes it, when it was read as another code
    repair: str | None = None  # the rule that read it so: table | typo | glued


@dataclass(slots=True)
class Reference:
    letter: str | None
    raw: str
    kind: str  # cable | email | telcon | other
    cable_id: str | None = None


@dataclass(slots=True)
class ClassifiedBy:
    name: str | None
    title: str | None
    raw: str


@dataclass(slots=True)
class Paragraph:
    number: int
    marking: str | None
    text: str


@dataclass(slots=True)
class CableRecord:
    reference_id: str
    reference_id_raw: str | None = None
    file_date: str | None = None
    created: str | None = None
    dtg: str | None = None
    classification: str | None = None
    caveats: list[str] = field(default_factory=list)
    origin: str | None = None
    station: str | None = None
    origin_routing: str | None = None
    transmission_id: str | None = None
    precedence: str | None = None
    from_: list[Recipient] = field(default_factory=list)
    to: list[Recipient] = field(default_factory=list)
    info: list[Recipient] = field(default_factory=list)
    subject: str | None = None
    sections: int | None = None
    is_partial: bool = False
    tags: list[Tag] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    classified_by: ClassifiedBy | None = None
    reasons: list[str] = field(default_factory=list)
    executive_order: str | None = None
    declassify_on: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    summary: str | None = None
    comment: str | None = None
    action_request: str | None = None
    signer: str | None = None
    signer_name: str | None = None
    text: str = ""
    source: str | None = None  # where the text came from; not part of the JSON record

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: the documented keys in a stable order, `from_` spelled `from`."""
        data = asdict(self)
        data["from"] = data.pop("from_")
        data.pop("source")
        return {key: data[key] for key in RECORD_KEYS}


RECORD_KEYS: tuple[str, ...] = (
    "reference_id", "reference_id_raw", "file_date", "created", "dtg", "classification", "caveats",
    "origin", "station", "origin_routing", "transmission_id", "precedence", "from", "to", "info",
    "subject", "sections", "is_partial", "tags", "references", "classified_by", "reasons",
    "executive_order", "declassify_on", "paragraphs", "summary", "comment", "action_request",
    "signer", "signer_name", "text",
)
