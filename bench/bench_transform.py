"""Throughput and memory benchmark of the cablegraph pipeline: text -> record -> N-Quads.

A benchmark, not a test: it prints figures and how they compare with the targets (the whole
251,287-cable release in under 5 minutes, under 1 GB of memory) and never fails on a timing.
Timings depend on the machine and on what else runs on it; a test that asserted them would be
flaky, and a figure that is printed can still be compared by a person across commits.

One run measures, over the real corpus (layout files plus bare PDF-text files):

1. parse only (records, no RDF), jobs=1 and jobs=all;
2. parse + transform to N-Quads, gzip and plain, jobs=1 and jobs=all, through ``pipeline.transform``;
   and, when SHACL validation can run here, gzip with validation (what `cablegraph transform` does);
3. a full-release-sized run (251,287 cables by default) made by replaying the corpus under fresh
   reference ids, written to a gzip N-Quads file (validated with ``--validate-replay``);
4. peak memory of the main process and of the worker processes.

Outputs go to a temporary directory that is deleted afterwards (``--out`` keeps them elsewhere).
Run it with ``make bench`` or ``.venv/bin/python bench/bench_transform.py --help``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from cablegraph import pipeline
from cablegraph.errors import CableParseError
from cablegraph.parse import parse_cable
from cablegraph.parse.ids import repair_id, split_id
from cablegraph.pipeline import Summary
from cablegraph.sources import RawCable, iter_inputs
from cablegraph.tables import released_ids

REPO_ROOT = Path(__file__).resolve().parents[1]
#: Size of the full Cablegate release: the default replay size and the base of every projection.
FULL_RELEASE = 251_287
TARGET_SECONDS = 300.0
TARGET_RATE = FULL_RELEASE / TARGET_SECONDS  # cables/s needed to meet TARGET_SECONDS
TARGET_MEMORY = 1_000_000_000  # bytes, for the whole process tree
#: Sub-folders of the corpus that hold cables. The corpus folder also holds index.csv, reference
#: data and HTML samples, which a recursive walk would pick up, so the folders are named.
CORPUS_SUBDIRS = ("cables", "cables-pdf-text")
#: Replayed ids are numbered from here. It must exceed every number in the release (the largest
#: is 419,544: 91STATE419544), or a replayed id could be a real one and `is_released` would
#: treat the copy as that cable.
REPLAY_NUMBER_OFFSET = 1_000_000
MB = 1_000_000


# -- memory -------------------------------------------------------------------------------------


@dataclass(slots=True)
class MemoryPeak:
    """Peak memory seen in one window, in bytes (0: nothing sampled, e.g. no /proc)."""

    main_rss: int = 0
    workers_rss: int = 0  # sum over the live descendants at one instant
    tree_rss: int = 0  # main + workers at one instant: counts copy-on-write pages once per process
    tree_pss: int = 0  # proportional set size: shared pages split between sharers, so no double count

    def update(self, main_rss: int, workers_rss: int, tree_pss: int) -> None:
        self.main_rss = max(self.main_rss, main_rss)
        self.workers_rss = max(self.workers_rss, workers_rss)
        self.tree_rss = max(self.tree_rss, main_rss + workers_rss)
        self.tree_pss = max(self.tree_pss, tree_pss)


class TreeMemorySampler:
    """Samples the memory of this process and all its descendants from /proc, in a thread.

    Why sample: ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` is the peak of the single largest
    reaped child, not the sum of the workers alive at the same time, and ``RUSAGE_SELF`` is a
    lifetime peak that cannot be split by phase. The 1 GB target is for the whole run, so the
    concurrent processes are summed here, per measured window.
    """

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.overall = MemoryPeak()
        self._window: MemoryPeak | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="memory-sampler", daemon=True)

    def __enter__(self) -> TreeMemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @contextmanager
    def window(self) -> Iterator[MemoryPeak]:
        """A MemoryPeak that collects the samples taken while the block runs."""
        peak = MemoryPeak()
        with self._lock:
            self._window = peak
        try:
            yield peak
        finally:
            self.sample()
            with self._lock:
                self._window = None

    def sample(self) -> None:
        main_rss, main_pss = _process_memory(os.getpid())
        workers = [_process_memory(pid) for pid in _descendants(os.getpid())]
        workers_rss = sum(rss for rss, _ in workers)
        tree_pss = main_pss + sum(pss for _, pss in workers)
        with self._lock:
            for peak in (self.overall, self._window):
                if peak is not None:
                    peak.update(main_rss, workers_rss, tree_pss)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()


def _descendants(root: int) -> list[int]:
    """Every live descendant of ``root``, from the parent ids in /proc/*/stat ([] without /proc)."""
    children: dict[int, list[int]] = {}
    try:
        entries = [entry.name for entry in os.scandir("/proc") if entry.name.isdigit()]
    except OSError:
        return []
    for name in entries:
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue  # the process ended while we looked
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])  # after "pid (comm) ": state ppid ...
        children.setdefault(ppid, []).append(int(name))
    found: list[int] = []
    stack = [root]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def _process_memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes, (0, 0) if it is gone or /proc cannot tell."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    values = {"Rss:": 0, "Pss:": 0}
    for line in text.splitlines():
        key, _, rest = line.partition(" ")
        if key in values:
            values[key] = int(rest.split()[0]) * 1024  # kB
    return values["Rss:"], values["Pss:"]


def rusage_peaks() -> tuple[int, int]:
    """Lifetime peak RSS (bytes) of this process and of its largest reaped child, per getrusage."""
    unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is bytes on macOS, KiB on Linux
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * unit
    return own, children


# -- cpu ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class CpuTimes:
    """CPU seconds (user + system) spent during one run, split by who spent them.

    Why: the machine is shared (other people run tests on the same 2 cores), so wall-clock rates
    move with their load. CPU seconds per cable barely do, and ``others`` says how much of the
    machine was taken from the run, i.e. how far to trust its wall-clock figures.
    """

    main: float = 0.0
    workers: float = 0.0  # reaped children only: the pool is shut down inside the run, so all of them
    others: float = 0.0  # everything else the machine ran meanwhile (from /proc/stat; 0 without it)

    @property
    def ours(self) -> float:
        return self.main + self.workers


def _cpu_snapshot() -> tuple[float, float, float]:
    """(this process, reaped children, whole machine busy) CPU seconds so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime, _machine_busy_seconds()


def _machine_busy_seconds() -> float:
    """Busy CPU seconds of all cores since boot, from the first line of /proc/stat (0 without it)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(value) for value in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


@dataclass(slots=True)
class Measurement:
    """Wall time, CPU times and memory peaks of one measured block."""

    memory: MemoryPeak
    seconds: float = 0.0
    cpu: CpuTimes = dataclasses.field(default_factory=CpuTimes)


@contextmanager
def measured(sampler: TreeMemorySampler) -> Iterator[Measurement]:
    """Measure the block: wall time, CPU of main / workers / other processes, memory peaks."""
    own0, children0, busy0 = _cpu_snapshot()
    started = time.perf_counter()
    with sampler.window() as peak:
        measurement = Measurement(peak)
        yield measurement
    measurement.seconds = time.perf_counter() - started
    own1, children1, busy1 = _cpu_snapshot()
    main, workers = own1 - own0, children1 - children0
    others = max(0.0, (busy1 - busy0) - main - workers) if busy1 else 0.0
    measurement.cpu = CpuTimes(main, workers, others)


# -- runs ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class RunResult:
    """What one measured run did and how long it took."""

    label: str
    jobs: int
    cables: int
    quarantined: int
    measurement: Measurement
    triples: int = 0
    output_bytes: int | None = None

    @property
    def seconds(self) -> float:
        return self.measurement.seconds

    @property
    def memory(self) -> MemoryPeak:
        return self.measurement.memory

    @property
    def cpu(self) -> CpuTimes:
        return self.measurement.cpu

    @property
    def cables_per_second(self) -> float:
        return self.cables / self.seconds if self.seconds else 0.0

    @property
    def triples_per_second(self) -> float:
        return self.triples / self.seconds if self.seconds else 0.0


@dataclass(slots=True)
class BenchRun:
    """What one benchmark run measured, and what the report must say besides the figures."""

    results: list[RunResult]
    corpus_size: int
    jobs: int
    replay_count: int
    notes: list[str] = dataclasses.field(default_factory=list)
    harness_bytes: int = 0  # main-process memory that is the replay harness's, not the pipeline's


def corpus_inputs(corpus: Path) -> list[str]:
    """The cable folders of the corpus, or the folder itself when it has none of them."""
    folders = [corpus / name for name in CORPUS_SUBDIRS if (corpus / name).is_dir()]
    return [str(folder) for folder in folders] or [str(corpus)]


def warm_up(inputs: list[str]) -> tuple[int, int]:
    """Read every input once, so that no timed run pays for a cold page cache.

    Returns (cables, read errors): the size of the corpus as the pipeline will see it.
    """
    cables = errors = 0
    for item in iter_inputs(inputs):
        if isinstance(item, CableParseError):
            errors += 1
        else:
            cables += 1
    return cables, errors


def run_parse_only(inputs: list[str], jobs: int, sampler: TreeMemorySampler) -> RunResult:
    """Parse to records, no RDF: what `cablegraph parse --json` does, minus printing the JSON."""
    cables = quarantined = 0
    with measured(sampler) as measurement:
        options = pipeline.Options(rdf_format=None, keep_record=True)  # as `cablegraph parse` sets them
        for output in pipeline.process(inputs, options=options, jobs=jobs):
            cables += 1
            quarantined += output.failure is not None
    return RunResult("parse only", jobs, cables, quarantined, measurement)


def run_transform(inputs: list[str], out_dir: Path, suffix: str, jobs: int, sampler: TreeMemorySampler,
                  validate: bool = False) -> RunResult:
    """Parse + transform (+ SHACL validation) through `pipeline.transform`, as `cablegraph transform` runs it."""
    path = out_dir / f"corpus-jobs{jobs}{'-shacl' if validate else ''}.{suffix}"
    with measured(sampler) as measurement:
        summary = pipeline.transform(inputs, str(path), jobs=jobs, quarantine=f"{path}.quarantine.jsonl",
                                     validate=validate)
    return _result_of(transform_label(suffix, validate), jobs, summary, path, measurement)


def transform_label(suffix: str, validate: bool, kind: str = "transform") -> str:
    return f"{kind} {suffix}{' + SHACL' if validate else ''}"


def _result_of(label: str, jobs: int, summary: Summary, path: Path, measurement: Measurement) -> RunResult:
    return RunResult(label, jobs, summary.cables_in, summary.quarantined, measurement, triples=summary.triples,
                     output_bytes=path.stat().st_size)


# -- replay -------------------------------------------------------------------------------------


@dataclass(slots=True)
class ReplaySource:
    """The corpus held in memory, with the (year, station) each replayed copy keeps."""

    cables: list[RawCable]
    keys: list[tuple[str, str] | None]  # None: no usable id; the copy is replayed unchanged

    def __len__(self) -> int:
        return len(self.cables)

    @property
    def text_bytes(self) -> int:
        """Memory the texts take in the main process (an RSS delta is no measure: freed pages get reused)."""
        return sum(sys.getsizeof(raw.text) for raw in self.cables)


def load_replay_source(inputs: list[str], limit: int | None = None) -> ReplaySource:
    """Read the corpus texts (the first ``limit`` cables) once into memory: about 60 MB for 6,141.

    Holding the corpus in memory is fine for a benchmark harness, and it keeps disk reads out of
    the replay; it is not how the pipeline reads (it streams), so this memory is the harness's
    own and inflates the main process's RSS by that much.
    """
    cables = [item for item in iter_inputs(inputs) if isinstance(item, RawCable)][:limit]
    return ReplaySource(cables, [_replay_key(raw) for raw in cables])


def prepare_replay(inputs: list[str]) -> ReplaySource:
    """The whole corpus in memory, after checking that replayed ids cannot be real ones."""
    check_replay_offset()
    return load_replay_source(inputs)


def _replay_key(raw: RawCable) -> tuple[str, str] | None:
    """(two-digit year, station) of the cable, from its id or, for bare text, from a parse."""
    if raw.reference_id:
        canonical = repair_id(raw.reference_id)
    else:
        try:
            canonical = parse_cable(raw).reference_id
        except CableParseError:
            canonical = None
    parts = split_id(canonical) if canonical else None
    return (parts[0], parts[1]) if parts else None


def check_replay_offset() -> None:
    """Refuse to run if a replayed id could be a real one (see REPLAY_NUMBER_OFFSET)."""
    largest = max((parts[2] for cable_id in released_ids() if (parts := split_id(cable_id))), default=0)
    if largest >= REPLAY_NUMBER_OFFSET:
        raise SystemExit(f"REPLAY_NUMBER_OFFSET {REPLAY_NUMBER_OFFSET:,} must exceed the largest "
                         f"released cable number {largest:,}")


def replay_items(source: ReplaySource, count: int) -> Iterator[RawCable]:
    """``count`` cables cycling over the corpus, each under a fresh, unique reference id.

    Copy ``i`` of a cable keeps its year and station and gets number ``REPLAY_NUMBER_OFFSET + i``,
    so no two copies share an id (each gets its own named graph, as distinct cables would) and
    none is a released id. The text is the original's: the parser does the same work on it.
    """
    for index in range(count):
        raw = source.cables[index % len(source)]
        key = source.keys[index % len(source)]
        if key is None:
            yield raw  # cannot be identified: fails in the parser, as the original does
            continue
        year, station = key
        yield dataclasses.replace(raw, reference_id=f"{year}{station}{REPLAY_NUMBER_OFFSET + index}",
                                  source=f"{raw.source}#replay={index}")


def run_replay(source: ReplaySource, count: int, out_dir: Path, jobs: int, sampler: TreeMemorySampler,
               validate: bool = False) -> RunResult:
    """The full-size run: ``count`` replayed cables to a gzip N-Quads file, with a progress bar."""
    path = out_dir / "replay.nq.gz"
    bar = tqdm(total=count, unit="cable", desc="replay", file=sys.stderr, mininterval=1.0, smoothing=0.1)
    with bar, measured(sampler) as measurement:
        summary = transform_items_temporary(replay_items(source, count), count, str(path), jobs=jobs,
                                            validate=validate, progress=bar.update)
    return _result_of(transform_label("nq.gz", validate, kind="replay"), jobs, summary, path, measurement)


# TEMPORARY -------------------------------------------------------------------------------------
# `pipeline.process` and `pipeline.transform` take paths only, so replayed RawCable items cannot be
# given to them. Until pipeline.py grows the seam (`process_items` / `transform_items` taking
# `Iterable[RawCable | CableParseError]`; see bench/README.md), the replay swaps the `iter_inputs`
# that pipeline.py calls, for the length of one `pipeline.transform` call, for one that returns the
# replayed items. Everything else is the pipeline's own code: the replay measures what `cablegraph
# transform` does, however pipeline.py's internals change. (A copy of the pipeline's loop, the first
# version of this, broke twice in twenty minutes while pipeline.py was being reworked.) If the swap
# stops taking effect, `transform_items_temporary` raises rather than report a run of 0 cables.


