"""Property tests: the parser and the IRI minting on arbitrary and hostile text.

The promises checked here are the ones the pipeline's quarantine relies on: `parse_text` returns a
record or raises `CableParseError`, never anything else (and never the wrapped "please report it"
internal error); a returned record is faithful JSON and valid RDF; and no text, however hostile, can
mint an IRI that breaks a serialisation.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pyoxigraph import NamedNode, Quad, RdfFormat, parse, serialize

import cablegraph
from cablegraph.errors import CableParseError
from cablegraph.parse import parse_text
from cablegraph.rdf.mint import Minter, segment, slug
from cablegraph.rdf.triples import CableTransformer
from cablegraph.record import RECORD_KEYS, CableRecord

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FIXTURES = Path(cablegraph.__file__).parent / "fixtures"
#: A fictional bare cable (no preamble) that parses: the base the mutation strategy starts from.
BARE = (FIXTURES / "bare-09PARIS9001.txt").read_text(encoding="utf-8")

KEYWORDS = (
    "VZCZC", "VZCZCXRO2655\n", "DE RUEH", "DE RUEHNO #9001/01 2531627\n", "ZNY CCCCC ZZH\n", "P 101627Z SEP 09\n",
    "O R 160820Z JUN 08\n", "FM ", "FM USMISSION USNATO\n", "TO ", "TO RUEHC/SECSTATE WASHDC PRIORITY 3351\n",
    "INFO ", "INFO RUEHXP/ALL NATO POST COLLECTIVE IMMEDIATE\n", "TAGS:", "TAGS: PREL NATO MARR RS\n", "REF:",
    "REF: A. 09 STATE 199001\n", "¶B. EMAIL FROM POLOFF 3/4/09\n", "¶1. (C)", "¶2. (S/NF) ", "1. (U) ",
    "Classified By:", "Classified By: Ambassador Harold T. Wexcombe for reasons 1.4 (b/d).\n",
    "E.O. 12958: DECL:", "E.O. 12958: DECL: 09/10/2019\n", "EO 12958 DECL: 10/06/10\n",
    "C O N F I D E N T I A L SECTION 01 OF 02 USNATO 009001\n", "UNCLAS SECTION 01 OF 03 LAGOS 009004\n",
    "SECRET\n", "SIPDIS\n", "NOFORN\n", "SUBJECT: ", "SUBJ: ", "USNATO 00009001 002 OF 002\n",
    "Summary:", "End summary.", "Comment:", "End comment.", "Action request:", "WEXCOMBE\n", "NNN\n",
    "This record is a partial extract of the original cable.", "XXXXXXXXXXXX", "\\", "\n", " ", "/", "//",
    ".", ":", "(", ")", "#", "%", "<", ">", '"', "{", "}",
)
CONTROL = ("\x00", "\x01", "\x07", "\t", "\x0b", "\x0c", "\r", "\r\n", "\x1b", "\x1c", "\x7f", "\x85", "\u2028",
           "\u2029", "\ufeff", "\u200b")

#: Any character that can be encoded as UTF-8 (no lone surrogates), control characters included.
chars = st.characters(codec="utf-8")
digits_and_slashes = st.text(alphabet="0123456789/ .-", min_size=1, max_size=20)
long_line = st.builds(lambda c, n: c * n, st.sampled_from(["X", "a ", "¶", "0", "/", "—"]),
                      st.integers(min_value=500, max_value=20_000))
chunk = st.one_of(
    st.sampled_from(KEYWORDS),
    st.sampled_from(CONTROL),
    st.text(chars, max_size=60),
    digits_and_slashes,
    long_line,
)
#: Random mixes of header keywords, control characters, digits, slashes, long lines and any text.
cable_like = st.lists(chunk, max_size=40).map("".join)
any_text = st.one_of(st.text(chars), cable_like)


@st.composite
def mutated_cable(draw: st.DrawFn, text: str = BARE) -> str:
    """The fictional bare cable with a few random insertions, deletions and replacements."""
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        start = draw(st.integers(min_value=0, max_value=len(text)))
        end = draw(st.integers(min_value=start, max_value=min(len(text), start + 80)))
        insert = draw(st.one_of(st.just(""), chunk))
        text = text[:start] + insert + text[end:]
    return text


def check_parse(text: str) -> CableRecord | None:
    """parse_text's contract; the record when it returned one."""
    try:
        record = parse_text(text)
    except CableParseError as error:
        assert error.reason
        assert "please report it" not in error.reason, f"an internal parser error escaped as a parse error: {error}"
        return None
    assert isinstance(record, CableRecord)
    assert record.reference_id
    data = record.to_dict()
    assert tuple(data) == RECORD_KEYS
    assert data["text"] == text
    encoded = json.dumps(data, ensure_ascii=False)
    assert json.loads(encoded) == data
    return record


