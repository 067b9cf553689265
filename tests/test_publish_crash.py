"""A publish killed at any stage leaves the previous release whole; two publishes never mix.

Each crash is real: a `cablegraph publish` process is killed with SIGKILL (no cleanup of any kind runs)
at a named stage (CABLEGRAPH_CRASH_AT, store/release.py), or from outside while its workers run. What
"whole" means is checked the way a user would: the dumps pass their SHA256SUMS, the store opens and
holds the dataset description, the quarantine report has its lines, and everything is the previous
release's, not a mixture.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Store

from cablegraph.rdf.vocab import DEFAULT_BASE
from cablegraph.store.release import CRASH_AT, DataFolder

CLI = [sys.executable, "-m", "cablegraph.cli"]
STAGES = ["after-transform", "after-load", "mid-dumps", "after-description", "before-switch"]


def publish_command(data: Path, *extra: str) -> list[str]:
    return [*CLI, "publish", "--sample", "--data", str(data), "--no-progress", "-j", "2", *extra]


def run(command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env={**os.environ, **env})


@pytest.fixture(scope="module")
def first_release(tmp_path_factory) -> Path:
    """A data folder holding one published release of the fictional sample."""
    data = tmp_path_factory.mktemp("release") / "data"
    done = run(publish_command(data))
    assert done.returncode == 1, done.stderr  # the sample's two broken fixtures are quarantined on purpose
    return data


@pytest.fixture
def data(first_release: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(first_release, copy, symlinks=True)
    return copy


def fingerprint(data: Path) -> dict:
    """What a reader of DATA sees: the release folder, its manifest and the bytes of its dumps and report."""
    current = (data / "current").resolve()
    return {"release": current.name,
            "manifest": (data / "release.json").read_text(),
            "quarantine": (data / "quarantine.jsonl").read_text(),
            "sums": (data / "dumps" / "SHA256SUMS").read_text()}


def assert_whole(data: Path) -> None:
    """The published release passes every check a user could make."""
    for line in (data / "dumps" / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((data / "dumps" / name).read_bytes()).hexdigest() == digest, name
    manifest = json.loads((data / "release.json").read_text())
    quarantine = (data / "quarantine.jsonl").read_text().splitlines()
    assert len(quarantine) == manifest["quarantined"] == 2
    store = Store.read_only(str(data / "store"))
    assert store.contains_named_graph(NamedNode(DEFAULT_BASE + "graph/dataset"))
    assert len(store) == manifest["triples"]


@pytest.mark.parametrize("stage", STAGES)
def test_a_publish_killed_at_any_stage_leaves_the_previous_release_whole(data: Path, stage: str):
    before = fingerprint(data)
    killed = run(publish_command(data), **{CRASH_AT: stage})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert fingerprint(data) == before
    assert_whole(data)
    # The next publish cleans up after the dead one and publishes a new whole release.
    again = run(publish_command(data))
    assert again.returncode == 1, again.stderr
    assert fingerprint(data)["release"] != before["release"]
    assert_whole(data)
    releases = sorted(path.name for path in (data / "releases").iterdir())
    assert not [name for name in releases if name.endswith(".partial")]
    assert len(releases) == 2  # the new release and the previous one; a killed run's leftovers are gone


def test_a_publish_killed_after_the_switch_has_published_the_new_release(data: Path):
    before = fingerprint(data)
    killed = run(publish_command(data), **{CRASH_AT: "after-switch"})
    assert killed.returncode == -signal.SIGKILL
    assert fingerprint(data)["release"] != before["release"]
    assert_whole(data)


def test_a_second_publish_into_a_busy_folder_is_refused_and_names_the_holder(data: Path):
    before = fingerprint(data)
    with DataFolder(data).locked():
        refused = run(publish_command(data))
    assert refused.returncode == 3
    assert f"process {os.getpid()}" in refused.stderr and "another --data" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert fingerprint(data) == before


def test_the_lock_dies_with_its_holder(data: Path):
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom cablegraph.store.release import "
                               "DataFolder\nDataFolder(sys.argv[1]).locked()\nprint('held', flush=True)\n"
                               "time.sleep(600)", str(data)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert run(publish_command(data)).returncode == 3
    finally:
        holder.kill()
        holder.wait()
    assert run(publish_command(data)).returncode == 1


def test_a_folder_of_the_older_flat_layout_is_adopted(data: Path):
    """A data folder published before releases existed (real store/, dumps/, quarantine.jsonl) still works."""
    flat = data.parent / "flat"
    flat.mkdir()
    current = (data / "current").resolve()
    for part in ("store", "dumps", "quarantine.jsonl"):
        shutil.copytree(current / part, flat / part) if (current / part).is_dir() else \
            shutil.copy(current / part, flat / part)
    assert DataFolder(flat).current() == flat
    assert run(publish_command(flat)).returncode == 1
    assert (flat / "store").is_symlink() and (flat / "releases" / "flat-layout" / "store").is_dir()
    assert_whole(flat)


@pytest.mark.corpus
def test_workers_die_with_a_killed_publish(corpus: Path, tmp_path: Path):
    """kill -9 of the parent while its workers transform: none of them is left running."""
    command = [*CLI, "publish", str(corpus / "cables"), "--data", str(tmp_path / "data"), "--no-progress", "-j", "2"]
    parent = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    workers: list[int] = []
    try:
        workers = wait_for(lambda: children_of(parent.pid) if len(children_of(parent.pid)) >= 2 else None, 60)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        left = wait_for(lambda: [] if not alive(workers) else None, 20)
        assert left == [], f"workers still running: {alive(workers)}"
    finally:
        if parent.poll() is None:
            parent.kill()
        for pid in alive(workers):  # a failed run must not leave them behind either
            os.kill(pid, signal.SIGKILL)


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pids: list[int]) -> list[int]:
    living = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.append(pid)
    return living


def wait_for(probe, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found is not None:
            return found
        time.sleep(0.1)
    raise AssertionError(f"gave up after {seconds} s")


def test_a_publish_beside_a_running_read_only_server_never_writes_through_it(data: Path):
    """serve's reader keeps answering the whole previous release while a publish builds and switches the next:
    every query during the run sees a store with its dataset description (never a half), and the publish does
    not try to load through the read-only server (it used to: 304 x 403 and a traceback)."""
    import threading

    from cablegraph.store.oxigraph import OxigraphServer
    from cablegraph.store.run import run_query

    ask = f"ASK {{ GRAPH <{DEFAULT_BASE}graph/dataset> {{ ?s ?p ?o }} }}"
    answers: list[bool] = []
    with OxigraphServer(data / "store", read_only=True) as server:
        stop = threading.Event()

        def keep_asking() -> None:
            while not stop.is_set():
                answers.append(bool(run_query(server.query_url, ask).boolean))

        asker = threading.Thread(target=keep_asking)
        asker.start()
        try:
            done = run(publish_command(data))
        finally:
            stop.set()
            asker.join()
        assert done.returncode == 1, done.stderr
        assert "still serves the previous release" in done.stderr
        assert "403" not in done.stderr and "Traceback" not in done.stderr
        assert len(answers) > 5 and all(answers)
    assert_whole(data)