@contextmanager
def _pipeline_reads(items: Iterable[RawCable | CableParseError]) -> Iterator[None]:
    """TEMPORARY: make `pipeline.process` read ``items`` whatever paths it is given."""
    original = pipeline.iter_inputs

    def replayed(paths: object, format: str = "auto") -> Iterator[RawCable | CableParseError]:
        return iter(items)

    pipeline.iter_inputs = replayed
    try:
        yield
    finally:
        pipeline.iter_inputs = original


def transform_items_temporary(items: Iterable[RawCable | CableParseError], count: int, output: str, *,
                              jobs: int, validate: bool = False,
                              progress: Callable[[int], None] | None = None) -> Summary:
    """TEMPORARY stand-in for the seam `pipeline.transform_items(items, output, ...)`."""
    with _pipeline_reads(items):
        summary = pipeline.transform([], output, jobs=jobs, quarantine=f"{output}.quarantine.jsonl",
                                     validate=validate, progress=progress)
    if summary.cables_in != count:
        raise RuntimeError(f"the replay gave {count:,} cables and pipeline.transform read {summary.cables_in:,}: "
                           "pipeline.py no longer reads through pipeline.iter_inputs; use its new entry point")
    return summary


def smoke_test_temporary(source: ReplaySource, out_dir: Path) -> None:
    """Replay two cables before anything is timed, so a broken stand-in fails in seconds."""
    transform_items_temporary(replay_items(source, 2), 2, str(out_dir / "smoke.nq.gz"), jobs=1)


