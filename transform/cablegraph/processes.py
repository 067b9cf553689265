"""Worker processes die with their parent, however the parent dies.

A pool's workers are forked children: when the parent ends normally the pool shuts them down, but a
parent killed with SIGKILL (the OOM killer, `kill -9`, a CI timeout) runs no cleanup, and the workers
sat there forever, blocked on a queue nobody writes to. Linux lets a child ask the kernel for a signal
when its parent dies (prctl PR_SET_PDEATHSIG); elsewhere a thread in the worker watches the parent's id.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Called first thing in a worker: end this process when `parent_pid` is gone."""
    if not (sys.platform.startswith("linux") and _ask_kernel()):
        threading.Thread(target=_watch, args=(parent_pid,), daemon=True, name="watch-parent").start()
    if os.getppid() != parent_pid:  # the parent died before we asked: nobody would tell us
        os._exit(1)


def _ask_kernel() -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(1.0)
    os._exit(1)