def check_rdf(record: CableRecord) -> None:
    quads = list(CableTransformer().transform(record).all())
    assert quads
    data = serialize(quads, format=RdfFormat.N_QUADS)
    back = list(parse(data, format=RdfFormat.N_QUADS))
    assert len(back) == len(quads)
    assert set(back) == set(quads)


# -- the parser -----------------------------------------------------------------------------------


def test_the_mutation_base_parses():
    """Without this the mutation properties would only ever see the error branch."""
    record = check_parse(BARE)
    assert record is not None and record.reference_id == "09PARIS9001"
    check_rdf(record)


@SETTINGS
@given(any_text)
@example("")
@example("\x00" * 10)
@example("VZCZC" + "\n" * 5000)
@example("¶1. (C)" * 2000)
@example("TAGS:\nREF:\nClassified By:\nE.O. 12958: DECL:\n¶1. (C)\n")
def test_parse_text_returns_a_record_or_raises_cable_parse_error(text):
    record = check_parse(text)
    if record is not None:
        check_rdf(record)


@SETTINGS
@given(mutated_cable())
def test_parse_of_a_mutated_cable_is_faithful_json_and_valid_rdf(text):
    record = check_parse(text)
    if record is not None:
        check_rdf(record)


@SETTINGS
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(BARE)),
                          st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3)), min_size=1, max_size=4))
def test_lone_surrogates_do_not_break_the_record_or_its_rdf(insertions):
    """Text from the API (not from files, which are decoded) may hold lone surrogates."""
    text = BARE
    for position, surrogates in sorted(insertions, reverse=True):
        text = text[:position] + surrogates + text[position:]
    try:
        record = parse_text(text)
    except CableParseError as error:
        assert "please report it" not in error.reason
        return
    data = record.to_dict()
    assert data["text"] == text
    assert json.loads(json.dumps(data))["text"]  # ASCII-escaped JSON carries them (a pair reads back joined)
    check_rdf(record)


# -- minting --------------------------------------------------------------------------------------

SEGMENT_RE = re.compile(r"(?:[A-Za-z0-9._~-]|%[0-9A-F]{2})+")
HOSTILE = ('> " { } \\n <script>', "> \" { } \n <script>alert(1)</script>", "a b\tc", "Ivo H. Daalder",
           "Zürich – “quoted” ’s", "日本 大使館", "\x00\x1f\x7f", "../../etc/passwd", "a/b?c#d", "%41%zz",
           "`^|\\", "\U0001F600", "\u2028\u2029")


@SETTINGS
@given(st.text())
@example("")
@example("   \n\t ")
@example("\ud800")
def test_segment_holds_only_unreserved_characters_and_escapes(value):
    assert SEGMENT_RE.fullmatch(segment(value))


@SETTINGS
@given(st.text(chars).filter(lambda v: v.strip()))
@example('> " { } \\n <script>')
@example("%41")
@example("  padded  ")
def test_segment_round_trips(value):
    assert unquote(segment(value)) == value.strip()


def test_segment_of_blank_text_is_a_placeholder():
    assert segment("") == segment("  \n ") == "_"


@pytest.mark.parametrize("value", [".", ".."])
def test_segment_is_never_a_dot_segment(value):
    assert segment(value) not in (".", "..")


def mint_all(minter: Minter, text: str) -> list[NamedNode]:
    return [
        minter.cable(text), minter.paragraph(text, text), minter.address_line(text, text, 1),
        minter.reference(text, 2), minter.post(text), minter.addressee(text), minter.person(text),
        minter.tag(text), minter.cable_graph(text),
    ]


@SETTINGS
@given(st.one_of(st.sampled_from(HOSTILE), st.text()))
@example(HOSTILE[0])
def test_iris_minted_from_hostile_text_are_valid(text):
    minter = Minter("https://example.org/cables/")
    nodes = mint_all(minter, text)
    quads = []
    for node in nodes:
        assert node.value.startswith("https://example.org/cables/")
        assert not re.search(r"[\s<>\"{}|\\^`]", node.value)
        assert NamedNode(node.value) == node
        quads.append(Quad(node, NamedNode("https://example.org/p"), node))
    assert list(parse(serialize(quads, format=RdfFormat.N_QUADS), format=RdfFormat.N_QUADS)) == quads


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_inside_one_path_segment(text):
    node = Minter().tag(text)
    rest = node.value.removeprefix("https://w3id.org/cablegraph/tag/")
    assert rest != node.value
    assert "/" not in rest and "?" not in rest and "#" not in rest
    assert unquote(rest) == (text.strip() or "_")


@SETTINGS
@given(st.text(chars))
def test_slug_is_a_valid_segment(value):
    assert SEGMENT_RE.fullmatch(slug(value))
