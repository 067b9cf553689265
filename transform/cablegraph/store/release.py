"""A data folder holds whole releases and switches between them in one step.

Why: a publish writes a store, dumps, their checksums, a dataset description and a quarantine report.
Written in place, a crash at any moment between the first and the last leaves a mixture: a store without
its description, a truncated dump beside last week's, an empty quarantine report. So every release is
built in a staging folder of its own and becomes the published one by replacing one symbolic link,
which POSIX `rename` does atomically; the previous release stays untouched until the new one is whole,
and is kept after it (readers that opened it, such as a running `cablegraph serve`, go on reading it).

The layout::

    DATA/.lock                      held (flock) by the one publish at work; says who holds it
    DATA/releases/<id>/             one whole release: store/, dumps/, quarantine.jsonl, search.sqlite,
                                    release.json
    DATA/releases/<id>.partial/     a release being built (a crash leaves it; the next publish deletes it)
    DATA/current -> releases/<id>   the published release, switched by one rename
    DATA/store, DATA/dumps, DATA/quarantine.jsonl
                                    links through `current`, so every path of the older flat layout works

A data folder in the older flat layout (a real `DATA/store/` directory) is moved into a release the
first time it is published to, under the lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from cablegraph.store.oxigraph import running_server

RELEASES = "releases"
CURRENT = "current"
PARTIAL = ".partial"
MANIFEST = "release.json"
#: What a release holds, each reachable as DATA/<name> through the `current` link.
RELEASE_PARTS = ("store", "dumps", "quarantine.jsonl", "search.sqlite", MANIFEST)
#: Set to a stage's name, the publishing process kills itself (SIGKILL) there: the crash tests' real kill at a
#: known moment (tests/test_publish_crash.py). Never set in normal use.
CRASH_AT = "CABLEGRAPH_CRASH_AT"


class DataFolderBusy(RuntimeError):
    """Another process holds the data folder's lock; the message names it and says what to do."""


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds a data folder's lock: written into the lock file so a second publish can say so."""

    pid: int
    host: str
    command: str
    since: str

    @classmethod
    def me(cls) -> Holder:
        command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:300]
        return cls(os.getpid(), socket.gethostname(), command, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))

    def describe(self) -> str:
        return f"process {self.pid} on {self.host} ({self.command}), since {self.since}"


