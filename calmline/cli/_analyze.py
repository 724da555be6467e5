"""``calmline analyze``, ``calmline demo`` and ``calmline labels``."""

from __future__ import annotations

import sys
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from calmline._jsonl import dumps_line
from calmline.analyze import analyze_many
from calmline.errors import CalmlineError, InputError, InputFormatError
from calmline.io import read_conversations
from calmline.types import CUSTOMER_LABELS, LABEL_MEANINGS, Conversation, Role, Turn

#: longer customer messages are read up to this many characters (``Reader``'s default)
MAX_CHARS = 20_000


def _warn_long(err: InputError) -> None:
    typer.echo(f"warning: {err}", err=True)


class OutputFormat(StrEnum):
    pretty = "pretty"
    jsonl = "jsonl"


class InputFormat(StrEnum):
    auto = "auto"
    jsonl = "jsonl"
    csv = "csv"
    text = "text"


def text_conversation(text: str) -> Conversation:
    """The one-message conversation of ``--text`` (exit 2 when it is empty; a warning when it is cut)."""
    if not text.strip():
        typer.echo("error: --text: the message is empty; give the customer's words", err=True)
        raise typer.Exit(2)
    if len(text) > MAX_CHARS:
        typer.echo(
            f"warning: --text: message of {len(text):,} characters is longer than {MAX_CHARS:,}; "
            f"only its first {MAX_CHARS:,} are read",
            err=True,
        )
    return Conversation(id="text", turns=(Turn(role=Role.CUSTOMER, text=text),))


def analyze_command(
    path: Annotated[
        str | None, typer.Argument(help="A JSONL, CSV or plain-text transcript file; '-' or nothing reads stdin.")
    ] = None,
    text: Annotated[str | None, typer.Option("--text", "-t", help="Analyse one customer message instead.")] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="pretty for people, jsonl for machines.")
    ] = OutputFormat.pretty,
    input_format: Annotated[
        InputFormat, typer.Option("--input-format", help="Override format detection.")
    ] = InputFormat.auto,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Skip bad records (reported on stderr) instead of stopping.")
    ] = False,
    include_text: Annotated[
        bool, typer.Option("--include-text", help="Copy each turn's text into the JSONL output.")
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", "-w", min=1, max=256, help="Processes for --format jsonl (output keeps the input order)."
        ),
    ] = 1,
    dask: Annotated[
        str | None, typer.Option("--dask", help="Run on a Dask scheduler (address) or 'local'; JSONL output.")
    ] = None,
) -> None:
    """Read customer messages: signals with evidence, frustration, emotion and conversation state."""
    if text is not None:
        _run(iter([text_conversation(text)]), output, include_text)
        return
    if workers > 1 and output is not OutputFormat.jsonl:
        typer.echo("note: --workers applies to --format jsonl; reading in one process.", err=True)
    bad: list[InputError] = []

    def on_bad(err: InputError) -> None:
        bad.append(err)
        typer.echo(f"skipped: {err}", err=True)

    source = "-" if path in (None, "-") else path
    if source == "-" and sys.stdin.isatty():
        typer.echo("Reading conversations from stdin (JSONL, CSV or 'Customer: ...' lines); Ctrl-D to end.", err=True)
    fmt = None if input_format is InputFormat.auto else input_format.value
    try:
        conversations = read_conversations(
            source,
            format=fmt,  # type: ignore[arg-type]
            skip_bad=skip_bad,
            on_bad=on_bad,
            on_long=_warn_long,
            max_chars=MAX_CHARS,
        )
        if dask:
            _run_dask(conversations, dask, include_text)
        else:
            _run(conversations, output, include_text, workers)
    except CalmlineError as exc:
        typer.echo(f"error: {exc}", err=True)
        if _skipping_helps(exc, skip_bad):
            typer.echo("hint: --skip-bad processes the valid records and reports the bad ones.", err=True)
        raise typer.Exit(2) from None
    if bad:
        typer.echo(f"{len(bad)} bad record(s) skipped.", err=True)


def _skipping_helps(exc: CalmlineError, skip_bad: bool) -> bool:
    """Only a bad record among others can be skipped: not a missing, empty, binary or undecodable file."""
    return isinstance(exc, InputError) and not isinstance(exc, InputFormatError) and not skip_bad


def demo_command(
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="pretty for people, jsonl for machines.")
    ] = OutputFormat.pretty,
) -> None:
    """Analyse the bundled sample conversations and print the result."""
    ref = resources.files("calmline").joinpath("data").joinpath("samples").joinpath("conversations.jsonl")
    with resources.as_file(ref) as sample:
        _run(read_conversations(Path(sample)), output, include_text=True)


def labels_command(
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="pretty or jsonl.")] = OutputFormat.pretty,
) -> None:
    """List the customer signal labels: what each means and the detectors that produce it (docs/labels.md)."""
    from calmline import registry
    from calmline.signals._learned_mix import LEARNED_ABUSE_SOURCE, LEARNED_PROFANITY_SOURCE

    # the rule detectors (and plug-ins) by their registered names, then the learned layer's signals
    # (not registered detectors: the reader adds them after the rules, see docs/labels.md)
    names = [*registry.available(), LEARNED_ABUSE_SOURCE, LEARNED_PROFANITY_SOURCE]
    for label in CUSTOMER_LABELS:
        sources = [n for n in names if n.startswith(f"{label}.")]
        meaning = LABEL_MEANINGS[label]
        if output is OutputFormat.jsonl:
            sys.stdout.write(dumps_line({"label": label, "meaning": meaning, "detectors": sources}))
        else:
            typer.echo(f"{label:20} {meaning}\n{'':20} detectors: {', '.join(sources)}")


def _run(conversations: object, output: OutputFormat, include_text: bool, workers: int = 1) -> None:
    from collections.abc import Iterable

    assert isinstance(conversations, Iterable)
    from calmline.cli._progress import progress

    conversations = progress(conversations, "conversations analysed")
    if output is OutputFormat.jsonl:
        from calmline.cli._parallel import parallel_jsonl_lines

        out = sys.stdout
        write = out.write
        for line in parallel_jsonl_lines(conversations, workers, include_text):
            write(line)
        out.flush()
        return
    analyses = analyze_many(conversations)
    from calmline.cli._render import render_analysis

    for a in analyses:
        render_analysis(a)


def _run_dask(conversations: object, address: str, include_text: bool) -> None:
    """``--dask``: partitions of conversations analysed on Dask, written as JSONL in input order."""
    from collections.abc import Iterable

    from calmline.insights.distributed import analyze_on_dask

    assert isinstance(conversations, Iterable)
    try:
        for row in analyze_on_dask(conversations, address, include_text=include_text):
            sys.stdout.write(dumps_line(row))
    except (OSError, RuntimeError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    sys.stdout.flush()
