"""Tests for cablegraph.sources: inputs -> a stream of RawCable items and CableParseError items.

The real seed and PDF-text files are read from the shared corpus (CABLEGRAPH_CORPUS, else
/work/shared/corpus when it exists); everything else is built in tmp_path from fictional text or
from tests/fixtures/cables-fictional.csv, so the tests say exactly which bytes they feed in.
"""

from __future__ import annotations

import csv
import dataclasses
import gzip
import io
import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cablegraph.errors import CableParseError
from cablegraph.sources import ExpandedPaths, RawCable, count_inputs, expand_paths, iter_inputs

FIXTURES = Path(__file__).parent / "fixtures"
FICTIONAL_CSV = FIXTURES / "cables-fictional.csv"
DEFAULT_CORPUS = Path("/work/shared/corpus")

#: A fictional cable in the seed layout (id, empty title, Ruby date, classification, origin, text).
LAYOUT = (
    "09VALMORA500\n"
    "\n"
    "Wed Jan 06 00:00:00 +0100 2010\n"
    "UNCLASSIFIED\n"
    "Embassy Valmora\n"
    "VZCZCXYZ0500\n"
    "RR RUEHWEB\n"
    "\n"
    "DE RUEHVQ #0500 0061200\n"
    "ZNR UUUUU ZZH\n"
    "R 061200Z JAN 10\n"
    "FM AMEMBASSY VALMORA\n"
    "TO RUEHC/SECSTATE WASHDC 0100\n"
    "UNCLAS VALMORA 000500\n"
    "\n"
    "SUBJECT: FICTIONAL EXAMPLE: HARBOR FESTIVAL\n"
    "\n"
    "¶1. (U) FICTIONAL EXAMPLE, written for the cablegraph tests.\n"
)
#: The same cable without a preamble, as the PDF text files have it (they start with an empty line).
BARE = "\n" + LAYOUT.split("\n", 5)[5]

#: A good csv row in the minimal quoting of the csv rows quoted inside some real cable texts.
GOOD_ROW = (
    '5,1/16/2010 9:00,10VALMORA21,"Embassy Valmora",SECRET,,"VZCZCXYZ0021\n'
    'DE RUEHVQ #0021 0160900","S E C R E T VALMORA 000021\n\n'
    '¶1. (S) FICTIONAL EXAMPLE, written for the cablegraph tests.\n"\n'
)


def corpus_dir() -> Path | None:
    """The shared corpus: CABLEGRAPH_CORPUS (must exist when set), else the default if present."""
    env = os.environ.get("CABLEGRAPH_CORPUS")
    if env:
        if not Path(env).is_dir():
            pytest.fail(f"CABLEGRAPH_CORPUS={env} is set but is not a directory")
        return Path(env)
    return DEFAULT_CORPUS if DEFAULT_CORPUS.is_dir() else None


def need_corpus() -> Path:
    corpus = corpus_dir()
    if corpus is None:
        pytest.skip("shared corpus not available (set CABLEGRAPH_CORPUS)")
    return corpus


def read(*paths: Path | str, format: str = "auto") -> list[RawCable | CableParseError]:
    return list(iter_inputs([str(p) for p in paths], format=format))


def only_cables(items: list[RawCable | CableParseError]) -> list[RawCable]:
    assert all(isinstance(i, RawCable) for i in items), [i for i in items if isinstance(i, CableParseError)]
    return [i for i in items if isinstance(i, RawCable)]


def errors(items: list[RawCable | CableParseError]) -> list[CableParseError]:
    return [i for i in items if isinstance(i, CableParseError)]


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def without_source(item: RawCable) -> dict:
    d = dataclasses.asdict(item)
    d.pop("source")
    return d


# --- real files -----------------------------------------------------------------------------------


