"""Inputs -> a stream of raw cables: files, folders, globs, gzip, and the community ``cables.csv``.

This is the only module that touches the file system on the way in. Everything after it (the
parser, the RDF transform) works on :class:`RawCable` values and never has to know whether a
cable came from a seed-layout ``.txt`` file, a PDF text dump, or row 181,337 of a 1.7 GB csv.

Why a stream of *items* instead of exceptions: a corpus run over hundreds of thousands of cables
must not stop because one file is empty or one csv row has a stray quote. Every problem the
inputs can have becomes a :class:`~cablegraph.errors.CableParseError` *item* in the stream, with a
``source`` that names the file (and row) and a ``reason`` a person can act on; the pipeline writes
those to its quarantine report and goes on. Only programming errors (a bad ``format`` argument, a
bug) raise.

Formats (detected from the content, never from the file name alone; ``format=`` overrides):

``layout``
    The seed layout (alx/cablegate ``cablegate_to_txt.rb``): line 1 reference id, line 2 title
    (may be empty), line 3 a Ruby ``Time#to_s`` date, line 4 classification, line 5 origin, then
    the cable text. The date is taken as written (``Thu Sep 10 00:00:00 +0200 2009`` ->
    ``2009-09-10``), without time-zone conversion: the scraper wrote the *creation day* at local
    midnight, so converting to UTC would move every cable to the day before.
``bare``
    Raw cable text with no preamble (text extracted from PlusD PDFs).
``csv``
    The community ``cables.csv`` of the 2011 full release: 8 columns ``id, date, refid, origin,
    classification, references, header, content``, every field double-quoted, fields spanning
    many lines, no header row (a header row whose first field is ``id`` is skipped if present).
    Streamed row by row; a 1.7 GB file is never held in memory.

Any of these may be gzip-compressed; gzip is recognised by its magic bytes, not by ``.gz``.

Text normalisation, the same for all formats so the parser sees one shape: bytes are decoded as
UTF-8 (a UTF-8 BOM is dropped); if that fails, cp1252, then latin-1 (which cannot fail), and the
encoding used is recorded on the item. CRLF and lone CR become LF. Leading blank lines and trailing
whitespace of the cable text are removed (the PDF text files start with an empty line; the seed
layout files have none), so ``text`` starts with the first header line, e.g. ``VZCZC...``.
Nothing inside the text is changed: a cable whose text (anywhere, not only in the first bytes) holds a
character XML 1.0 forbids (NUL, other C0 controls but tab/LF/CR, U+FFFE/U+FFFF, lone surrogates)
becomes an error item naming its line and byte, since published it would break SPARQL XML results.
Only regular files are opened: a FIFO, socket or device (which could block a run forever) is an error
item too.

csv escaping decision
---------------------
The real ``cables.csv`` was written with backslash escapes (PHP ``addslashes`` style: the people who
loaded it into MySQL used ``ESCAPED BY '\\\\'`` and Ruby scripts rewrite its ``\\"`` and ``\\'``
before parsing), while RFC 4180 writers (pandas, Python's csv, spreadsheets) double quotes (``""``).
Both are accepted, in the same file and even in the same field:

* ``""`` inside a quoted field is one ``"``;
* ``\\"``, ``\\'`` and ``\\\\`` are one ``"``, ``'`` and ``\\``;
* a backslash before **any other** character is kept as a real backslash. Cable texts do hold
  backslashes: 63 corpus cables end lines with ``\\`` (a MySQL dump quoted inside the page) and
  09STATE15113 contains ``World\\'s``; dropping them silently would change the text.

Left ambiguous by the format itself: in a file written *without* backslash escaping, a ``\\`` right
before a quote (a line ending in ``\\`` that ends a field writes ``...\\"``) would read as an escaped
quote. So each file is watched for proof of its style: ``\\"`` followed by a character that cannot
follow a closing quote proves backslash escaping (and wins for good: mixed files are read with both);
``""`` inside a field after a character no backslash writer puts there (``x""``) proves RFC 4180, and
from then on, while no backslash proof has been seen, backslashes are plain text. Until either proof
turns up the real file's style is assumed. Written out from the 6,117 corpus cables, the backslash
style, RFC 4180 with all fields quoted and RFC 4180 with minimal quoting all read back identical.

Rows are framed before they are parsed: a row starts at a line beginning with its id and date
(``"1","12/28/1966 18:48",`` or unquoted ``1,12/28/1966 18:48,``) and ends at the first line end
where its quotes are balanced. That is what lets a malformed row become one error item: if a row
fails, it is cut at the first line inside it that looks like a row start, and reading resumes there
instead of everything after it being out of phase. A row that parses is never cut, which matters:
55 partial-extract cables in the corpus quote csv rows (``12055,11/12/2003 16:26,03THEHAGUE2835,...``)
inside their own text.
"""

from __future__ import annotations

import csv
import datetime as dt
import glob
import gzip
import io
import os
import re
import stat
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cablegraph.errors import CableParseError

__all__ = [
    "FORMATS",
    "ExpandedPaths",
    "RawCable",
    "count_inputs",
    "expand_paths",
    "iter_inputs",
]

#: Values the ``format`` argument accepts.
FORMATS = ("auto", "layout", "bare", "csv")

#: Suffixes picked up when walking a directory (files named explicitly or matched by a glob are
#: read whatever their suffix: the user chose them).
DIR_SUFFIXES = (".txt", ".csv", ".gz")

#: The csv columns, in order, of the real ``cables.csv``.
CSV_COLUMNS = ("id", "date", "refid", "origin", "classification", "references", "header", "content")

_SNIFF_BYTES = 64 * 1024
#: A single-cable file larger than this is refused: the largest cables are a few hundred KB, so a
#: bigger "cable" is almost surely a csv or an archive read with the wrong format.
_MAX_TEXT_BYTES = 64 * 1024 * 1024
#: A csv row larger than this is taken to be a quote that never closes; it is skipped up to the next
#: row start instead of buffering the rest of a 1.7 GB file.
_MAX_ROW_BYTES = 32 * 1024 * 1024

