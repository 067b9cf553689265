"""The embedded default store: the real Oxigraph server binary from the `oxigraph` PyPI package.

`OxigraphServer` starts `oxigraph serve` (or `serve-read-only` for publishing) on a data
directory bound to 127.0.0.1, waits until it answers a query, and stops it cleanly. While
it runs it leaves a small `cablegraph-server.json` in the directory, so other commands find
it and go over HTTP instead of opening the (locked) store. When no server holds the
directory, loading uses pyoxigraph's bulk loader on the same on-disk format, which is
several times faster than HTTP.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType, TracebackType

import requests

STATE_FILE = "cablegraph-server.json"


class ServerError(RuntimeError):
    """The server could not be started or reached; the message says why and what to do."""


def oxigraph_binary() -> str:
    """The `oxigraph` executable: beside this Python (the venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if not found:
        raise ServerError("the oxigraph server binary is not installed: pip install oxigraph (make setup does)")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def answers(url: str, timeout: float = 2.0) -> bool:
    try:
        response = requests.get(f"{url}/query", params={"query": "ASK {}"}, timeout=timeout,
                                headers={"Accept": "application/sparql-results+json"})
    except requests.RequestException:
        return False
    return response.status_code == 200


def running_server(location: str | Path, *, writable: bool = False) -> str | None:
    """The URL of a live cablegraph-started server holding `location` (a writable one with `writable`)."""
    info = server_info(location)
    if info is None or (writable and info.get("read_only", True)):
        return None
    return info["url"]


def server_info(location: str | Path) -> dict | None:
    """What the state file of a live server holding `location` says (pid, url, read_only), else None.

    A state file is believed only while its process lives and answers on its URL: a server killed with -9
    leaves the file behind.
    """
    state = Path(location) / STATE_FILE
    if not state.is_file():
        return None
    try:
        info = json.loads(state.read_text(encoding="utf-8"))
        os.kill(int(info["pid"]), 0)
    except (ValueError, KeyError, TypeError, OSError):
        return None
    return info if answers(info["url"]) else None


def port_taken(host: str, port: int) -> bool:
    """Whether something already listens on host:port (then a server we start there could not bind, and
    whatever answers would be somebody else's)."""
    with socket.socket() as sock:
        sock.settimeout(1.0)
        return sock.connect_ex((host, port)) == 0


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


class OxigraphServer:
    """`with OxigraphServer(dir) as server: ... server.url` — a real Oxigraph HTTP server on loopback."""

    def __init__(self, location: str | Path, *, port: int | None = None, host: str = "127.0.0.1",
                 read_only: bool = False, union_default_graph: bool = True, timeout_s: int | None = 60,
                 log: str | Path | None = None, record_state: bool = True):
        self.location = Path(location)
        self.host = host
        self.port = port or free_port(host)
        self.read_only = read_only
        self.union_default_graph = union_default_graph
        self.timeout_s = timeout_s
        self.log = Path(log) if log else self.location.parent / f"{self.location.name}-oxigraph.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.record_state = record_state  # a second reader of the same store (serve's public one) records none

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.url}/update"

    @property
    def store_url(self) -> str:
        """Graph Store Protocol: `?graph=IRI` or `?default` (a PUT with neither replaces the whole dataset)."""
        return f"{self.url}/store"

    def command(self) -> list[str]:
        mode = "serve-read-only" if self.read_only else "serve"
        command = [oxigraph_binary(), mode, "--location", str(self.location), "--bind", f"{self.host}:{self.port}"]
        if self.timeout_s:
            # Measured on Oxigraph 0.5.13: with --timeout-s every query leaves a thread alive until the timeout
            # has passed, however fast it answered (300 `ASK {}` -> 305 threads at 30 s, 5 without). A reader
            # that answers many quick queries must run without it, or it runs out of threads (see serve.py).
            command += ["--timeout-s", str(self.timeout_s)]
        if self.union_default_graph:
            command.append("--union-default-graph")
        return command

    def start(self, wait: float = 60.0) -> OxigraphServer:
        self.location.mkdir(parents=True, exist_ok=True)
        if port_taken(self.host, self.port):
            raise ServerError(f"port {self.port} on {self.host} is already in use by another process: stop it, "
                              "or choose another port")
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"oxigraph exited with code {self.process.returncode}: {self._log_tail()}")
            if answers(self.url, timeout=1.0):
                if self.process.poll() is not None:  # whatever answered is not our child: it could not bind
                    raise ServerError(f"oxigraph exited with code {self.process.returncode}: {self._log_tail()}")
                if not self.record_state:
                    return self
                (self.location / STATE_FILE).write_text(
                    json.dumps({"pid": self.process.pid, "url": self.url, "read_only": self.read_only}),
                    encoding="utf-8")
                return self
            time.sleep(0.1)
        self.stop()
        raise ServerError(f"oxigraph did not answer on {self.url} within {wait:.0f} s: {self._log_tail()}")

    def stop(self, wait: float = 15.0) -> None:
        if self.record_state:
            (self.location / STATE_FILE).unlink(missing_ok=True)
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=wait)

    def serve_forever(self) -> None:
        """Block until interrupted (Ctrl-C or SIGTERM), then stop the server."""
        assert self.process is not None
        # The server runs in a session of its own (so a Ctrl-C meant for us does not reach it first); SIGTERM's
        # default action would end this process without stopping it, and leave it orphaned on the store.
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            self.process.wait()
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            self.stop()

    def _log_tail(self) -> str:
        """The end of the server's log, as the line that says what went wrong (Oxigraph's own stack backtrace
        stays in the log file, which is named)."""
        try:
            tail = self.log.read_text(encoding="utf-8", errors="replace")[-2000:]
        except OSError:
            return "(no log)"
        tail = tail.split("Stack backtrace:")[0]
        lines = [line.strip() for line in tail.splitlines() if line.strip() and line.strip() != "Caused by:"]
        return f"{' / '.join(lines[-3:])[:400] or '(empty log)'} (log: {self.log})"

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()