def test_seed_reads_as_layout() -> None:
    seed = need_corpus() / "seed" / "09USNATO383.txt"
    [cable] = only_cables(read(seed))
    assert cable.format == "layout"
    assert cable.source == str(seed)
    assert cable.reference_id == "09USNATO383"
    assert cable.title is None
    assert cable.file_date == "2009-09-10"  # "Thu Sep 10 00:00:00 +0200 2009", no tz conversion
    assert cable.created is None
    assert cable.classification == "CONFIDENTIAL"
    assert cable.origin == "Mission USNATO"
    assert cable.csv_references is None
    assert cable.encoding == "utf-8"
    assert cable.text.startswith("VZCZCXRO2649\nPP RUEHDBU RUEHSL\nDE RUEHNO #0383/01 2531627\n")
    lines = seed.read_text(encoding="utf-8").split("\n")
    assert cable.text == "\n".join(lines[5:]).rstrip()


def test_pdf_text_reads_as_bare() -> None:
    path = need_corpus() / "cables-pdf-text" / "06NEWDELHI5135.txt"
    [cable] = only_cables(read(path))
    assert cable.format == "bare"
    assert cable.text.startswith("VZCZCXRO7165\nOO RUEHBI")  # the leading empty line is dropped
    assert cable.reference_id is None
    assert cable.file_date is None and cable.classification is None and cable.origin is None


# --- layout and bare ------------------------------------------------------------------------------


def test_layout_file(tmp_path: Path) -> None:
    [cable] = only_cables(read(write(tmp_path / "x.txt", LAYOUT)))
    assert (cable.format, cable.reference_id, cable.file_date) == ("layout", "09VALMORA500", "2010-01-06")
    assert (cable.classification, cable.origin, cable.title) == ("UNCLASSIFIED", "Embassy Valmora", None)
    assert cable.text.startswith("VZCZCXYZ0500\nRR RUEHWEB\n\nDE RUEHVQ")
    assert cable.text.endswith("written for the cablegraph tests.")


def test_layout_title_and_malformed_id(tmp_path: Path) -> None:
    text = LAYOUT.replace("09VALMORA500\n\n", "7575VALMORA1895\nHARBOR FESTIVAL\n", 1)
    [cable] = only_cables(read(write(tmp_path / "x.txt", text)))
    assert cable.format == "layout"
    assert cable.reference_id == "7575VALMORA1895"
    assert cable.title == "HARBOR FESTIVAL"


def test_layout_ruby19_date(tmp_path: Path) -> None:
    text = LAYOUT.replace("Wed Jan 06 00:00:00 +0100 2010", "2010-01-06 00:00:00 +0100")
    [cable] = only_cables(read(write(tmp_path / "x.txt", text)))
    assert cable.file_date == "2010-01-06"


def test_bare_file(tmp_path: Path) -> None:
    [cable] = only_cables(read(write(tmp_path / "x.txt", BARE)))
    assert cable.format == "bare"
    assert cable.text == LAYOUT.split("\n", 5)[5].rstrip()
    assert cable.reference_id is None


def test_crlf_is_normalised(tmp_path: Path) -> None:
    [cable] = only_cables(read(write(tmp_path / "x.txt", LAYOUT.replace("\n", "\r\n"))))
    assert cable.format == "layout" and cable.file_date == "2010-01-06"
    assert "\r" not in cable.text
    assert cable.text == only_cables(read(write(tmp_path / "y.txt", LAYOUT)))[0].text


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    [cable] = only_cables(read(write(tmp_path / "x.txt", b"\xef\xbb\xbf" + LAYOUT.encode())))
    assert (cable.format, cable.reference_id, cable.encoding) == ("layout", "09VALMORA500", "utf-8")


