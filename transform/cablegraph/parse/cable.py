"""Assemble a CableRecord from raw text and whatever metadata came with it.

Metadata from the release (the layout's preamble or the csv columns) wins for the
reference id, classification and origin, because that is what the publisher asserted;
the body is the fallback, so bare text still yields a complete record.
"""

from __future__ import annotations

import re
from dataclasses import replace

from cablegraph import tables
from cablegraph.errors import CableParseError
from cablegraph.parse import body as body_parts
from cablegraph.parse.authority import EO_LINE, parse_authority
from cablegraph.parse.banner import Banner, caveats_in, find_banner
from cablegraph.parse.header import parse_header
from cablegraph.parse.ids import canonical_id, repair_id, split_id, year_from_two_digits
from cablegraph.parse.references import Citing, parse_references
from cablegraph.parse.tags import find_tags_block, parse_tags
from cablegraph.parse.truncation import truncation_reason
from cablegraph.record import CableRecord
from cablegraph.sources import RawCable

PARTIAL = re.compile(r"^\s*This record is a partial extract of the original cable", re.I)
ORIGIN_PREFIXES = (
    ("AMEMBASSY", "Embassy"), ("AMCONSUL", "Consulate"), ("USMISSION", "Mission"), ("US MISSION", "Mission"),
    ("AMCONGEN", "Consulate"), ("USOFFICE", "Office"), ("AIT", "American Institute"), ("USINT", "Interests Section"),
)
MAX_TEXT = 5_000_000


def parse_text(text: str, source: str | None = None) -> CableRecord:
    """Parse bare cable text (no preamble)."""
    return parse_cable(RawCable(source=source or "<text>", format="bare", text=text))


def parse_cable(raw: RawCable) -> CableRecord:
    """Parse one raw cable; raises CableParseError (only) when it cannot be a cable record."""
    try:
        return _parse(raw)
    except CableParseError:
        raise
    except (ValueError, IndexError, KeyError, AttributeError, TypeError, RecursionError) as error:
        raise CableParseError(f"parser failed on this text ({type(error).__name__}: {error}); please report it",
                              source=raw.source, reference_id=raw.reference_id) from error


def _parse(raw: RawCable) -> CableRecord:
    text = raw.text
    if not text or not text.strip():
        raise CableParseError("the cable text is empty", source=raw.source, reference_id=raw.reference_id)
    if len(text) > MAX_TEXT:
        raise CableParseError(f"the text is {len(text):,} characters, more than any cable ({MAX_TEXT:,})",
                              source=raw.source, reference_id=raw.reference_id)
    work = normalize(text)
    banner = find_banner(work)
    if cut := truncation_reason(work, banner):  # before the header is read: a cut header invents addressees
        raise CableParseError(cut, source=raw.source, reference_id=raw.reference_id)
    header = parse_header(work[: banner.start] if banner else work[:4000])
    if banner and header.transmission_id is None and not header.from_:
        # Printed from a mailbox (`Cable Text: ... S E C R E T TRIPOLI 00498`): the banner comes first.
        header = parse_header(work[banner.end: banner.end + 6000])
    if header.dtg is None:
        # Old AMHS extracts carry the prosign and DTG only in later sections' headers.
        header.fill_dtg_from(work)
    if banner and (full := _full_copy_banner(work, banner, raw.reference_id)):
        banner = full  # the text opens with an excerpt cut short (`C....`); the whole cable follows it
    body = body_parts.remove_page_lines(work[banner.end:] if banner else work)

    record = CableRecord(reference_id="", text=text, source=raw.source)
    _identify(record, raw, banner, header)
    record.file_date = raw.file_date
    record.created = header.created or raw.created or raw.file_date
    record.dtg = header.dtg
    record.transmission_id = header.transmission_id
    record.origin_routing = header.origin_routing
    record.precedence = header.precedence
    record.from_, record.to, record.info = header.from_, header.to, header.info
    record.is_partial = bool(PARTIAL.match(text))

    level = banner.level if banner else None
    record.classification = raw.classification or level
    record.sections = banner.sections if banner and banner.sections else 1

    first_paragraph = body_parts.find_paragraph_starts(body)
    preamble_end = first_paragraph[0].start() if first_paragraph else min(len(body), 3000)
    front = body[:preamble_end]

    eo = EO_LINE.search(front)
    caveat_zone = front[: eo.start()] if eo else front[:300]
    record.caveats = caveats_in(" ".join(filter(None, [raw.classification, caveat_zone])))

    authority = parse_authority(body[: preamble_end + 1500])
    record.executive_order = authority.executive_order
    record.declassify_on = authority.declassify_on
    record.classified_by = authority.classified_by
    record.reasons = authority.reasons or []

    record.tags = parse_tags(find_tags_block(front))
    record.subject = body_parts.subject_of(front) or header.glued_subject or raw.title
    record.references = parse_references(body_parts.ref_block(front), _citing(record))

    main, signer = body_parts.split_signer(body, record.station)
    record.paragraphs = body_parts.paragraphs_of(main[preamble_end:] if first_paragraph else "")
    titles = body_parts.headings(main, preamble_end) if first_paragraph else []
    record.signer = signer
    if signer:
        record.signer_name = tables.signer_name(signer, record.station)
    record.summary = body_parts.summary_of(record.paragraphs, titles, front)
    record.comment = body_parts.comment_of(record.paragraphs, titles)
    record.action_request = body_parts.action_request_of(record.paragraphs, titles)
    record.origin = raw.origin or _origin_from(record)
    return record