def validation_problem(source: ReplaySource, out_dir: Path) -> str | None:
    """Why SHACL validation cannot run here (None: it can), found by validating two cables.

    Validation is new in the pipeline and needs the shapes file of the checkout; a benchmark
    should still measure everything else when it is missing, and say so in its report.
    """
    try:
        transform_items_temporary(replay_items(source, 2), 2, str(out_dir / "smoke-shacl.nq.gz"), jobs=1,
                                  validate=True)
    except Exception as error:  # any failure means "not measurable here"; the reason is printed
        return f"{type(error).__name__}: {error}"
    return None


# END TEMPORARY ---------------------------------------------------------------------------------


# -- report -------------------------------------------------------------------------------------


@dataclass(slots=True)
class Row:
    """One line of the final table. ``higher_is_better`` says which side of the target is good."""

    figure: str
    value: float | None
    unit: str
    target: float | None = None
    higher_is_better: bool = False

    def cells(self) -> list[str]:
        value = "n/a" if self.value is None else f"{_number(self.value)} {self.unit}".rstrip()
        if self.target is None or self.value is None:
            return [self.figure, value, "", "", ""]
        sign = ">=" if self.higher_is_better else "<"
        ratio = self.value / self.target
        met = ratio >= 1 if self.higher_is_better else ratio < 1
        return [self.figure, value, f"{sign} {_number(self.target)} {self.unit}".rstrip(), f"{ratio:.2f}",
                "yes" if met else "NO"]