def test_cp1252_and_latin1_fallback(tmp_path: Path) -> None:
    cp = LAYOUT.replace("HARBOR FESTIVAL", "\u201cHARBOR\u201d FESTIVAL \u20ac5").encode("cp1252")
    [cable] = only_cables(read(write(tmp_path / "cp.txt", cp)))
    assert cable.encoding == "cp1252"
    assert "SUBJECT: FICTIONAL EXAMPLE: \u201cHARBOR\u201d FESTIVAL \u20ac5" in cable.text
    # 0x81 is undefined in cp1252, so only latin-1 can decode this
    [cable] = only_cables(read(write(tmp_path / "l1.txt", LAYOUT.encode() + b"caf\xe9 \x81\n")))
    assert cable.encoding == "latin-1"
    assert cable.text.endswith("caf\xe9 \x81")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("09VALMORA9\n\n", "ends after line 1"),
        ("09VALMORA9\n\nWed Jan 06 00:00:00 +0100 2010\nSECRET\n", "ends after line 4"),
        ("09VALMORA9\nWed Jan 06 00:00:00 +0100 2010\nSECRET\nEmbassy Valmora\nVZCZC\nDE X\n",
         "date is on line 2"),
        ("09VALMORA9\n\nWed Jan 06 00:00:00 +0100 2010\nSECRET\nEmbassy Valmora\n\n\n", "no cable text"),
    ],
)
def test_layout_cut_short(tmp_path: Path, content: str, expected: str) -> None:
    path = write(tmp_path / "cut.txt", content)
    [error] = read(path)
    assert isinstance(error, CableParseError)
    assert expected in error.reason
    assert error.source == str(path)
    assert error.reference_id == "09VALMORA9"


# --- csv ------------------------------------------------------------------------------------------


def test_fictional_csv_rows() -> None:
    cables = only_cables(read(FICTIONAL_CSV))
    assert [c.reference_id for c in cables] == [
        "09VALMORA412", "10PORTANSEL15", "75VALMORA4410", "10VALMORA20",
    ]
    assert [c.source for c in cables] == [f"{FICTIONAL_CSV}#row={n}" for n in (1, 2, 3, 4)]
    assert {c.format for c in cables} == {"csv"}
    assert [c.created for c in cables] == [
        "2009-09-10T16:27", "2010-02-03T09:05", "1975-11-04T08:30", "2010-01-15T11:42",
    ]
    assert [c.file_date for c in cables] == ["2009-09-10", "2010-02-03", "1975-11-04", "2010-01-15"]
    assert [c.csv_references for c in cables] == [
        ["09VALMORA398", "09PORTANSEL77"], ["09VALMORA412"], [], [],
    ]
    assert [c.classification for c in cables] == [
        "CONFIDENTIAL", "UNCLASSIFIED//FOR OFFICIAL USE ONLY", "SECRET//NOFORN", "SECRET",
    ]
    assert cables[1].origin == "Consulate Port Ansel"
    assert all("FICTIONAL EXAMPLE" in c.text and c.encoding == "utf-8" for c in cables)

    first = cables[0]
    # header + "\n" + content
    assert first.text.startswith("VZCZCXRO4120\nPP RUEHPQA\nDE RUEHVQ #0412/01 2531627\n")
    assert "RUEHZZV/VALMORAN GULF COLLECTIVE\nC O N F I D E N T I A L SECTION 01 OF 02" in first.text
    # backslash escapes: \" and \'
    assert 'AN "OPEN DOOR"\nON PORT TALKS' in first.text
    assert "the minister's office" in first.text
    assert first.text.endswith("EXAMPLE")
    second = cables[1]
    # doubled quotes, an escaped backslash (\\) and a bare one (\T) that is kept
    assert 'PREFER "QUIET\nDIPLOMACY"' in second.text
    assert r"at S:\POLECON\HARBOR and C:\TEMP." in second.text
    assert cables[2].text.startswith("R 040830Z NOV 75\nFM AMEMBASSY VALMORA\nTO SECSTATE WASHDC 4410\n")


def test_gzip_gives_identical_items(tmp_path: Path) -> None:
    plain = only_cables(read(FICTIONAL_CSV))
    gz = write(tmp_path / "cables.csv.gz", gzip.compress(FICTIONAL_CSV.read_bytes()))
    no_suffix = write(tmp_path / "cables.data", gzip.compress(FICTIONAL_CSV.read_bytes()))
    for path in (gz, no_suffix):  # detected by the magic bytes, not the suffix
        got = only_cables(read(path))
        assert [without_source(c) for c in got] == [without_source(c) for c in plain]
        assert [c.source for c in got] == [f"{path}#row={n}" for n in (1, 2, 3, 4)]
    [layout] = only_cables(read(write(tmp_path / "layout.txt.gz", gzip.compress(LAYOUT.encode()))))
    assert (layout.format, layout.reference_id, layout.source) == ("layout", "09VALMORA500",
                                                                   str(tmp_path / "layout.txt.gz"))


