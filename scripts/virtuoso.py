#!/usr/bin/env python3
"""Run a private Virtuoso Open Source SPARQL server on 127.0.0.1, for tests and local experiments.

Why this exists: Debian's ``virtuoso-opensource`` package installs the server but starts no daemon here, and its
stock ``/etc/virtuoso-opensource-7/virtuoso.ini`` points at system folders, listens on every interface and silently
truncates every result to 10,000 rows. This module derives a scratch ``virtuoso.ini`` from that file with everything
that matters moved into one folder, starts ``virtuoso-t`` on it in its own process group, waits until the SPARQL
endpoint answers and stops it cleanly again.

What the scratch ini changes (everything else is Debian's):

* ``[Database]`` / ``[TempDatabase]``: database, log, lock, transaction, xa and temp files inside DIR;
* ``[Parameters] ServerPort = 127.0.0.1:<port>`` (SQL/isql) and ``[HTTPServer] ServerPort = 127.0.0.1:<http-port>``,
  so nothing listens beyond loopback; ``[URIQA] DefaultHost`` matches the HTTP port;
* ``DirsAllowed`` includes DIR (and any ``extra_dirs``), so the bulk loader (``ld_dir``) may read files there;
* ``NumberOfBuffers``/``MaxDirtyBuffers`` raised from 10000/6000 to 170000/130000 (~1.3 GB of 8 KB pages at most);
* ``[SPARQL] ResultSetMaxRows`` raised from 10,000 to 10,000,000, and ``[Parameters] MaxSortedTopRows`` likewise
  (Debian's cap silently truncates SELECT, CONSTRUCT and Graph Store GET; only the ``X-SPARQL-MaxRows`` response
  header tells).

Write access is left as Virtuoso ships it: anonymous ``/sparql`` is read-only, and ``/sparql-auth`` (SPARQL Update)
and ``/sparql-graph-crud-auth`` (Graph Store Protocol) take HTTP *Digest* auth as dba/dba (Basic gets 401).

Library use::

    server = start("/tmp/vt", port=1111, http_port=8890)   # returns once GET /sparql?query=ASK{} answers
    ...  server.sparql_url, server.auth_sparql_url, server.crud_url
    server.stop()                                          # isql ``shutdown;`` (checkpoint), SIGTERM fallback

Command line (the server outlives the ``start`` command; ``stop`` finds it through DIR/virtuoso-state.json)::

    python scripts/virtuoso.py start --dir DIR --port 1111 [--http-port 8890]
    python scripts/virtuoso.py stop --dir DIR

Standard library only, so it runs with any Python 3.11+.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

TEMPLATE_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
VIRTUOSO_BIN = "virtuoso-t"
ISQL_BIN = "isql-vt"
INI_NAME = "virtuoso.ini"
LOG_NAME = "virtuoso.log"  # Virtuoso's own ErrorLogFile
OUT_NAME = "virtuoso-t.out"  # stdout + stderr of the virtuoso-t process
STATE_NAME = "virtuoso-state.json"  # what `stop --dir` needs: pid and ports
DEFAULT_USER = "dba"
DEFAULT_PASSWORD = "dba"  # Debian's default; the package's debconf leaves it when installed non-interactively
RESULT_SET_MAX_ROWS = 10_000_000
NUMBER_OF_BUFFERS = 170_000
MAX_DIRTY_BUFFERS = 130_000
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0


class VirtuosoError(RuntimeError):
    """Virtuoso could not be started or stopped; the message carries the tail of its log."""


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def available() -> bool:
    """True when the server binary, isql and Debian's template ini are all installed."""
    return bool(shutil.which(VIRTUOSO_BIN) and shutil.which(ISQL_BIN) and TEMPLATE_INI.is_file())