_UTF8_BOM = b"\xef\xbb\xbf"
#: A head with at least one NUL byte in this many is binary or UTF-16 (ASCII in UTF-16 is half NULs).
_BINARY_NUL_SHARE = 16
_GZIP_MAGIC = b"\x1f\x8b"
#: Other containers people are likely to pass by mistake, with what to do about them.
_FOREIGN_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive: extract it first (the full release is cablegate-*.7z: `7z x`)"),
    (b"PK\x03\x04", "a zip archive: unzip it first"),
    (b"BZh", "a bzip2 file: decompress it with `bunzip2` (or recompress with gzip)"),
    (b"\xfd7zXZ\x00", "an xz file: decompress it with `unxz` (or recompress with gzip)"),
    (b"%PDF", "a PDF: extract its text first (e.g. `pdftotext -layout`)"),
)

# --- patterns -------------------------------------------------------------------------------------

#: A reference id alone on line 1: two digits (the year), letters somewhere, no spaces. Loose on
#: purpose: malformed ids such as ``7575LIBREVILLE1895`` are real and must still be detected.
_REF_ID_RE = re.compile(r"\d{2}[A-Za-z0-9_.\-]*[A-Za-z][A-Za-z0-9_.\-]*")
_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}
#: Ruby 1.8 ``Time#to_s`` (what alx/cablegate wrote): ``Thu Sep 10 00:00:00 +0200 2009``.
_RUBY18_DATE_RE = re.compile(
    r"(?:[A-Z][a-z]{2} )?(?P<mon>[A-Z][a-z]{2}) +(?P<day>\d{1,2}) \d{2}:\d{2}:\d{2} "
    r"(?:[+-]\d{4}|[A-Z]{3,5}) (?P<year>\d{4})"
)
#: Ruby 1.9+ ``Time#to_s``: ``2009-09-10 00:00:00 +0200`` (same scraper run with a newer Ruby).
_RUBY19_DATE_RE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2}) \d{2}:\d{2}:\d{2} (?:[+-]\d{4}|UTC)"
)

_CSV_DATETIME = r"(?:\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})[ T]\d{1,2}:\d{2}(?::\d{2})?"
#: The start of a csv row: the id and the date, quoted or not.
_CSV_ROW_START = rf'"?\d+"?,"?{_CSV_DATETIME}"?,'
_CSV_ROW_START_RE = re.compile(_CSV_ROW_START)
_CSV_ROW_START_BRE = re.compile(_CSV_ROW_START.encode("ascii"))
#: Row starts of a file whose first row quotes its id (the community cables.csv quotes every field), and
#: of one whose first row does not (minimal quoting). Cable texts quote csv rows with a bare id
#: (``12055,11/12/2003 16:26,...``): in a file that quotes ids those are text, never a row start.
_CSV_QUOTED_ROW_START_BRE = re.compile(rf'"\d+","?{_CSV_DATETIME}"?,'.encode("ascii"))
_CSV_BARE_ROW_START_BRE = re.compile(rf'\d+,"?{_CSV_DATETIME}"?,'.encode("ascii"))
#: A row start with a stray quote in it (``""2","1/12/2010 9:00",``, ``"2","1"/12/2010``): a broken row of
#: its own, not the rest of the row before it. In a file that quotes ids, the id must show a quote (a
#: bare ``12055,11/12/2003`` there is a row quoted inside a cable text).
_CSV_DAMAGED_QUOTED_ROW_START_BRE = re.compile(rb'(?:"+\d+"*|\d+"+),"{0,3}\d')
_CSV_DAMAGED_BARE_ROW_START_BRE = re.compile(rb'"{0,3}\d+"{0,3},"{0,3}\d')
_CSV_HEADER = r'[ \t]*"?id"?[ \t]*,[ \t]*"?date"?[ \t]*,'
_CSV_HEADER_RE = re.compile(_CSV_HEADER, re.IGNORECASE)
_CSV_HEADER_BRE = re.compile(_CSV_HEADER.encode("ascii"), re.IGNORECASE)
_CSV_DATE_US_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?")
_CSV_DATE_ISO_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?")

#: A backslash and what follows it (the next byte, or nothing at the very end of the data).
_BACKSLASH_RE = re.compile(rb"\\(.|$)", re.DOTALL)
#: An escape pair: a backslash and the byte after it (for counting the quotes that really quote).
_ESCAPE_PAIR_RE = re.compile(rb"\\.", re.DOTALL)
#: Proof a file uses backslash escapes: ``\"`` followed by something that cannot follow a closing
#: quote (in RFC 4180 that would be a syntax error). ``\'`` is no proof: real cable texts contain it
#: (09STATE15113 has ``World\'s`` on the WikiLeaks page itself).
_BACKSLASH_STYLE_RE = re.compile(rb"\\\"[^,\"\r\n]")
#: Proof a file doubles quotes: ``""`` right after a character a backslash writer would never put
#: there (an empty field ``,"",`` starts after a comma; ``\""`` is an escaped quote then a quote).
_RFC_STYLE_RE = re.compile(rb'[^,\\\n]""')
#: Characters XML 1.0 does not allow anywhere in a document: C0 controls other than tab, LF and CR,
#: lone surrogates, and U+FFFE/U+FFFF. (C1 controls and other noncharacters are allowed, if discouraged.)
_XML_FORBIDDEN_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORBIDDEN_WHY = (
    "a character XML 1.0 forbids: published, it would make SPARQL XML results ill-formed, and it is not "
    "dropped silently; the file is damaged or binary (remove the character, or convert the file to UTF-8)"
)
_LEADING_BLANK_LINES_RE = re.compile(r"\A(?:[ \t\f\v]*\n)+")
_GLOB_MAGIC_RE = re.compile(r"[*?[]")