class DataFolder:
    """`with DataFolder(path).locked() as folder: staging = folder.stage() ... folder.switch(staging)`."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock_file: int | None = None

    # -- reading -------------------------------------------------------------------------------------------

    @property
    def releases(self) -> Path:
        return self.path / RELEASES

    def current(self) -> Path | None:
        """The published release's folder (resolved: a reader that keeps it is not moved by a later switch)."""
        link = self.path / CURRENT
        if link.is_symlink() and link.resolve().is_dir():
            return link.resolve()
        if (self.path / "store").is_dir() and not (self.path / "store").is_symlink():
            return self.path  # the older flat layout, not yet published to since
        return None

    # -- the lock ----------------------------------------------------------------------------------------

    def locked(self) -> DataFolder:
        """Take the folder's lock, or raise DataFolderBusy naming the holder. Released on exit, and by the
        kernel when the process dies however it dies (flock), so a killed publish never leaves it held."""
        self.path.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(descriptor)
            os.close(descriptor)
            who = holder.describe() if holder else "another process"
            raise DataFolderBusy(f"{self.path} is being published by {who}: wait for it to finish, "
                                 "or publish into another --data folder") from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, json.dumps(asdict(Holder.me())).encode(), 0)
        self._lock_file = descriptor
        return self

    def unlock(self) -> None:
        if self._lock_file is not None:
            os.ftruncate(self._lock_file, 0)
            os.close(self._lock_file)  # closing the descriptor releases the flock
            self._lock_file = None

    def __enter__(self) -> DataFolder:
        return self if self._lock_file is not None else self.locked()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.unlock()

    # -- writing (under the lock) ---------------------------------------------------------------------------

    def stage(self) -> Path:
        """A fresh, empty folder for the next release; leftovers of crashed publishes are deleted first."""
        self._require_lock()
        self._adopt_flat_layout()
        self.releases.mkdir(exist_ok=True)
        for leftover in self.releases.glob(f"*{PARTIAL}"):
            shutil.rmtree(leftover, ignore_errors=True)
        name = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}"
        staging = self.releases / (name + PARTIAL)
        staging.mkdir()
        return staging

    def switch(self, staging: Path, manifest: dict) -> Path:
        """Make a whole staged release the published one, atomically, and prune old releases.

        The order matters for a crash at any step: the manifest is written last inside the staging folder,
        the staging folder is renamed to its final name (a crash before leaves `.partial`, deleted next
        time), and only then does one rename of a fresh link replace `current`.
        """
        self._require_lock()
        previous = self.current()
        _write_atomically(staging / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        _fsync_tree(staging)
        final = staging.with_name(staging.name.removesuffix(PARTIAL))
        staging.rename(final)
        _fsync_directory(self.releases)
        crash_point("before-switch")
        fresh_link = self.path / f".{CURRENT}.{os.getpid()}"
        fresh_link.unlink(missing_ok=True)
        fresh_link.symlink_to(Path(RELEASES) / final.name)
        os.replace(fresh_link, self.path / CURRENT)
        _fsync_directory(self.path)
        crash_point("after-switch")
        self._link_parts()
        self._prune(keep={final.resolve(), previous})
        return final

    def _link_parts(self) -> None:
        """DATA/store, DATA/dumps, ... point through `current` (made once; the switch never touches them)."""
        for part in RELEASE_PARTS:
            link = self.path / part
            if not link.is_symlink() and not link.exists():
                link.symlink_to(Path(CURRENT) / part)

    def _prune(self, keep: set[Path | None]) -> None:
        """Delete every release but the current and the previous one (and any a live server still holds):
        whole releases left by a publish killed between its rename and its switch go too."""
        for release in self.releases.iterdir():
            if release.resolve() in keep or not release.is_dir() or release.name.endswith(PARTIAL):
                continue
            if running_server(release / "store") is None:
                shutil.rmtree(release, ignore_errors=True)

    def _adopt_flat_layout(self) -> None:
        """Move a release of the older flat layout (real DATA/store, DATA/dumps, ...) into releases/."""
        real = [part for part in RELEASE_PARTS if (self.path / part).exists() and not (self.path / part).is_symlink()]
        if not real:
            return
        adopted = self.releases / "flat-layout"
        adopted.mkdir(parents=True, exist_ok=True)
        for part in real:
            (self.path / part).rename(adopted / part)
        link = self.path / CURRENT
        link.unlink(missing_ok=True)
        link.symlink_to(Path(RELEASES) / adopted.name)
        self._link_parts()

    def _require_lock(self) -> None:
        if self._lock_file is None:
            raise RuntimeError("take the data folder's lock first (DataFolder.locked())")


def crash_point(stage: str) -> None:
    """Die here, without any cleanup, when the crash tests ask for it (see CRASH_AT)."""
    if os.environ.get(CRASH_AT) == stage:
        os.kill(os.getpid(), signal.SIGKILL)


def _read_holder(descriptor: int) -> Holder | None:
    try:
        info = json.loads(os.pread(descriptor, 4096, 0).decode() or "null")
        return Holder(int(info["pid"]), str(info["host"]), str(info["command"]), str(info["since"]))
    except (ValueError, TypeError, KeyError, UnicodeDecodeError):
        return None


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _fsync_tree(top: Path) -> None:
    """Flush a staged release to disk before it is published: a power cut must not publish empty files."""
    for folder, _, names in os.walk(top):
        for name in names:
            try:
                with open(os.path.join(folder, name), "rb") as handle:
                    os.fsync(handle.fileno())
            except OSError:
                continue
        _fsync_directory(Path(folder))


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