def ini_settings(
    directory: Path, port: int, http_port: int, extra_dirs: tuple[str | os.PathLike[str], ...] = ()
) -> dict[str, dict[str, str]]:
    """The settings that the scratch ini overrides or adds, section by section."""
    d = Path(directory).resolve()
    dirs = [".", str(d), *(str(Path(x).resolve()) for x in extra_dirs), "/usr/share/virtuoso-opensource-7/vad"]
    return {
        "Database": {
            "DatabaseFile": str(d / "virtuoso.db"),
            "ErrorLogFile": str(d / LOG_NAME),
            "LockFile": str(d / "virtuoso.lck"),
            "TransactionFile": str(d / "virtuoso.trx"),
            "xa_persistent_file": str(d / "virtuoso.pxa"),
        },
        "TempDatabase": {
            "DatabaseFile": str(d / "virtuoso-temp.db"),
            "TransactionFile": str(d / "virtuoso-temp.trx"),
        },
        "Parameters": {
            "ServerPort": f"127.0.0.1:{port}",
            "DisableUnixSocket": "1",
            "DirsAllowed": ", ".join(dict.fromkeys(dirs)),
            "NumberOfBuffers": str(NUMBER_OF_BUFFERS),
            "MaxDirtyBuffers": str(MAX_DIRTY_BUFFERS),
            "MaxSortedTopRows": str(RESULT_SET_MAX_ROWS),
        },
        "HTTPServer": {"ServerPort": f"127.0.0.1:{http_port}"},
        "URIQA": {"DefaultHost": f"127.0.0.1:{http_port}"},
        "SPARQL": {"ResultSetMaxRows": str(RESULT_SET_MAX_ROWS)},
    }


_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_.]+)\s*=")


def render_ini(template: str, settings: dict[str, dict[str, str]]) -> str:
    """Rewrite an ini text line by line: keep its comments and every other line, replace the keys in ``settings``.

    A line-based edit rather than ``configparser``, because Debian's file repeats keys in one section
    (``IndexTreeMaps``, ``PrefixResultNames``) and puts ``;`` comments after values. Section and key names compare
    case-insensitively; a repeated overridden key is dropped after its first occurrence; keys and sections missing
    from the template are appended.
    """
    wanted = {s.lower(): {k.lower(): (k, v) for k, v in kv.items()} for s, kv in settings.items()}
    names = {s.lower(): s for s in settings}
    out: list[str] = []
    done: set[tuple[str, str]] = set()
    seen_sections: set[str] = set()
    section: str | None = None

    def flush(sec: str | None) -> None:
        if sec is None or sec not in wanted:
            return
        for key, (name, value) in wanted[sec].items():
            if (sec, key) not in done:
                out.append(f"{name} = {value}")
                done.add((sec, key))

    for line in template.splitlines():
        m = _SECTION.match(line)
        if m:
            flush(section)
            section = m.group(1).strip().lower()
            seen_sections.add(section)
            out.append(line)
            continue
        k = _KEY.match(line)
        if section in wanted and k and not line.lstrip().startswith(";"):
            key = k.group(1).lower()
            if key in wanted[section]:
                if (section, key) not in done:
                    name, value = wanted[section][key]
                    out.append(f"{name} = {value}")
                    done.add((section, key))
                continue  # a repeated key: the first (overridden) occurrence wins
        out.append(line)
    flush(section)
    for sec in wanted:
        if sec not in seen_sections:
            out.extend(["", f"[{names[sec]}]"])
            flush(sec)
    return "\n".join(out) + "\n"


def write_ini(
    directory: str | os.PathLike[str],
    port: int,
    http_port: int,
    extra_dirs: tuple[str | os.PathLike[str], ...] = (),
    template: Path = TEMPLATE_INI,
) -> Path:
    """Write DIR/virtuoso.ini derived from Debian's template; return its path."""
    d = Path(directory).resolve()
    d.mkdir(parents=True, exist_ok=True)
    ini = d / INI_NAME
    ini.write_text(render_ini(template.read_text(), ini_settings(d, port, http_port, extra_dirs)))
    return ini


def log_tail(directory: str | os.PathLike[str], lines: int = 30) -> str:
    """The last lines of Virtuoso's log and of the process's own output, for error messages."""
    parts = []
    for name in (LOG_NAME, OUT_NAME):
        path = Path(directory) / name
        if path.is_file():
            text = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path} (last {len(text)} lines) ---\n" + "\n".join(text))
    return "\n".join(parts) or f"(no log in {directory})"