class _CablesCsv(csv.Dialect):
    """Both quote escapes at once: ``""`` (doublequote) and backslash (escapechar).

    ``strict`` makes the reader reject ``"abc"def`` instead of silently gluing it into a field, so
    a broken row is reported rather than turned into wrong text.
    """

    delimiter = ","
    quotechar = '"'
    escapechar = "\\"
    doublequote = True
    skipinitialspace = False
    lineterminator = "\n"
    quoting = csv.QUOTE_MINIMAL
    strict = True


class _RfcCsv(_CablesCsv):
    """RFC 4180 only: ``""`` is a quote and a backslash is just a backslash."""

    escapechar = None


# --- the item -------------------------------------------------------------------------------------


@dataclass(slots=True)
class RawCable:
    """One cable as read from the inputs, before any parsing of the cable text itself.

    The metadata fields carry what the *container* says about the cable (the layout preamble, the
    csv columns), kept apart from ``text`` so the parser can compare the two: where they disagree
    (an origin on the page that is not the FM line, a classification banner that differs) that is
    worth knowing, and it cannot be seen once they are merged.
    """

    source: str
    """Where it came from: the path as named, or ``path#row=12`` for a csv row (1-based data row)."""
    format: str
    """``layout`` | ``bare`` | ``csv``."""
    text: str
    """The raw cable text: header then body (layout: lines 6+; csv: ``header + "\\n" + content``)."""
    reference_id: str | None = None
    """From the layout preamble or the csv ``refid`` column, as written (may be malformed)."""
    title: str | None = None
    """Layout line 2 when it is not empty (alx/cablegate's own files put the subject there)."""
    file_date: str | None = None
    """ISO date: layout line 3 as written (no time-zone conversion), or the csv date's day."""
    created: str | None = None
    """csv only: the date column as an ISO date-time, e.g. ``1966-12-28T18:48``."""
    classification: str | None = None
    origin: str | None = None
    csv_references: list[str] | None = None
    """csv only: the ``|``-separated references column split into ids ([] when empty)."""
    encoding: str = "utf-8"
    """The encoding the bytes were decoded with: ``utf-8``, ``cp1252`` or ``latin-1``."""


# --- expanding user inputs ------------------------------------------------------------------------


class ExpandedPaths(list[Path]):
    """The files to read (a plain ``list[Path]``), plus the inputs that named nothing readable.

    A list subclass so callers that only want the files use it as a list, while ``problems`` keeps
    the missing paths and empty globs as error items: :func:`iter_inputs` puts those in the stream,
    and a CLI can show them before starting a long run. Nothing is raised, so one mistyped path does
    not cancel a run over everything else.
    """

    __slots__ = ("problems",)

    def __init__(self, files: Iterable[Path] = (), problems: Iterable[CableParseError] = ()) -> None:
        super().__init__(files)
        self.problems: list[CableParseError] = list(problems)


def expand_paths(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str]) -> ExpandedPaths:
    """Files, directories (recursive) and glob patterns -> sorted unique files.

    Directories are walked recursively for ``*.txt``, ``*.csv`` and ``*.gz`` (hidden files and
    directories, names starting with ``.``, are skipped; symlinked directories are not followed, so
    a link loop cannot hang a run). A name that exists is taken literally even if it contains glob
    characters; otherwise a name with ``*``, ``?`` or ``[`` is expanded with :func:`glob.glob`
    (``**`` is recursive). The result is sorted by path and deduplicated by the real path, so the
    same file named twice (or via two globs) is read once and runs are reproducible.

    A path that does not exist, a glob that matches nothing, or a directory that cannot be listed
    goes to ``.problems`` as a :class:`CableParseError` instead of raising.
    """
    found: dict[str, Path] = {}
    problems: list[CableParseError] = []

    def add(path: Path) -> None:
        try:
            key = os.path.realpath(path)
        except (OSError, ValueError):
            key = os.path.abspath(path)
        found.setdefault(key, path)

    for item in _as_path_list(paths):
        name = os.fspath(item)
        try:
            _expand_one(name, add, problems)
        except OSError as exc:  # e.g. a path inside a directory we may not enter
            problems.append(CableParseError(f"cannot access path: {exc.strerror or exc}", source=name))
    return ExpandedPaths(sorted(found.values(), key=str), problems)


def _expand_one(name: str, add: Callable[[Path], None], problems: list[CableParseError]) -> None:
    """One user input -> files passed to ``add``, or a problem; see :func:`expand_paths`."""
    path = Path(name).expanduser()
    if not name.strip():
        problems.append(CableParseError("an empty string was given as a path", source=repr(name)))
    elif path.is_dir():
        for file in _walk(path, problems):
            add(file)
    elif path.exists():
        add(path)
    elif _GLOB_MAGIC_RE.search(name):
        matches = sorted(glob.glob(os.path.expanduser(name), recursive=True))
        if not matches:
            problems.append(CableParseError("glob pattern matched no files", source=name))
        for match in matches:
            mpath = Path(match)
            if mpath.is_dir():
                for file in _walk(mpath, problems):
                    add(file)
            elif mpath.exists():
                add(mpath)
    elif path.is_symlink():
        problems.append(CableParseError("path is a broken symbolic link", source=name))
    else:
        problems.append(CableParseError(
            "path does not exist: check the spelling and the working directory", source=name
        ))


def _as_path_list(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
) -> list[str | os.PathLike[str]]:
    """Accept one path as well as many: ``iter_inputs("x.txt")`` would otherwise read 5 one-letter paths."""
    if isinstance(paths, str | os.PathLike):
        return [paths]
    return list(paths)


def _walk(top: Path, problems: list[CableParseError]) -> Iterator[Path]:
    def onerror(exc: OSError) -> None:
        problems.append(CableParseError(f"cannot list directory: {exc.strerror or exc}",
                                        source=str(exc.filename or top)))

    for dirpath, dirnames, filenames in os.walk(top, onerror=onerror):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in sorted(filenames):
            if not filename.startswith(".") and filename.lower().endswith(DIR_SUFFIXES):
                yield Path(dirpath) / filename


