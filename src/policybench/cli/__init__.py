"""Command line: a thin shell over the library.

Exit codes: 0 success (valid), 1 problems found in the data or a failed job, 2 usage or
I/O error. A user mistake never prints a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ..errors import IO_ISSUE_CODES, DataValidationError, PolicyBenchError, UnknownIdError
from . import agreement, analysis, commands, drafting, reporting, timeline, workflow
from .base import UsageError, add_output_folder_flag, check_output_folder, echo

COMMANDS = {
    **commands.COMMANDS,
    **analysis.COMMANDS,
    **reporting.COMMANDS,
    **workflow.COMMANDS,
}
COMMANDS.update(agreement.COMMANDS)
COMMANDS.update(drafting.COMMANDS)
COMMANDS.update(timeline.COMMANDS)

__all__ = ["EXIT_CODES", "main"]

#: What the exit codes mean; printed by --help and stated in the README (a test keeps them equal).
EXIT_CODES = (
    "Exit codes: 0 success; 1 problems in the data or a failed batch job; 2 usage error (an unknown "
    "zone id, an invalid date, a missing extra) or a file that is missing or cannot be read; 130 interrupted; "
    "141 output pipe closed (e.g. | head)."
)


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() owns the exit code."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    from .._version import __version__

    parser = _Parser(
        prog="policybench",
        description="Benchmark reform measures of China's national high-tech zones.",
        epilog=EXIT_CODES,
    )
    parser.add_argument("--version", action="version", version=f"policybench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (help_text, configure, _run) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        configure(command)
        add_output_folder_flag(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        check_output_folder(args)
        return int(COMMANDS[args.command][2](args))
    except BrokenPipeError:  # before OSError, which it is
        return _broken_pipe()
    except (PolicyBenchError, OSError) as exc:
        return _report(exc)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _report(exc: PolicyBenchError | OSError) -> int:
    """Print an error the user can act on (no traceback) and return its exit code."""
    if isinstance(exc, OSError):
        echo(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
        return 2
    echo(f"error: {exc}", err=True)
    if isinstance(exc, UsageError | UnknownIdError):  # an unknown zone id on the command line is a usage error
        return 2
    if isinstance(exc, DataValidationError):
        if any(i.code in IO_ISSUE_CODES for i in exc.issues):
            return 2  # a missing or unreadable file is an I/O error
        print("run 'policybench validate' on these files for the full report", file=sys.stderr)
    return 1


def _broken_pipe() -> int:
    """The reader went away (``policybench list measures | head``): stop quietly.

    stdout is pointed at /dev/null so that the interpreter's final flush does not raise
    again; the exit code is 141 (128 + SIGPIPE), as for other Unix tools.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout without a file descriptor (tests, notebooks)
        pass
    return 141


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