def test_csv_unterminated_quote_at_end(tmp_path: Path) -> None:
    broken = '"5","1/16/2010 9:00","10VALMORA21","Embassy Valmora","SECRET","","VZCZCXYZ0021\nDE RUEHVQ\n'
    path = write(tmp_path / "broken.csv", FICTIONAL_CSV.read_text(encoding="utf-8") + broken)
    items = read(path, write(tmp_path / "z-after.txt", LAYOUT))
    assert [i.reference_id for i in items if isinstance(i, RawCable)] == [
        "09VALMORA412", "10PORTANSEL15", "75VALMORA4410", "10VALMORA20", "09VALMORA500",
    ]
    [error] = errors(items)
    assert error.source == f"{path}#row=5"
    assert "never closed" in error.reason and "end of the file" in error.reason
    assert items[4] is error  # in stream order, before the next file


def test_csv_unterminated_quote_in_middle_resyncs(tmp_path: Path) -> None:
    rows = FICTIONAL_CSV.read_text(encoding="utf-8").split('\n"3","')
    # row 2's content loses its closing quote: the row must be skipped and rows 3-4 still read
    assert rows[0].endswith('DOE\n"')
    text = rows[0][:-1] + '\n"3","' + rows[1]
    path = write(tmp_path / "broken.csv", text)
    items = read(path)
    assert [i.reference_id for i in items if isinstance(i, RawCable)] == [
        "09VALMORA412", "75VALMORA4410", "10VALMORA20",
    ]
    [error] = errors(items)
    assert error.source == f"{path}#row=2"
    assert "never closed before the next row starts" in error.reason


def test_csv_stray_quote_and_field_count(tmp_path: Path) -> None:
    stray = '"6","1/16/2010 9:00","10VALMORA22","Embassy Valmora","SECRET","","VZCZC","text with "a" stray"\n'
    short = '"7","1/16/2010 9:00","10VALMORA23","Embassy Valmora","SECRET","VZCZC"\n'
    bad_date = '"8","16/16/2010 9:00","10VALMORA24","Embassy Valmora","SECRET","","VZCZC","text"\n'
    path = write(tmp_path / "bad.csv", stray + short + bad_date + GOOD_ROW)
    items = read(path)
    assert [type(i).__name__ for i in items] == ["CableParseError"] * 3 + ["RawCable"]
    assert [i.source for i in items] == [f"{path}#row={n}" for n in (1, 2, 3, 4)]
    assert "quoting" in items[0].reason
    assert "has 6 fields, expected 8" in items[1].reason
    assert "16/16/2010 9:00" in items[2].reason and items[2].reference_id == "10VALMORA24"
    assert items[3].reference_id == "10VALMORA21"


def test_csv_header_row_minimal_quoting_and_embedded_row_line(tmp_path: Path) -> None:
    header = "id,date,refid,origin,classification,references,header,content\n"
    # a line inside the content that looks like a row start (55 real cables quote csv rows like this)
    quoted_row = '12055,11/12/2003 16:26,03VALMORA2835,""Embassy Valmora"",'
    embedded = GOOD_ROW.replace("\n\n¶1.", f"\n{quoted_row}\n\n¶1.")
    path = write(tmp_path / "with-header.csv", header + embedded + GOOD_ROW.replace("5,", "6,", 1))
    cables = only_cables(read(path))
    assert [c.source for c in cables] == [f"{path}#row=1", f"{path}#row=2"]
    assert cables[0].text.startswith("VZCZCXYZ0021\nDE RUEHVQ #0021 0160900\nS E C R E T VALMORA 000021\n")
    assert '\n12055,11/12/2003 16:26,03VALMORA2835,"Embassy Valmora",\n' in cables[0].text
    assert cables[0].csv_references == [] and cables[0].created == "2010-01-16T09:00"