def _number(value: float) -> str:
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(cell.rjust(w) if r else cell.ljust(w) for cell, w, r in zip(cells, widths, right,
                                                                                       strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def runs_table(results: Sequence[RunResult]) -> str:
    """Every run side by side: the raw figures behind the summary."""
    header = ["run", "jobs", "cables", "quar.", "seconds", "cables/s", "triples/s", "output MB", "CPU s main",
              "CPU s workers", "cables/CPU-s", "others' CPU %", "peak RSS MB", "peak PSS MB"]
    rows = [[r.label, str(r.jobs), f"{r.cables:,}", f"{r.quarantined:,}", f"{r.seconds:,.1f}",
             f"{r.cables_per_second:,.0f}", f"{r.triples_per_second:,.0f}" if r.triples else "-",
             f"{r.output_bytes / MB:,.1f}" if r.output_bytes is not None else "-",
             f"{r.cpu.main:,.1f}", f"{r.cpu.workers:,.1f}", f"{r.cables / r.cpu.ours:,.0f}" if r.cpu.ours else "-",
             f"{_others_share(r):.0%}", f"{r.memory.tree_rss / MB:,.0f}", f"{r.memory.tree_pss / MB:,.0f}"]
            for r in results]
    return format_table(header, rows, [False] + [True] * (len(header) - 1))


def _others_share(run: RunResult) -> float:
    """Share of the machine's CPU capacity that other processes used during the run."""
    capacity = run.seconds * (os.cpu_count() or 1)
    return run.cpu.others / capacity if capacity else 0.0


def summary_rows(bench: BenchRun, sampler: TreeMemorySampler) -> list[Row]:
    """The figures the brief asks for, each against its target where it has one."""
    results = bench.results
    rows = [Row("corpus cables (layout + bare)", bench.corpus_size, "")]
    labels = dict.fromkeys(r.label for r in results if not r.label.startswith("replay"))
    for label in labels:
        rows += _corpus_rows([r for r in results if r.label == label], bench.jobs)
    for suffix in ("nq.gz", "nq.gz + SHACL"):
        rows += _projection_rows(results, f"transform {suffix}", bench.jobs)
    replay = next((r for r in results if r.label.startswith("replay")), None)
    if replay:
        rows += _replay_rows(replay, bench.replay_count)
    rows += _memory_rows(results, sampler, bench.harness_bytes)
    return rows


def _corpus_rows(runs: list[RunResult], jobs: int) -> list[Row]:
    rows: list[Row] = []
    by_jobs = {r.jobs: r for r in runs}
    for r in runs:
        name = f"{r.label}, jobs={r.jobs}"
        rows.append(Row(f"{name}: cables/s", r.cables_per_second, "/s",
                        TARGET_RATE if r.jobs == jobs else None, higher_is_better=True))
        if r.triples:
            rows.append(Row(f"{name}: triples/s", r.triples_per_second, "/s"))
            rows.append(Row(f"{name}: output", (r.output_bytes or 0) / MB, "MB"))
    if 1 in by_jobs and jobs in by_jobs and jobs != 1:
        speed_up = by_jobs[jobs].cables_per_second / by_jobs[1].cables_per_second
        rows.append(Row(f"{runs[0].label}: speed-up jobs={jobs} / jobs=1", speed_up, "x", float(jobs),
                        higher_is_better=True))
    return rows


def _projection_rows(results: Sequence[RunResult], label: str, jobs: int) -> list[Row]:
    run = next((r for r in results if r.label == label and r.jobs == jobs), None)
    if run is None or not run.cables_per_second:
        return []
    name = f"corpus {label.removeprefix('transform ')}, jobs={jobs}"
    return [Row(f"projected {FULL_RELEASE:,} cables from {name}", FULL_RELEASE / run.cables_per_second, "s",
                TARGET_SECONDS),
            *_cpu_rows(name, run)]


def _cpu_rows(name: str, run: RunResult) -> list[Row]:
    """CPU cost per cable, and the best wall time that cost allows on this machine when idle.

    The bound is ``max(main CPU, all CPU / cores)`` scaled to the release: the main process is
    serial, and the rest cannot go faster than every core busy. It ignores load from others,
    so it tells what the code costs apart from what the shared machine happened to do.
    """
    if not run.cables or not run.cpu.ours:
        return []
    cores = os.cpu_count() or 1
    main, ours = run.cpu.main / run.cables, run.cpu.ours / run.cables
    return [Row(f"{name}: CPU per cable, main + workers", ours * 1000, "ms"),
            Row(f"{name}: main process share of that CPU", 100 * main / ours, "%"),
            Row(f"lower bound for {FULL_RELEASE:,} cables on {cores} idle cores (CPU time of {name})",
                FULL_RELEASE * max(main, ours / cores), "s", TARGET_SECONDS)]


def _replay_rows(replay: RunResult, count: int) -> list[Row]:
    name = f"{replay.label}, {count:,} cables, jobs={replay.jobs}"
    rows = [Row(f"{name}: total time", replay.seconds, "s", TARGET_SECONDS if count == FULL_RELEASE else None),
            Row(f"{name}: cables/s", replay.cables_per_second, "/s", TARGET_RATE, higher_is_better=True),
            Row(f"{name}: triples/s", replay.triples_per_second, "/s"),
            Row(f"{name}: triples", replay.triples, ""),
            Row(f"{name}: quarantined", replay.quarantined, ""),
            Row(f"{name}: output", (replay.output_bytes or 0) / MB, "MB"),
            Row(f"{name}: others' share of the machine's CPU", 100 * _others_share(replay), "%"),
            *_cpu_rows(f"replay, jobs={replay.jobs}", replay)]
    if count != FULL_RELEASE and replay.cables_per_second:
        rows.append(Row(f"projected {FULL_RELEASE:,} cables from the replay", FULL_RELEASE / replay.cables_per_second,
                        "s", TARGET_SECONDS))
    return rows


def _memory_rows(results: Sequence[RunResult], sampler: TreeMemorySampler, harness_bytes: int) -> list[Row]:
    own, child = rusage_peaks()
    sampled = sampler.overall.tree_rss > 0
    rows = [Row("peak RSS main process (getrusage SELF, whole run)", own / MB, "MB", TARGET_MEMORY / MB),
            Row("peak RSS largest worker (getrusage CHILDREN, whole run)", child / MB if child else None, "MB",
                TARGET_MEMORY / MB)]
    for r in results:
        if r.label.startswith("replay") or (r.label.startswith("transform nq.gz") and r.jobs > 1):
            name = f"{r.label}, jobs={r.jobs}"
            rows += [Row(f"{name}: peak RSS main (sampled)", r.memory.main_rss / MB if sampled else None, "MB"),
                     Row(f"{name}: peak RSS workers, summed (sampled)",
                         r.memory.workers_rss / MB if sampled else None, "MB"),
                     Row(f"{name}: peak RSS main + workers (sampled)", r.memory.tree_rss / MB if sampled else None,
                         "MB", TARGET_MEMORY / MB),
                     Row(f"{name}: peak PSS main + workers (sampled)", r.memory.tree_pss / MB if sampled else None,
                         "MB", TARGET_MEMORY / MB)]
    if harness_bytes:
        rows.append(Row("replay harness: corpus texts held in the main process (not the pipeline's)",
                        harness_bytes / MB, "MB"))
    rows.append(Row("peak RSS main + workers (sampled, whole run)",
                    sampler.overall.tree_rss / MB if sampled else None, "MB", TARGET_MEMORY / MB))
    return rows


def print_report(bench: BenchRun, rows: Sequence[Row]) -> None:
    print("\nRuns")
    print(runs_table(bench.results))
    print("CPU s: user + system seconds of the main process and of the workers; others' CPU %: share of the "
          "machine's cores used by other processes meanwhile (high values make the wall-clock rates pessimistic); "
          "peak RSS / PSS: sampled sum over the main process and its workers")
    print(f"\nSummary (targets: {FULL_RELEASE:,} cables in < {TARGET_SECONDS:.0f} s, i.e. >= {TARGET_RATE:,.0f} "
          f"cables/s; < {TARGET_MEMORY / MB:,.0f} MB; ratio = value / target)")
    print(format_table(["figure", "value", "target", "ratio", "met"], [row.cells() for row in rows],
                       [False, True, True, True, False]))
    for note in bench.notes:
        print(f"note: {note}")


# -- main ---------------------------------------------------------------------------------------


def replay_parser(description: str, skip_replay_help: str) -> argparse.ArgumentParser:
    """The options every replaying benchmark has: the corpus, the replay size, skipping it, the output folder."""
    default_corpus = os.environ.get("CABLEGRAPH_CORPUS") or str(REPO_ROOT.parent / "shared" / "corpus")
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--corpus", type=Path, default=Path(default_corpus),
                        help="corpus folder; its cables/ and cables-pdf-text/ are read (default: env "
                             "CABLEGRAPH_CORPUS, else ../shared/corpus beside the repository: %(default)s)")
    parser.add_argument("--replay", type=int, default=FULL_RELEASE, metavar="N",
                        help="cables in the replayed full-size run (default: %(default)s)")
    parser.add_argument("--skip-replay", action="store_true", help=skip_replay_help)
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for the outputs, kept afterwards (default: a temporary folder, deleted at "
                             "the end)")
    return parser


def check_replay_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if not args.corpus.is_dir():
        parser.error(f"corpus folder {args.corpus} does not exist (set --corpus or CABLEGRAPH_CORPUS)")
    if args.replay < 1:
        parser.error("--replay must be at least 1")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = replay_parser(__doc__.split("\n\n")[0], "corpus runs only")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="worker processes for the jobs=all runs (default: every core, %(default)s)")
    parser.add_argument("--validate-replay", action="store_true",
                        help="validate the replay with SHACL too, as `cablegraph transform` does by default (the "
                             "corpus runs measure validation whenever it is available)")
    args = parser.parse_args(argv)
    check_replay_args(parser, args)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    return args