# --- public entry points --------------------------------------------------------------------------


def iter_inputs(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str], format: str = "auto"
) -> Iterator[RawCable | CableParseError]:
    """Stream every cable found in ``paths``, with every problem as an error item in between.

    The inputs are expanded with :func:`expand_paths`; its problems (missing paths, empty globs)
    come first, then the files in sorted order. A layout or bare file gives exactly one item; a
    csv file gives one item per row (and one per stretch of lines that belong to no row). Nothing
    is raised for bad input, so a caller can count, quarantine and continue.

    ``format`` is ``"auto"`` (detect per file from its first lines) or forces ``"layout"``,
    ``"bare"`` or ``"csv"`` for every file. An unknown value raises :class:`ValueError` at once
    (it is a programming error, not a data problem).
    """
    _check_format(format)
    expanded = expand_paths(paths)
    return _iter_expanded(expanded, format)


def count_inputs(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str], format: str = "auto"
) -> int | None:
    """How many items :func:`iter_inputs` will yield, or ``None`` when that is unknown.

    Cheap enough for a progress bar: it looks at the first bytes of each file only. Layout and
    bare files give one item each (problems included); a csv file's row count is unknown without
    reading the whole file, so any csv input makes the answer ``None``.
    """
    _check_format(format)
    if format == "csv":
        return None
    expanded = expand_paths(paths)
    if format == "auto":
        for path in expanded:
            if _sniff_is_csv(path):
                return None
    return len(expanded) + len(expanded.problems)


def _check_format(format: str) -> None:
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")


def _iter_expanded(expanded: ExpandedPaths, format: str) -> Iterator[RawCable | CableParseError]:
    yield from expanded.problems
    for path in expanded:
        yield from _iter_file(path, format)


# --- one file -------------------------------------------------------------------------------------


class NotRegularFileError(OSError):
    """The path is a FIFO, socket or device: reading it could block forever or never end."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(f"not a regular file ({kind})")
        self.kind = kind
        self.filename = str(path)


#: What ``st_mode`` says a non-regular file is, for the reason a person reads.
_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory"),
)


def _open_regular(path: Path) -> io.BufferedReader:
    """Open ``path`` for reading bytes only if it is a regular file; raise NotRegularFileError otherwise.

    Why not ``open`` then check: opening a FIFO for reading blocks until a writer turns up, so a FIFO
    named ``x.txt`` in an input folder would hang the run before any check ran. ``O_NONBLOCK`` makes the
    open return at once; the kind is then read from the open descriptor (no race with a file swapped
    in between), and a regular file is switched back to blocking reads.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a file")
            raise NotRegularFileError(path, kind)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


@contextmanager
def _open_binary(path: Path) -> Iterator[io.BufferedIOBase]:
    """Open ``path`` for reading bytes, transparently gunzipping when the magic bytes say gzip.

    Only regular files are opened (:func:`_open_regular`): anything else raises NotRegularFileError.
    """
    with _open_regular(path) as raw:
        magic = raw.read(2)
        raw.seek(0)
        if magic == _GZIP_MAGIC:
            with gzip.GzipFile(fileobj=raw, mode="rb") as gz:
                yield gz
        else:
            yield raw


def _sniff_is_csv(path: Path) -> bool:
    """Whether ``path`` would be read as csv in auto mode (unreadable files count as not csv)."""
    try:
        with _open_binary(path) as stream:
            head = stream.readline(_SNIFF_BYTES)
    except (OSError, EOFError, zlib.error):
        return False
    return _looks_like_csv(_strip_bom(head).decode("utf-8", "replace"))


def _iter_file(path: Path, format: str) -> Iterator[RawCable | CableParseError]:
    source = str(path)
    try:
        with _open_binary(path) as stream:
            head, head_error = _read_head(stream)
            if head_error is not None and not head:
                raise head_error
            gz = isinstance(stream, gzip.GzipFile)
            problem = _check_head(head, source, gz)
            if problem is not None:
                yield problem
                return
            head_text = _normalise_newlines(_strip_bom(head).decode("utf-8", "replace"))
            fmt = format if format != "auto" else _detect_format(head_text)
            if format == "auto" and fmt != "csv" and _is_csv_name(path):
                yield CableParseError(
                    "file is named .csv but its first line is neither a cables.csv row "
                    '("1","12/28/1966 18:48",...) nor its header; pass format="csv" to read it anyway',
                    source=source,
                )
                return
            if fmt == "csv":
                yield from _iter_csv(_chain_lines(head, stream, head_error), source)
                return
            if head_error is not None:
                raise head_error
            data = head + stream.read(_MAX_TEXT_BYTES + 1 - len(head))
    except _READ_ERRORS as exc:
        yield _read_error(exc, source)
        return
    if len(data) > _MAX_TEXT_BYTES:
        yield CableParseError(
            f"file is larger than {_MAX_TEXT_BYTES // 2**20} MB, too big to be one cable; "
            'if it is a cables.csv, pass format="csv"',
            source=source,
        )
        return
    text, encoding = _decode(data)
    forbidden = _forbidden_character(text, encoding, data.startswith(_UTF8_BOM))
    if forbidden is not None:
        yield CableParseError(f"the text {forbidden}", source=source)
        return
    text = _normalise_newlines(text)
    if fmt == "layout":
        yield _parse_layout(text, source, encoding)
    else:
        yield _make_bare(text, source, encoding)


