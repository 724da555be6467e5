"""The ``calmline`` command line: thin Typer wrappers over the library."""

from __future__ import annotations

import errno
import io
import sys
from typing import Annotated

import typer

from calmline.cli._alerts import alerts_app
from calmline.cli._analyze import analyze_command, demo_command, labels_command
from calmline.cli._guide import coach_command, guide_command
from calmline.cli._practice import practice_command
from calmline.cli._report import report_command
from calmline.cli._serve import serve_command

app = typer.Typer(
    name="calmline",
    help="Read, guide and coach difficult customer-support conversations - offline and explainable.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from calmline import __version__

        typer.echo(f"calmline {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Read, guide and coach difficult customer-support conversations - offline and explainable."""


app.command("analyze")(analyze_command)
app.command("demo")(demo_command)
app.command("labels")(labels_command)
app.command("guide")(guide_command)
app.command("coach")(coach_command)
app.command("serve")(serve_command)
app.command("practice")(practice_command)


@app.command("model-card")
def model_card_command() -> None:
    """Show the shipped models' card: what data went in, under what licence, measured how."""
    from calmline.models.learned import model_card

    typer.echo(model_card())


app.command("report")(report_command)
app.add_typer(alerts_app, name="alerts")


@app.command("bench")
def bench_command(
    quick: Annotated[bool, typer.Option(help="Smaller samples, for a fast look.")] = False,
    data: Annotated[str, typer.Option(help="Folder of the public data sets.")] = "../shared/data",
) -> None:
    """Measure quality and speed against VADER and alt-profanity-check; prints a table."""
    from pathlib import Path

    if (Path.cwd() / "bench" / "run.py").is_file() and str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    import importlib

    try:
        bench_main = importlib.import_module("bench.run").main  # the checkout's bench/, not part of the package
    except ImportError:
        typer.echo(
            "The benchmark lives in the repository's bench/ folder: run it from a checkout (make bench).", err=True
        )
        raise typer.Exit(2) from None
    bench_main(["--data", data] + (["--quick"] if quick else []))


class _ClosedOutput(io.TextIOBase):
    """Standard output of a process started without one (``>&-``): writing is an error, not a traceback."""

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def main() -> None:
    """Entry point of the ``calmline`` console script."""
    if sys.stdin is None:  # started with stdin closed (`<&-`): reading it finds no input, as at end of file
        sys.stdin = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()
    for stream in (sys.stdout, sys.stderr):
        # text from the input (a lone surrogate, undecodable bytes in an argument) is shown escaped,
        # never a UnicodeEncodeError half-way through the output
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        app()
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
    except OSError as exc:  # the output could not be written: a full disk, a closed stdout
        typer.echo(f"error: cannot write the output: {exc.strerror or exc}", err=True)
        raise SystemExit(2) from None


__all__ = ["app", "main"]
