"""One error path for the whole command line: exit codes, one-line errors, credentials redacted.

Exit codes (the same for every command, in `--help` and the README):

    0  everything went through
    1  the run finished, but some cables were quarantined (the rest is published; see the report)
    2  the command line was wrong (click's usage errors)
    3  the run could not finish: a server down, a folder busy, a disk full, or a bug
  130  interrupted (Ctrl-C)

Why a code of its own for 3: a real corpus always quarantines a few cables, so `make publish` and
scripts must tell "finished with a report" (1) from "did not finish" (3). A failure prints one line
that says what went wrong and what to do; the traceback is behind `--debug` (or CABLEGRAPH_DEBUG=1).
Every message and traceback passes through `redact` first: a password written into an endpoint URL
(`http://user:PW@host/...`) or held in CABLEGRAPH_PASSWORD never reaches the terminal or a log.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import click

EXIT_OK = 0
EXIT_QUARANTINED = 1
EXIT_USAGE = 2
EXIT_FAILED = 3
EXIT_INTERRUPTED = 130

_SECRET_VARIABLES = ("CABLEGRAPH_PASSWORD",)


def redact(text: str) -> str:
    """`text` with every URL password and every secret held in the environment replaced by ***."""
    from cablegraph.store.endpoint import redact_text

    return redact_text(text, [os.environ.get(name, "") for name in _SECRET_VARIABLES])


def debugging() -> bool:
    return os.environ.get("CABLEGRAPH_DEBUG", "").strip() not in ("", "0", "false", "no")


def _known_failures() -> tuple[type[BaseException], ...]:
    """Errors that describe the world, not a bug: their own message is the whole story."""
    from cablegraph.store.endpoint import EndpointError
    from cablegraph.store.oxigraph import ServerError
    from cablegraph.store.release import DataFolderBusy

    return (DataFolderBusy, ServerError, EndpointError, OSError)


class CommandLine(click.Group):
    """The `cablegraph` group, with the exit codes above and redacted one-line errors."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as error:
            error.show()
            sys.exit(EXIT_USAGE)
        except click.ClickException as error:  # a command's own "could not finish", with what to do
            click.echo(f"Error: {redact(error.format_message())}", err=True)
            sys.exit(EXIT_FAILED)
        except (click.Abort, KeyboardInterrupt):
            click.echo("\ninterrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:  # `cablegraph parse ... | head`: the reader has what it wanted
            _silence_stdout()
            sys.exit(EXIT_OK)
        except Exception as error:
            sys.exit(_report(error))
        sys.exit(EXIT_OK)


def _report(error: Exception) -> int:
    if debugging():
        click.echo(redact("".join(traceback.format_exception(error))), err=True, nl=False)
    if isinstance(error, _known_failures()):
        click.echo(f"Error: {redact(str(error))}", err=True)
    else:
        click.echo(f"Error: {type(error).__name__}: {redact(str(error))[:500]}\n"
                   "  cablegraph stopped on something it did not expect: run again with --debug for the "
                   "traceback, and report it if it looks like a bug", err=True)
    return EXIT_FAILED


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's last flush raises nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def enable_debug(context: click.Context, parameter: click.Parameter, value: bool) -> None:
    """`cablegraph --debug COMMAND`: tracebacks for failures (the same switch as CABLEGRAPH_DEBUG=1)."""
    if value:
        os.environ["CABLEGRAPH_DEBUG"] = "1"
