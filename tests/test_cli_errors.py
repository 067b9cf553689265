"""One error path for the whole command line: the exit codes, one-line errors, --debug, no credential leaks.

These run the installed console script as a user would (a real process, real exit code, real stderr).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cablegraph.exits import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, redact
from cablegraph.store.oxigraph import free_port

SCRIPT = Path(sys.executable).with_name("cablegraph")
SECRET = "Sw0rdf1sh-s3cret"


def cablegraph(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


def test_redact_hides_url_passwords_and_the_password_variable(monkeypatch):
    monkeypatch.setenv("CABLEGRAPH_PASSWORD", SECRET)
    text = f"GET https://dba:{SECRET}@127.0.0.1:8890/sparql failed; sent {SECRET}; see http://plain.example/x"
    assert redact(text) == "GET https://dba:***@127.0.0.1:8890/sparql failed; sent ***; see http://plain.example/x"


def test_a_failure_to_reach_the_endpoint_exits_3_in_one_line_without_the_password():
    port = free_port()  # nothing listens there
    done = cablegraph("query", "count-per-post", "--endpoint", f"http://admin:{SECRET}@127.0.0.1:{port}/query")
    assert done.returncode == EXIT_FAILED
    assert SECRET not in done.stdout + done.stderr
    assert "admin:***@" in done.stderr
    assert "Traceback" not in done.stderr


def test_debug_shows_the_traceback_still_redacted(tmp_path):
    busy = tmp_path / "data"
    (busy / "store").mkdir(parents=True)
    (busy / "store" / "CURRENT").write_text("not a rocksdb store")  # opening it fails inside Oxigraph
    plain = cablegraph("query", "count-per-post", "--data", str(busy),
                       "--endpoint", f"http://u:{SECRET}@127.0.0.1:1/query")
    debug = cablegraph("--debug", "query", "count-per-post", "--data", str(busy),
                       "--endpoint", f"http://u:{SECRET}@127.0.0.1:1/query")
    assert plain.returncode == debug.returncode == EXIT_FAILED
    assert "Traceback" not in plain.stderr and len(plain.stderr.strip().splitlines()) <= 3
    assert "Traceback" in debug.stderr
    assert SECRET not in plain.stderr + debug.stderr


def test_usage_errors_exit_2():
    assert cablegraph("publish").returncode == EXIT_USAGE
    assert cablegraph("serve", "--data", "/nonexistent/cablegraph").returncode == EXIT_USAGE


def test_help_states_the_exit_codes():
    text = cablegraph("--help").stdout
    assert "Exit codes: 0" in text and "3 could not finish" in text


def test_ctrl_c_stops_the_server_and_its_oxigraph_without_a_traceback(tmp_path):
    """SIGINT right after the start (the race that once left Oxigraph running): no traceback, no orphan."""
    port = free_port()
    process = subprocess.Popen([str(SCRIPT), "serve", "--read-write", "--data", str(tmp_path / "data"),
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "Ctrl-C to stop" in _read_until(process, "Ctrl-C")
        oxigraph = _listener_pids(port)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode in (0, EXIT_INTERRUPTED)
    assert "Traceback" not in err
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(pid) for pid in oxigraph):
        time.sleep(0.1)
    assert oxigraph and not [pid for pid in oxigraph if _alive(pid)], "Oxigraph outlived its serve"


def test_sigterm_stops_the_read_write_server_and_its_oxigraph(tmp_path):
    """`serve --read-write` runs Oxigraph in a session of its own: SIGTERM must stop both, not orphan it."""
    port = free_port()
    process = subprocess.Popen([str(SCRIPT), "serve", "--read-write", "--data", str(tmp_path / "data"),
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _read_until(process, "Ctrl-C")
        oxigraph = _listener_pids(port)
        assert oxigraph, "no Oxigraph process listening"
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(pid) for pid in oxigraph):
            time.sleep(0.1)
        assert not [pid for pid in oxigraph if _alive(pid)], "Oxigraph outlived its serve"
    finally:
        if process.poll() is None:
            process.kill()


def test_a_server_that_is_not_ours_on_the_port_is_refused(tmp_path):
    """A new serve must not report "serving" while somebody else's server answers on its port."""
    import socket

    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        done = cablegraph("serve", "--read-write", "--data", str(tmp_path / "data"), "--port", str(port))
    assert done.returncode == EXIT_FAILED
    assert "already in use" in done.stderr


def _read_until(process: subprocess.Popen[str], marker: str, seconds: float = 60) -> str:
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    pytest.fail(f"no {marker!r} in the output: {''.join(seen)}")


def _listener_pids(port: int) -> list[int]:
    """Processes with a listening socket on the port (from /proc, no tools needed)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                inodes.add(fields[9])
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            links = [os.readlink(fd) for fd in (entry / "fd").iterdir()]
        except OSError:
            continue
        if any(link in {f"socket:[{inode}]" for inode in inodes} for link in links):
            pids.append(int(entry.name))
    return pids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