def _ask_ok(http_port: int, timeout: float = 2.0) -> bool:
    url = f"http://127.0.0.1:{http_port}/sparql?query=ASK%7B%7D"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status == 200
    except (OSError, urllib.error.URLError):
        return False


def _pid_alive(pid: int) -> bool:
    """True while ``pid`` runs and is a virtuoso-t (a guard against a recycled pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    state = stat.rsplit(")", 1)[-1].split()[0]
    return state != "Z" and VIRTUOSO_BIN.encode() in cmdline


class VirtuosoEndpoints:
    """The HTTP endpoints of a Virtuoso listening on ``http_port`` (one place for their paths)."""

    http_port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        """Anonymous, read-only SPARQL query endpoint."""
        return f"{self.url}/sparql"

    @property
    def auth_sparql_url(self) -> str:
        """SPARQL query + update endpoint behind Digest auth (user/password)."""
        return f"{self.url}/sparql-auth"

    @property
    def crud_url(self) -> str:
        """Graph Store Protocol endpoint behind Digest auth (``?graph-uri=IRI`` or ``?graph=IRI``)."""
        return f"{self.url}/sparql-graph-crud-auth"


@dataclass
class VirtuosoServer(VirtuosoEndpoints):
    """A running (or stopped) Virtuoso started by :func:`start`."""

    directory: Path
    port: int
    http_port: int
    pid: int
    user: str = DEFAULT_USER
    password: str = DEFAULT_PASSWORD
    startup_seconds: float = 0.0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False, compare=False)

    def running(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        return _pid_alive(self.pid)

    def isql(self, sql: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        """Run SQL through ``isql-vt`` as dba (e.g. ``checkpoint;``); raises VirtuosoError when isql fails."""
        cmd = [ISQL_BIN, f"127.0.0.1:{self.port}", self.user, self.password, f"exec={sql}"]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if proc.returncode != 0 or "*** Error" in proc.stdout + proc.stderr:
            raise VirtuosoError(f"isql {sql!r} failed ({proc.returncode}): {proc.stdout}{proc.stderr}")
        return proc

    def _wait_exit(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                return True
            time.sleep(0.1)
        return not self.running()

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Stop cleanly: isql ``shutdown;`` (checkpoints, so the next start need not replay the log), then SIGTERM
        to the process group (Virtuoso's quick shutdown), then SIGKILL as a last resort."""
        if self.running():
            asked = False
            with contextlib.suppress(VirtuosoError, subprocess.TimeoutExpired, OSError):
                self.isql("shutdown;", timeout=timeout)
                asked = True
            if not (asked and self._wait_exit(timeout)):
                self._signal(signal.SIGTERM)
                if not self._wait_exit(timeout):
                    self._signal(signal.SIGKILL)
                    self._wait_exit(10)
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)  # reap it
        (self.directory / STATE_NAME).unlink(missing_ok=True)

    def _signal(self, sig: signal.Signals) -> None:
        # The server leads its own process group (start_new_session), so the group id is its pid.
        if self.running():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, sig)

    def __enter__(self) -> VirtuosoServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(
    directory: str | os.PathLike[str],
    port: int | None = None,
    http_port: int | None = None,
    *,
    timeout: float = START_TIMEOUT,
    extra_dirs: tuple[str | os.PathLike[str], ...] = (),
    preexec_fn: Callable[[], object] | None = None,
) -> VirtuosoServer:
    """Write DIR/virtuoso.ini, start ``virtuoso-t +foreground`` in its own process group, wait until
    ``GET /sparql?query=ASK{}`` answers (``timeout`` seconds), and return the server.

    An existing database in DIR is reused. Ports default to free ones. ``preexec_fn`` runs in the child before exec
    (the test helpers use it to tie the server's life to theirs). Raises VirtuosoError with the log tail when the
    server exits early or does not answer in time (and then stops what it started)."""
    if not available():
        raise VirtuosoError(
            f"{VIRTUOSO_BIN}/{ISQL_BIN}/{TEMPLATE_INI} not found: run `bash scripts/install-virtuoso.sh` first"
        )
    d = Path(directory).resolve()
    port = port or free_port()
    http_port = http_port or free_port()
    if port == http_port:
        raise VirtuosoError(f"the SQL port and the HTTP port must differ (both {port})")
    ini = write_ini(d, port, http_port, extra_dirs)
    t0 = time.monotonic()
    with open(d / OUT_NAME, "ab") as out:
        proc = subprocess.Popen(
            [VIRTUOSO_BIN, "+configfile", str(ini), "+foreground"],
            cwd=d,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own session and process group: a Ctrl-C to the caller does not reach it
            preexec_fn=preexec_fn,
        )
    server = VirtuosoServer(d, port, http_port, proc.pid, process=proc)
    (d / STATE_NAME).write_text(json.dumps({"pid": proc.pid, "port": port, "http_port": http_port}) + "\n")
    deadline = t0 + timeout
    while True:
        if proc.poll() is not None:
            server.stop()
            raise VirtuosoError(f"virtuoso-t exited with code {proc.returncode} while starting\n{log_tail(d)}")
        if _ask_ok(http_port):
            break
        if time.monotonic() > deadline:
            server.stop()
            raise VirtuosoError(
                f"virtuoso-t did not answer GET /sparql?query=ASK{{}} on 127.0.0.1:{http_port} within {timeout:.0f} s"
                f"\n{log_tail(d)}"
            )
        time.sleep(0.2)
    server.startup_seconds = time.monotonic() - t0
    return server