def _check_head(head: bytes, source: str, gz: bool) -> CableParseError | None:
    """Refuse empty and binary files early, with a reason that says what they are.

    Only NULs dense enough to mean "binary or UTF-16" (a UTF-16 BOM, or at least one byte in
    ``_BINARY_NUL_SHARE``) refuse the whole file here. A few stray NULs are left to the check of each
    cable's whole text (:func:`_forbidden_character`), which names their line, and in a csv refuses
    only the rows that hold them.
    """
    if not head:
        what = "gzip stream decompresses to nothing" if gz else "file is empty"
        return CableParseError(what, source=source)
    for magic, what in _FOREIGN_MAGIC:
        if head.startswith(magic):
            return CableParseError(f"file is {what}", source=source)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head.count(b"\x00") * _BINARY_NUL_SHARE >= len(head):
        return CableParseError(
            "file contains NUL bytes: it is binary, or UTF-16 text (convert it to UTF-8)", source=source
        )
    if not head.strip():
        return CableParseError("file holds only whitespace", source=source)
    return None


def _forbidden_character(text: str, encoding: str, bom: bool) -> str | None:
    """Where ``text`` holds a character XML 1.0 forbids, as words ("holds NUL ... at line 3, ..."), or None.

    Why the whole text and not only the head: published, such a character makes Oxigraph's SPARQL XML
    results ill-formed, wherever it sits. Why refuse rather than drop it: nothing inside a cable text
    is ever changed silently (module docstring). The offset is the byte in the (decompressed) file.
    """
    found = _XML_FORBIDDEN_RE.search(text)
    if found is None:
        return None
    before = text[: found.start()]
    line_start = max(before.rfind("\n"), before.rfind("\r")) + 1
    line = _normalise_newlines(before).count("\n") + 1
    offset = len(before.encode(encoding, "surrogatepass")) + (len(_UTF8_BOM) if bom else 0)
    return (f"holds {_describe_character(found.group())} at line {line}, column {found.start() - line_start + 1} "
            f"(byte {offset:,} of the file), {_FORBIDDEN_WHY}")


def _describe_character(char: str) -> str:
    """``NUL (U+0000)``, ``a control character (U+001B)``, ``a noncharacter (U+FFFE)``, ..."""
    code = ord(char)
    if code == 0:
        kind = "NUL"
    elif code < 0x20:
        kind = "a control character"
    elif 0xD800 <= code <= 0xDFFF:
        kind = "a lone surrogate"
    else:
        kind = "a noncharacter"
    return f"{kind} (U+{code:04X})"