def test_csv_crlf_and_cp1252_row(tmp_path: Path) -> None:
    row = GOOD_ROW.replace("FICTIONAL", "\u201cFICTIONAL\u201d").replace("\n", "\r\n")
    path = write(tmp_path / "win.csv", FICTIONAL_CSV.read_bytes() + row.encode("cp1252"))
    cables = only_cables(read(path))
    assert [c.encoding for c in cables] == ["utf-8"] * 4 + ["cp1252"]
    assert "\r" not in cables[4].text
    assert "(S) \u201cFICTIONAL\u201d EXAMPLE" in cables[4].text


def test_csv_header_only_and_junk(tmp_path: Path) -> None:
    header_only = '"id","date","refid","origin","classification","references","header","content"\n'
    path = write(tmp_path / "empty.csv", header_only)
    [error] = read(path)
    assert isinstance(error, CableParseError) and "no rows" in error.reason
    junk = write(tmp_path / "junk.csv", "reference_id,created\n09X1,2009-01-01\n")
    [error] = read(junk)
    assert isinstance(error, CableParseError) and "named .csv" in error.reason


# --- compression and broken files -----------------------------------------------------------------


def test_truncated_gzip(tmp_path: Path) -> None:
    # cut inside the first 64 KB (read to detect the format) and far beyond it
    for copies, name in ((3, "a-early.csv.gz"), (100, "b-late.csv.gz")):
        data = gzip.compress(FICTIONAL_CSV.read_bytes() * copies)
        path = write(tmp_path / name, data[: len(data) * 2 // 3])
        items = read(path)
        assert 0 < len(items) - 1 < 4 * copies
        assert all(isinstance(i, RawCable) for i in items[:-1]), "rows before the cut are delivered"
        assert isinstance(items[-1], CableParseError) and "truncated" in items[-1].reason
        assert items[-1].source == str(path)

    data = gzip.compress(FICTIONAL_CSV.read_bytes() * 20)
    path = write(tmp_path / "cut.csv.gz", data[: len(data) * 2 // 3])
    after = write(tmp_path / "z.txt", LAYOUT)
    items = read(path, after)
    cables_before = [i for i in items[:-2] if isinstance(i, RawCable)]
    assert cables_before, "rows before the cut are still delivered"
    error = items[-2]
    assert isinstance(error, CableParseError)
    assert error.source == str(path)
    assert "truncated" in error.reason and "re-download" in error.reason
    assert isinstance(items[-1], RawCable) and items[-1].source == str(after)

    small = write(tmp_path / "cut.txt.gz", gzip.compress(LAYOUT.encode())[:-12])
    [error] = read(small)
    assert isinstance(error, CableParseError) and "truncated" in error.reason


def test_corrupt_gzip(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(LAYOUT.encode()))
    data[-8] ^= 0xFF  # break the CRC
    [error] = read(write(tmp_path / "crc.txt.gz", bytes(data)))
    assert isinstance(error, CableParseError) and "corrupt" in error.reason


def test_missing_empty_and_binary_files_do_not_stop_the_stream(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    empty = write(tmp_path / "a-empty.txt", b"")
    blank = write(tmp_path / "b-blank.txt", b"\n \n")
    pdf = write(tmp_path / "c.txt", b"%PDF-1.4\n...")
    nul = write(tmp_path / "d.txt", "0\x009".encode("utf-16-le"))
    good = write(tmp_path / "e-good.txt", LAYOUT)
    items = read(missing, tmp_path / "*.nothing", tmp_path)
    assert [type(i).__name__ for i in items] == ["CableParseError"] * 6 + ["RawCable"]
    by_source = {i.source: i.reason for i in items if isinstance(i, CableParseError)}
    assert "does not exist" in by_source[str(missing)]
    assert "matched no files" in by_source[str(tmp_path / "*.nothing")]
    assert by_source[str(empty)] == "file is empty"
    assert "whitespace" in by_source[str(blank)]
    assert "PDF" in by_source[str(pdf)]
    assert "NUL" in by_source[str(nul)]
    assert items[-1].source == str(good)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_unreadable_file() -> None:
    """A file the user may not read is one quarantine item. Root reads everything, so under root (CI) the
    reading runs in a forked child that has dropped to `nobody` first (fork, not exec: the interpreter
    itself may live where `nobody` cannot go)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="cablegraph-unreadable-"))  # in /tmp: `nobody` can reach it
    folder.chmod(0o711)
    path = write(folder / "secret.txt", LAYOUT)
    path.chmod(0)
    try:
        reason = _read_reason_as_someone_else(path) if os.geteuid() == 0 else read(path)[0].reason
    finally:
        shutil.rmtree(folder)
    assert "permission denied" in reason


def _read_reason_as_someone_else(path: Path) -> str:
    """`read(path)`'s one item's reason, read by a forked child running as `nobody`."""
    import pwd

    nobody = pwd.getpwnam("nobody")
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # the child: drop privileges for good, read, report, exit without any cleanup
        try:
            os.close(reader)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            [item] = read(path)
            os.write(writer, (getattr(item, "reason", None) or "read it: " + type(item).__name__).encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as answer:
        reason = answer.read().decode()
    os.waitpid(child, 0)
    return reason


# --- paths ----------------------------------------------------------------------------------------


def test_directory_and_glob_expand_sorted(tmp_path: Path) -> None:
    for name in ("b/2.txt", "a/1.txt", "a/sub/3.txt.gz", "c.csv", "a/notes.md", ".hidden/4.txt", "a/.5.txt"):
        write(tmp_path / name, "x")
    expanded = expand_paths([str(tmp_path)])
    assert isinstance(expanded, ExpandedPaths) and isinstance(expanded, list)
    assert expanded == [
        tmp_path / "a/1.txt", tmp_path / "a/sub/3.txt.gz", tmp_path / "b/2.txt", tmp_path / "c.csv",
    ]
    assert expanded.problems == []
    by_glob = expand_paths([f"{tmp_path}/**/*.txt", str(tmp_path / "b" / "2.txt"), str(tmp_path / "b")])
    assert by_glob == [tmp_path / "a/1.txt", tmp_path / "b/2.txt"]  # sorted, each file once
    files = expand_paths([f"{tmp_path}/*/[12].txt"])
    assert files == [tmp_path / "a/1.txt", tmp_path / "b/2.txt"]
    missing = expand_paths([str(tmp_path / "missing"), f"{tmp_path}/*.pdf"])
    assert missing == []
    assert [(p.source, "exist" in p.reason or "matched no files" in p.reason) for p in missing.problems] == [
        (str(tmp_path / "missing"), True), (f"{tmp_path}/*.pdf", True),
    ]


def test_single_path_string_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path / "x.txt", LAYOUT)
    [cable] = only_cables(list(iter_inputs(str(path))))
    assert cable.reference_id == "09VALMORA500"


def test_count_inputs(tmp_path: Path) -> None:
    write(tmp_path / "d/1.txt", LAYOUT)
    write(tmp_path / "d/2.txt", BARE)
    write(tmp_path / "d/3.txt.gz", gzip.compress(LAYOUT.encode()))
    assert count_inputs([str(tmp_path / "d"), str(tmp_path / "missing.txt")]) == 4
    assert count_inputs([str(tmp_path / "d")], format="bare") == 3
    assert count_inputs([str(tmp_path / "d")], format="csv") is None
    write(tmp_path / "d/rows.txt.gz", gzip.compress(FICTIONAL_CSV.read_bytes()))  # csv by content
    assert count_inputs([str(tmp_path / "d")]) is None


# --- format override ------------------------------------------------------------------------------


def test_format_override(tmp_path: Path) -> None:
    layout = write(tmp_path / "layout.txt", LAYOUT)
    bare = write(tmp_path / "bare.txt", BARE)

    [as_bare] = only_cables(read(layout, format="bare"))
    assert as_bare.format == "bare" and as_bare.reference_id is None
    assert as_bare.text.startswith("09VALMORA500\n\nWed Jan 06")

    [error] = read(bare, format="layout")  # starts with an empty line
    assert isinstance(error, CableParseError) and "line 1 (the reference id) is empty" in error.reason
    [error] = read(write(tmp_path / "bare2.txt", BARE.lstrip()), format="layout")
    assert isinstance(error, CableParseError) and "line 3 should be a date" in error.reason
    assert error.reference_id == "VZCZCXYZ0500"

    [csv_as_bare] = only_cables(read(FICTIONAL_CSV, format="bare"))
    assert csv_as_bare.format == "bare" and csv_as_bare.text.startswith('"1","9/10/2009 16:27"')

    [error] = read(layout, format="csv")
    assert isinstance(error, CableParseError)
    assert "belong to no row" in error.reason and "really a cables.csv" in error.reason
    assert error.source == f"{layout}#lines=1-18"

    renamed = write(tmp_path / "rows.txt", FICTIONAL_CSV.read_bytes())  # csv detected by content
    assert [c.format for c in only_cables(read(renamed))] == ["csv"] * 4

    with pytest.raises(ValueError, match="format must be one of"):
        iter_inputs([str(layout)], format="xml")


# --- csv escaping, property-based -----------------------------------------------------------------

_ALPHABET = st.sampled_from(list("AZ az09 ,.\"'\\\n|¶é\u201c\u201d"))
_CONTENT = st.text(_ALPHABET, min_size=1, max_size=60).map(str.strip).filter(bool)
_HEADER = "VZCZCXYZ0001\nDE RUEHVQ #0001"


def _addslashes(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'")


@settings(max_examples=150, deadline=None)
@given(content=_CONTENT)
def test_backslash_escaped_csv_round_trips(tmp_path_factory: pytest.TempPathFactory, content: str) -> None:
    fields = ["1", "9/10/2009 16:27", "09VALMORA1", "Embassy Valmora", "SECRET", "", _HEADER, content]
    line = ",".join(f'"{_addslashes(f)}"' for f in fields) + "\n"
    path = write(tmp_path_factory.mktemp("slash") / "rows.csv", line)
    [cable] = only_cables(read(path))
    assert cable.text == f"{_HEADER}\n{content}"


@settings(max_examples=150, deadline=None)
@given(content=_CONTENT, minimal=st.booleans())
def test_rfc4180_csv_round_trips(
    tmp_path_factory: pytest.TempPathFactory, content: str, minimal: bool
) -> None:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL if minimal else csv.QUOTE_ALL, lineterminator="\n")
    # the first row shows the file doubles its quotes; the second may hold any backslash and quote
    writer.writerow(["1", "9/10/2009 16:27", "09VALMORA1", "Embassy Valmora", "SECRET", "", _HEADER,
                     'he said "yes"'])
    writer.writerow(["2", "9/10/2009 16:28", "09VALMORA2", "Embassy Valmora", "SECRET", "", _HEADER, content])
    path = write(tmp_path_factory.mktemp("rfc") / "rows.csv", out.getvalue())
    first, second = only_cables(read(path))
    assert first.text == f'{_HEADER}\nhe said "yes"'
    assert second.text == f"{_HEADER}\n{content}"


# --- the real corpus ------------------------------------------------------------------------------


@pytest.mark.corpus
def test_whole_corpus_reads() -> None:
    env = os.environ.get("CABLEGRAPH_CORPUS")
    if not env:
        pytest.skip("CABLEGRAPH_CORPUS is not set")
    corpus = Path(env)
    if not corpus.is_dir():
        pytest.fail(f"CABLEGRAPH_CORPUS={env} is set but the folder is missing")
    layout_dir, bare_dir = corpus / "cables", corpus / "cables-pdf-text"
    if not layout_dir.is_dir() or not bare_dir.is_dir():
        pytest.fail(f"{corpus} lacks cables/ or cables-pdf-text/")

    assert count_inputs([str(layout_dir), str(bare_dir)]) == 6117 + 24
    items = read(layout_dir, bare_dir)
    cables = only_cables(items)
    formats = Counter(c.format for c in cables)
    assert formats == {"layout": 6117, "bare": 24}
    for cable in cables:
        stem = Path(cable.source).stem
        if cable.format == "layout":
            assert cable.reference_id == stem
            assert cable.file_date is not None and cable.classification and cable.origin
            assert Path(cable.source).parent == layout_dir
        else:
            assert Path(cable.source).parent == bare_dir
        assert cable.text and not cable.text.startswith("\n")