def attach(directory: str | os.PathLike[str]) -> VirtuosoServer:
    """The server recorded in DIR/virtuoso-state.json by :func:`start` (e.g. from another process)."""
    d = Path(directory).resolve()
    state_file = d / STATE_NAME
    if not state_file.is_file():
        raise VirtuosoError(f"no {STATE_NAME} in {d}: no server started there (or it was stopped)")
    state = json.loads(state_file.read_text())
    return VirtuosoServer(d, int(state["port"]), int(state["http_port"]), int(state["pid"]))


def stop(directory: str | os.PathLike[str], timeout: float = STOP_TIMEOUT) -> None:
    """Stop the server that :func:`start` left running on DIR."""
    attach(directory).stop(timeout=timeout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_start = sub.add_parser("start", help="start a server on DIR and return once it answers")
    p_start.add_argument("--dir", required=True, type=Path, help="folder for the database, log and ini")
    p_start.add_argument("--port", required=True, type=int, help="SQL (isql) port on 127.0.0.1")
    p_start.add_argument("--http-port", type=int, default=None, help="HTTP port on 127.0.0.1 (default: a free one)")
    p_start.add_argument("--timeout", type=float, default=START_TIMEOUT, help="seconds to wait for the endpoint")
    p_start.add_argument("--allow-dir", action="append", default=[], help="extra folder for DirsAllowed (bulk load)")
    p_stop = sub.add_parser("stop", help="stop the server started on DIR")
    p_stop.add_argument("--dir", required=True, type=Path)
    p_stop.add_argument("--timeout", type=float, default=STOP_TIMEOUT)
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            server = start(args.dir, args.port, args.http_port, timeout=args.timeout, extra_dirs=tuple(args.allow_dir))
            print(f"virtuoso pid {server.pid} ready in {server.startup_seconds:.1f} s")
            print(f"sparql      {server.sparql_url}")
            print(f"sparql-auth {server.auth_sparql_url}  (Digest {server.user}/{server.password})")
            print(f"graph-crud  {server.crud_url}  (Digest {server.user}/{server.password})")
            print(f"isql        {ISQL_BIN} 127.0.0.1:{server.port} {server.user} {server.password}")
        else:
            stop(args.dir, timeout=args.timeout)
            print(f"virtuoso on {args.dir} stopped")
    except VirtuosoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