def _is_csv_name(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith((".csv", ".csv.gz"))


_READ_ERRORS = (OSError, EOFError, zlib.error)


def _read_error(exc: BaseException, source: str, where: str = "") -> CableParseError:
    """Turn an I/O or decompression failure into a reason that says what to do."""
    at = f" {where}" if where else ""
    if isinstance(exc, NotRegularFileError):
        reason = (f"not a regular file ({exc.kind}): only regular files are read, since reading {exc.kind} "
                  "could block the run forever or never end; pass the file it stands for instead")
    elif isinstance(exc, EOFError):
        reason = (f"gzip stream is truncated{at}: the file ends before the compressed data does; "
                  "re-download it")
    elif isinstance(exc, gzip.BadGzipFile | zlib.error):
        reason = f"gzip stream is corrupt{at} ({exc}): re-download the file"
    elif isinstance(exc, PermissionError):
        reason = "cannot read the file: permission denied (check its permissions)"
    elif isinstance(exc, FileNotFoundError):
        reason = "file disappeared before it could be read"
    elif isinstance(exc, IsADirectoryError):
        reason = "path is a directory, not a file"
    elif isinstance(exc, OSError):
        reason = f"cannot read the file{at}: {exc.strerror or exc}"
    else:  # pragma: no cover - _READ_ERRORS lists every type handled above
        reason = f"cannot read the file{at}: {exc}"
    return CableParseError(reason, source=source)


def _detect_format(head_text: str) -> str:
    """``csv`` | ``layout`` | ``bare`` from the first lines (already BOM-stripped, LF-only).

    Layout needs a reference-id-like line 1 *and* a date: on line 3 as specified, or on line 2 (the
    title line went missing), or a file that stops before line 3. The last two are still read as
    layout so the layout reader can say what is wrong with the preamble instead of the preamble
    silently becoming part of a "bare" cable text.
    """
    lines = head_text.rstrip().split("\n", 3)
    first = lines[0]
    if _looks_like_csv(first):
        return "csv"
    id_like = len(first.strip()) <= 64 and _REF_ID_RE.fullmatch(first.strip())
    dated = len(lines) < 3 or _parse_ruby_date(lines[2].strip()) or _parse_ruby_date(lines[1].strip())
    return "layout" if id_like and dated else "bare"


def _looks_like_csv(first_line: str) -> bool:
    return bool(
        _CSV_HEADER_RE.match(first_line)
        or _CSV_ROW_START_RE.match(first_line)
        or (first_line.startswith('"') and first_line.count('","') >= len(CSV_COLUMNS) - 1)
    )


def _strip_bom(data: bytes) -> bytes:
    return data[len(_UTF8_BOM):] if data.startswith(_UTF8_BOM) else data


def _decode(data: bytes) -> tuple[str, str]:
    """UTF-8, else cp1252 (Windows-made files), else latin-1 (never fails); returns (text, encoding)."""
    data = _strip_bom(data)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _normalise_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _trim_text(text: str) -> str:
    """Drop leading blank lines and trailing whitespace; keep the first line's indentation."""
    return _LEADING_BLANK_LINES_RE.sub("", text).rstrip()


def _parse_ruby_date(value: str) -> str | None:
    """``Thu Sep 10 00:00:00 +0200 2009`` (or Ruby 1.9's ``2009-09-10 00:00:00 +0200``) -> ISO date.

    The calendar date is taken as written; the time and offset are ignored on purpose (see the
    module docstring). Returns None when it is not such a date or not a real calendar day.
    """
    m = _RUBY18_DATE_RE.fullmatch(value)
    if m:
        month = _MONTHS.get(m["mon"])
        if month is None:
            return None
        year, day = int(m["year"]), int(m["day"])
    else:
        m = _RUBY19_DATE_RE.fullmatch(value)
        if not m:
            return None
        year, month, day = int(m["year"]), int(m["month"]), int(m["day"])
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _parse_layout(text: str, source: str, encoding: str) -> RawCable | CableParseError:
    lines = text.rstrip().split("\n")
    reference_id = lines[0].strip() or None
    if not reference_id:
        return CableParseError(
            'layout line 1 (the reference id) is empty; if the file has no preamble, pass format="bare"',
            source=source,
        )
    if len(lines) < 5:
        return CableParseError(
            f"layout preamble is cut short: the file ends after line {len(lines)} of the 5 preamble lines "
            "(reference id, title, date, classification, origin) and has no cable text; the file is "
            "incomplete, fetch or convert it again",
            source=source,
            reference_id=reference_id,
        )
    file_date = _parse_ruby_date(lines[2].strip())
    if file_date is None:
        if _parse_ruby_date(lines[1].strip()):
            reason = ("layout preamble is cut short: the date is on line 2, not line 3 "
                      "(the title line is missing; it must be there even when empty)")
        else:
            reason = (f"layout line 3 should be a date like 'Thu Sep 10 00:00:00 +0200 2009', found "
                      f"{lines[2].strip()[:80]!r}; if the file has no preamble, pass format=\"bare\"")
        return CableParseError(reason, source=source, reference_id=reference_id)
    body = _trim_text("\n".join(lines[5:]))
    if not body:
        return CableParseError(
            "layout file has its 5-line preamble but no cable text after it", source=source,
            reference_id=reference_id,
        )
    return RawCable(
        source=source,
        format="layout",
        text=body,
        reference_id=reference_id,
        title=lines[1].strip() or None,
        file_date=file_date,
        classification=lines[3].strip() or None,
        origin=lines[4].strip() or None,
        encoding=encoding,
    )


def _make_bare(text: str, source: str, encoding: str) -> RawCable | CableParseError:
    body = _trim_text(text)
    if not body:
        return CableParseError("file holds only whitespace", source=source)
    return RawCable(source=source, format="bare", text=body, encoding=encoding)


# --- csv ------------------------------------------------------------------------------------------


def _read_head(stream: io.BufferedIOBase) -> tuple[bytes, BaseException | None]:
    """Up to ``_SNIFF_BYTES`` for format detection, plus the read error that cut it short, if any.

    Read in pieces so that a gzip stream truncated early still gives the bytes before the cut:
    the csv rows in them are delivered before the error item, as for a cut further on.
    """
    chunks: list[bytes] = []
    size = 0
    try:
        while size < _SNIFF_BYTES:
            # read1: one raw read at most, so bytes read before a failing read are not lost
            chunk = stream.read1(min(8192, _SNIFF_BYTES - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except _READ_ERRORS as exc:
        return b"".join(chunks), exc
    return b"".join(chunks), None


def _chain_lines(
    head: bytes, stream: io.BufferedIOBase, error: BaseException | None = None
) -> Iterator[bytes]:
    """The lines of ``head`` followed by the rest of ``stream``, as if it had never been peeked at.

    ``error`` is what cut ``head`` short: it is raised after the head's complete lines (the partial
    last line is dropped, as a read error drops it further on), so the csv reader reports it.
    """
    start = 0
    while True:
        end = head.find(b"\n", start)
        if end < 0:
            break
        yield head[start:end + 1]
        start = end + 1
    if error is not None:
        raise error
    tail = head[start:]
    if tail:
        yield tail + stream.readline()
    yield from stream


def _protect_backslashes(line: bytes) -> bytes:
    """Make the csv module's escapechar do what the module docstring promises.

    The csv module turns a backslash followed by *any* character into that character. Only
    ``\\"``, ``\\'`` and ``\\\\`` are escapes here, so every other backslash is doubled first and
    comes out of the reader as the single backslash that was in the text.
    """
    if b"\\" not in line:
        return line
    return _BACKSLASH_RE.sub(_keep_or_double, line)


def _keep_or_double(m: re.Match[bytes]) -> bytes:
    nxt = m.group(1)
    return m.group(0) if nxt in (b'"', b"'", b"\\") else b"\\\\" + nxt


def _unescaped_quotes(line: bytes) -> int:
    if b"\\" in line:
        line = _ESCAPE_PAIR_RE.sub(b"", line)
    return line.count(b'"')


def _raise_field_size_limit() -> None:
    # Cable bodies run to hundreds of KB; the csv module's default limit is 128 KB.
    if csv.field_size_limit() < 2 * _MAX_ROW_BYTES:
        csv.field_size_limit(2 * _MAX_ROW_BYTES)


def _iter_csv(lines: Iterator[bytes], source: str) -> Iterator[RawCable | CableParseError]:
    """Frame rows (see the module docstring), parse each on its own, keep going past bad ones."""
    _raise_field_size_limit()
    return _CsvFramer(source).run(lines)


class _CsvFramer:
    """Cuts a stream of csv lines into rows and turns each into an item.

    A row is open from a row-start line until its quotes balance at a line end. A line inside an
    open row that looks like a row start is only *remembered*: cable texts do contain such lines
    (55 partial-extract cables in the corpus quote a csv row like ``12055,11/12/2003 16:26,03THE
    HAGUE2835,...`` in their body). Only if the row then fails (does not parse, grows too large, or
    runs into the end of the file) is it cut at the first remembered line: the part before becomes
    an "unterminated quote" error and the lines from there on are read again as new rows.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.row = 0  # data rows started so far; sources number them from 1
        self.buf: list[bytes] = []
        self.buf_size = 0
        self.buf_first_line = 0
        self.open_quotes = 0  # unescaped quotes in buf, mod 2
        self.candidates: list[int] = []  # indexes in buf of lines that look like a row start
        self.pending: deque[tuple[int, bytes]] = deque()  # lines to read again after a cut
        self.junk_first = 0  # first line of a stretch that belongs to no row (0: none)
        self.junk_last = 0
        self.skipping = False  # after an oversized row: drop lines up to the next row start
        self.seen_content = False
        self.items = 0
        #: Row starts as this file writes them, learnt from its first row (see _CSV_QUOTED_ROW_START_BRE).
        self.row_style: re.Pattern[bytes] | None = None
        #: The last parsed row, held back until the next row start shows nothing was left of it.
        self.held: tuple[RawCable, int] | None = None  # (the row, its last line)
        #: "backslash" | "rfc" once the file has shown which quote escaping it uses (None: not yet,
        #: read as backslash, the style of the real cables.csv). See :func:`_parse_csv_row`.
        self.style: str | None = None

    def run(self, lines: Iterator[bytes]) -> Iterator[RawCable | CableParseError]:
        it = iter(lines)
        line_no = 0
        exhausted = False
        while True:
            if self.pending:
                number, line = self.pending.popleft()
            elif not exhausted:
                try:
                    raw = next(it)
                except StopIteration:
                    exhausted = True
                    continue
                except _READ_ERRORS as exc:
                    where = f"after line {line_no}" + (f" (in row {self.row})" if self.buf else "")
                    yield from self._release()
                    yield _read_error(exc, self.source, where)
                    return
                line_no += 1
                number, line = line_no, _prepare_csv_line(raw, first=line_no == 1)
                self._learn_style(line)
            elif self.buf:
                if self.candidates:
                    yield self._cut()
                else:
                    yield self._unterminated("the end of the file (is the file truncated?)")
                    self._reset()
                continue
            else:
                break
            yield from self._feed(number, line)
        yield from self._release()
        if self.junk_first:
            yield self._junk_error()
        if self.items == 0:
            empty = "has a header row but no rows" if self.seen_content else "holds no rows"
            reason = f"csv file {empty}"
            yield CableParseError(reason, source=self.source)

    def _feed(self, number: int, line: bytes) -> Iterator[RawCable | CableParseError]:
        if self.buf:
            if _CSV_ROW_START_BRE.match(line):
                self.candidates.append(len(self.buf))
            self.buf.append(line)
            self.buf_size += len(line)
            self.open_quotes = (self.open_quotes + self._quotes(line)) % 2
        else:
            if not line.strip():
                return
            if not self.seen_content:
                self.seen_content = True
                if _CSV_HEADER_BRE.match(line):
                    return
            if not self._starts_row(line):
                if self.held is not None and not self._damaged_row_start(line):
                    yield self._left_over(number)
                    return
                yield from self._release()
                if not self.skipping:
                    self.junk_first = self.junk_first or number
                    self.junk_last = number
                return
            yield from self._release()
            self.skipping = False
            if self.junk_first:
                yield self._junk_error()
            if self.row_style is None:
                self.row_style = _CSV_QUOTED_ROW_START_BRE if line.startswith(b'"') else _CSV_BARE_ROW_START_BRE
            self.row += 1
            self.buf, self.buf_size, self.buf_first_line = [line], len(line), number
            self.open_quotes = self._quotes(line) % 2

        if not self.open_quotes:
            item = _parse_csv_row(
                b"".join(self.buf), self.source, self.row, self.buf_first_line, self.style != "rfc"
            )
            if isinstance(item, CableParseError) and self.candidates:
                yield self._cut()
            elif isinstance(item, CableParseError):
                # A stray quote can balance the row's quotes early: the lines left before the next
                # row start are the rest of this row, not a second problem to report.
                self.items += 1
                self._reset()
                self.skipping = True
                item.reason += "; lines after it up to the next row start are skipped with it"
                yield item
            else:
                self.items += 1
                self.held = (item, self.buf_first_line + len(self.buf) - 1)
                self._reset()
        elif self.buf_size > _MAX_ROW_BYTES:
            if self.candidates:
                yield self._cut()
            else:
                self.items += 1
                yield CableParseError(
                    f"row {self.row} (from line {self.buf_first_line}) grew past {_MAX_ROW_BYTES // 2**20} "
                    "MB without its quoted fields closing; skipped up to the next row start",
                    source=f"{self.source}#row={self.row}",
                )
                self._reset()
                self.skipping = True

    def _starts_row(self, line: bytes) -> bool:
        """Whether ``line`` opens a row. Inside a stretch of lines that belong to no row (a row whose start
        is damaged), only a start written the way this file writes them counts: a bare ``12055,11/12/2003
        16:26,...`` there is a row quoted inside that broken row's cable text, not the next row. Elsewhere
        any row start counts (files that mix both ways are read), and no line is ever dropped unreported.
        """
        if not _CSV_ROW_START_BRE.match(line):
            return False
        return not self.junk_first or self.row_style is None or bool(self.row_style.match(line))

    def _damaged_row_start(self, line: bytes) -> bool:
        quoted = self.row_style is _CSV_QUOTED_ROW_START_BRE
        return bool((_CSV_DAMAGED_QUOTED_ROW_START_BRE if quoted else _CSV_DAMAGED_BARE_ROW_START_BRE).match(line))

    def _release(self) -> Iterator[RawCable]:
        """Deliver the held row: the next row starts (or the file ends) right after it."""
        if self.held is not None:
            row, self.held = self.held[0], None
            yield row

    def _left_over(self, number: int) -> CableParseError:
        """The held row parsed, but a line that starts no row follows it: its quotes closed too early.

        That happens when a quote inside a field is not escaped and the row's quotes balance before
        its real end: the row "parses" with its text cut short, and its rest follows. One error for
        the row, and the rest is skipped with it (one malformed row, one item).
        """
        row, last = self.held  # type: ignore[misc]
        self.held = None
        self.skipping = True
        return CableParseError(
            f"row {row.source.rsplit('#row=', 1)[-1]}: its quoted fields close at line {last}, but line {number} "
            "after it starts no row: a quote inside the row is probably not escaped, so its text would be "
            "cut short; the row is skipped up to the next row start",
            source=row.source, reference_id=row.reference_id,
        )

    def _learn_style(self, line: bytes) -> None:
        """Settle the file's quote escaping on the first unambiguous evidence.

        Backslash evidence wins for good (a file that mixes both is read with both, which the
        backslash dialect does); ``""`` evidence switches to RFC 4180 only while nothing else was
        seen. When the switch changes how quotes count, the open row's quote parity is recounted.
        """
        if self.style == "backslash" or (b"\\" not in line and b'""' not in line):
            return
        before = self.style
        if b"\\" in line and _BACKSLASH_STYLE_RE.search(line):
            self.style = "backslash"
        elif self.style is None and _RFC_STYLE_RE.search(line):
            self.style = "rfc"
        if (before == "rfc") != (self.style == "rfc"):
            self.open_quotes = sum(self._quotes(b) for b in self.buf) % 2

    def _quotes(self, line: bytes) -> int:
        return line.count(b'"') if self.style == "rfc" else _unescaped_quotes(line)

    def _cut(self) -> CableParseError:
        """End the open row at its first row-start-like line; queue the rest to be read again."""
        cut = self.candidates[0]
        rest = self.buf[cut:]
        first = self.buf_first_line + cut
        error = self._unterminated(f"the next row starts (line {first})")
        self._reset()
        self.pending.extendleft(reversed([(first + i, line) for i, line in enumerate(rest)]))
        return error

    def _reset(self) -> None:
        self.buf, self.buf_size, self.open_quotes, self.candidates = [], 0, 0, []

    def _unterminated(self, end: str) -> CableParseError:
        self.items += 1
        return CableParseError(
            f"row {self.row} (from line {self.buf_first_line}): a quoted field is never closed before "
            f"{end}; the row is skipped",
            source=f"{self.source}#row={self.row}",
        )

    def _junk_error(self) -> CableParseError:
        first, last = self.junk_first, self.junk_last
        self.junk_first = 0
        self.items += 1
        span = f"line {first}" if first == last else f"lines {first}-{last}"
        hint = " (is this file really a cables.csv?)" if self.row == 0 else ""
        return CableParseError(
            f"{span} belong to no row: a row must start with its id and date, like "
            f'"1","12/28/1966 18:48",...{hint}',
            source=f"{self.source}#lines={first}-{last}",
        )


def _prepare_csv_line(line: bytes, first: bool) -> bytes:
    """BOM off the first line, CRLF -> LF."""
    if first:
        line = _strip_bom(line)
    if line.endswith(b"\r\n"):
        line = line[:-2] + b"\n"
    return line


def _parse_csv_row(
    data: bytes, source: str, row: int, first_line: int, backslash: bool = True
) -> RawCable | CableParseError:
    """One framed row -> a RawCable, or an error saying what is wrong with the row.

    ``backslash`` selects the escaping (module docstring): True reads ``\\"``, ``\\'``, ``\\\\``
    and ``""``; False reads RFC 4180 only, for files that showed ``""`` and never a backslash escape.
    """
    row_source = f"{source}#row={row}"
    where = f"row {row} (from line {first_line})"
    if backslash:
        data = _protect_backslashes(data)
    text, encoding = _decode(data)
    if (found := _XML_FORBIDDEN_RE.search(text)) is not None:
        line = first_line + _normalise_newlines(text[: found.start()]).count("\n")
        return CableParseError(
            f"{where}: holds {_describe_character(found.group())} on line {line} of the file, "
            f"{_FORBIDDEN_WHY}", source=row_source,
        )
    try:
        parsed = list(csv.reader([text], dialect=_CablesCsv if backslash else _RfcCsv))
    except csv.Error as exc:
        return CableParseError(
            f"{where}: broken quoting ({exc}); an inner quote is probably not escaped", source=row_source
        )
    if len(parsed) != 1 or len(parsed[0]) != len(CSV_COLUMNS):
        n = sum(len(r) for r in parsed)
        return CableParseError(
            f"{where}: has {n} fields, expected {len(CSV_COLUMNS)} ({', '.join(CSV_COLUMNS)})",
            source=row_source,
        )
    fields = [_normalise_newlines(f) for f in parsed[0]]
    _id, date, refid, origin, classification, references, header, content = fields
    reference_id = refid.strip() or None
    created = _parse_csv_date(date.strip())
    if created is None:
        return CableParseError(
            f"{where}: date {date.strip()[:40]!r} is not M/D/YYYY H:MM", source=row_source,
            reference_id=reference_id,
        )
    if reference_id is None:
        return CableParseError(f"{where}: the refid column is empty", source=row_source)
    header_text, content_text = _trim_text(header), _trim_text(content)
    cable_text = "\n".join(part for part in (header_text, content_text) if part)
    if not cable_text:
        return CableParseError(
            f"{where}: both header and content are empty", source=row_source, reference_id=reference_id
        )
    return RawCable(
        source=row_source,
        format="csv",
        text=cable_text,
        reference_id=reference_id,
        file_date=created[:10],
        created=created,
        classification=classification.strip() or None,
        origin=origin.strip() or None,
        csv_references=[r.strip() for r in references.split("|") if r.strip()],
        encoding=encoding,
    )


def _parse_csv_date(value: str) -> str | None:
    """``12/28/1966 18:48`` -> ``1966-12-28T18:48`` (seconds kept only when present)."""
    m = _CSV_DATE_US_RE.fullmatch(value)
    if m:
        month, day, year = int(m[1]), int(m[2]), int(m[3])
    else:
        m = _CSV_DATE_ISO_RE.fullmatch(value)
        if not m:
            return None
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    hour, minute = int(m[4]), int(m[5])
    second = int(m[6]) if m[6] else None
    try:
        stamp = dt.datetime(year, month, day, hour, minute, second or 0)
    except ValueError:
        return None
    return stamp.isoformat(timespec="seconds" if second is not None else "minutes")