@contextmanager
def output_dir(chosen: Path | None) -> Iterator[Path]:
    """The chosen folder, kept; or a temporary one, deleted with everything in it at the end."""
    if chosen is not None:
        chosen.mkdir(parents=True, exist_ok=True)
        yield chosen
        return
    temp = Path(tempfile.mkdtemp(prefix="cablegraph-bench-"))
    try:
        yield temp
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_all(args: argparse.Namespace, out_dir: Path, sampler: TreeMemorySampler) -> BenchRun:
    inputs = corpus_inputs(args.corpus)
    _log(f"warm-up: reading {', '.join(inputs)}")
    corpus_size, read_errors = warm_up(inputs)
    _log(f"corpus: {corpus_size:,} cables, {read_errors:,} read errors; jobs=all is {args.jobs}; output in {out_dir}")
    bench = BenchRun([], corpus_size, args.jobs, args.replay)
    probe = load_replay_source(inputs, limit=2)
    smoke_test_temporary(probe, out_dir)
    shacl_problem = validation_problem(probe, out_dir)
    if shacl_problem:
        bench.notes.append(f"SHACL validation not measured, it does not run here: {shacl_problem}")
        _log(f"note: {bench.notes[-1]}")
    if args.validate_replay and shacl_problem and not args.skip_replay:
        raise SystemExit(f"--validate-replay: validation does not run here: {shacl_problem}")
    bench.results += run_corpus(inputs, out_dir, args.jobs, sampler, shacl=shacl_problem is None)
    if not args.skip_replay:
        _log("replay: loading the corpus into memory ...")
        source = prepare_replay(inputs)
        bench.harness_bytes = source.text_bytes
        bench.results.append(run_replay(source, args.replay, out_dir, args.jobs, sampler, args.validate_replay))
    return bench


def run_corpus(inputs: list[str], out_dir: Path, jobs: int, sampler: TreeMemorySampler,
               shacl: bool) -> list[RunResult]:
    """Every corpus run, each with jobs=1 and jobs=all."""
    steps: list[tuple[str, Callable[[int], RunResult]]] = [
        ("parse only", lambda n: run_parse_only(inputs, n, sampler)),
        ("transform nq.gz", lambda n: run_transform(inputs, out_dir, "nq.gz", n, sampler)),
        ("transform nq", lambda n: run_transform(inputs, out_dir, "nq", n, sampler)),
    ]
    if shacl:
        steps.append((transform_label("nq.gz", True),
                      lambda n: run_transform(inputs, out_dir, "nq.gz", n, sampler, validate=True)))
    results: list[RunResult] = []
    for label, step in steps:
        for n in sorted({1, jobs}):
            _log(f"{label}, jobs={n} ...")
            results.append(step(n))
            _log(f"  {results[-1].cables:,} cables in {results[-1].seconds:.1f} s")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with output_dir(args.out) as out_dir, TreeMemorySampler() as sampler:
        bench = run_all(args, out_dir, sampler)
        rows = summary_rows(bench, sampler)
    print_report(bench, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