def _full_copy_banner(work: str, banner: Banner, reference_id: str | None) -> Banner | None:
    """The banner of the whole cable when the text first gives an excerpt cut short with `...`.

    Pages of the 2011 release open with the first lines of the cable cut off (`REF: A. SECSTATE
    118799 ¶B. THE HAGUE 668 C....`), then give the whole cable after a metadata block that names its
    id on a line of its own (`09THEHAGUE707`), in a row (`203795,4/23/2009 14:58,09THEHAGUE264,...`) or
    as a field (`refid: 10LIMA97`).
    Fields read from the excerpt would be cut too; they are read from the whole copy instead.
    """
    if not reference_id:
        return None
    cable_id = reference_id.strip()
    position = -1
    for marker in (f"\n{cable_id}\n", f",{cable_id},", f"\nrefid: {cable_id}\n"):  # a line, a row, a field
        found = work.find(marker, banner.end)
        if found >= 0 and (position < 0 or found < position):
            position = found + len(marker)
    if position < 0 or not re.search(r"\.\.\.|…", work[banner.end: position]):
        return None
    again = find_banner(work[position:])
    if again is None:
        return None
    return replace(again, start=again.start + position, end=again.end + position)


def normalize(text: str) -> str:
    """The text the parser reads: some releases end lines with ` \\` (an export artefact); drop it."""
    return re.sub(r"[ \t]*\\[ \t]*$", "", text, flags=re.MULTILINE)


def _identify(record: CableRecord, raw: RawCable, banner, header) -> None:
    """Reference id: the metadata's (repaired if need be), else rebuilt from banner + DTG year."""
    if raw.reference_id:
        written = raw.reference_id.strip()
        canonical = repair_id(written)
        if canonical is None:
            raise CableParseError(f"reference id {written!r} is not of the form 09USNATO383",
                                  source=raw.source, reference_id=written)
        record.reference_id = canonical
        record.reference_id_raw = written if written != canonical else None
    elif banner and (header.created or raw.file_date):
        year = (header.created or raw.file_date or "")[:4]
        record.reference_id = canonical_id(year, banner.station, banner.number)
    else:
        raise CableParseError("not a cable: no reference id (no preamble or id column), and no telegram header "
                              "or classification banner with station and number (like 'C O N F I D E N T I A L "
                              "USNATO 000383') and a date to rebuild one from", source=raw.source)
    parts = split_id(record.reference_id)
    record.station = parts[1] if parts else None


def _citing(record: CableRecord) -> Citing | None:
    parts = split_id(record.reference_id)
    if not parts:
        return None
    return Citing(year_from_two_digits(int(parts[0])), parts[1], parts[2])


def _origin_from(record: CableRecord) -> str | None:
    """Origin for cables without metadata: the stations table, else the FM line (`AMEMBASSY X` -> `Embassy X`)."""
    if record.station and (known := tables.station_origin(record.station)):
        return known
    if not record.from_:
        return None
    name = record.from_[0].name
    if name.startswith("SECSTATE"):
        return "Secretary of State"
    for prefix, word in ORIGIN_PREFIXES:
        if name.startswith(prefix + " "):
            place = name[len(prefix) + 1:]
            return f"{word} {place.title()}"
    return name
