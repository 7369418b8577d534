"""Command line: a thin shell over the library.

Exit codes: 0 success (valid), 1 problems found in the data or a failed job, 2 usage or
I/O error. A user mistake never prints a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..errors import DataValidationError, PolicyBenchError, UnknownIdError
from . import agreement, analysis, commands, reporting, timeline, workflow
from .base import UsageError

COMMANDS = {
    **commands.COMMANDS,
    **analysis.COMMANDS,
    **reporting.COMMANDS,
    **workflow.COMMANDS,
}
COMMANDS.update(agreement.COMMANDS)
COMMANDS.update(timeline.COMMANDS)

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() owns the exit code."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    from .. import __version__

    parser = _Parser(prog="policybench", description="Benchmark reform measures of China's national high-tech zones.")
    parser.add_argument("--version", action="version", version=f"policybench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (help_text, configure, _run) in COMMANDS.items():
        configure(sub.add_parser(name, help=help_text, description=help_text))
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
        return int(COMMANDS[args.command][2](args))
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DataValidationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("run 'policybench validate' on these files for the full report", file=sys.stderr)
        return 1
    except (UnknownIdError, PolicyBenchError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
