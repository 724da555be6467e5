"""``calmline analyze``, ``calmline demo`` and ``calmline labels``."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from calmline.analyze import analyze_many
from calmline.errors import CalmlineError, InputError, InputFormatError
from calmline.io import read_conversations
from calmline.types import CUSTOMER_LABELS, LABEL_MEANINGS, Conversation, Role, Turn


class OutputFormat(StrEnum):
    pretty = "pretty"
    jsonl = "jsonl"


class InputFormat(StrEnum):
    auto = "auto"
    jsonl = "jsonl"
    csv = "csv"
    text = "text"


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
) -> None:
    """Read customer messages: signals with evidence, frustration, emotion and conversation state."""
    if text is not None:
        conversations = iter([Conversation(id="text", turns=(Turn(role=Role.CUSTOMER, text=text),))])
        _run(conversations, output, include_text)
        return
    bad: list[InputError] = []

    def on_bad(err: InputError) -> None:
        bad.append(err)
        typer.echo(f"skipped: {err}", err=True)

    source = "-" if path in (None, "-") else path
    if source == "-" and sys.stdin.isatty():
        typer.echo("Reading conversations from stdin (JSONL, CSV or 'Customer: ...' lines); Ctrl-D to end.", err=True)
    fmt = None if input_format is InputFormat.auto else input_format.value
    try:
        conversations = read_conversations(source, format=fmt, skip_bad=skip_bad, on_bad=on_bad)  # type: ignore[arg-type]
        _run(conversations, output, include_text)
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
    output: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.pretty,
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

    names = registry.available()
    for label in CUSTOMER_LABELS:
        sources = [n for n in names if n.rsplit(".", 1)[0] == label]
        meaning = LABEL_MEANINGS[label]
        if output is OutputFormat.jsonl:
            typer.echo(json.dumps({"label": label, "meaning": meaning, "detectors": sources}))
        else:
            typer.echo(f"{label:20} {meaning}\n{'':20} detectors: {', '.join(sources)}")


def _run(conversations: object, output: OutputFormat, include_text: bool) -> None:
    from collections.abc import Iterable

    assert isinstance(conversations, Iterable)
    from calmline.cli._progress import progress

    analyses = progress(analyze_many(conversations), "conversations analysed")
    if output is OutputFormat.jsonl:
        out = sys.stdout
        for a in analyses:
            out.write(json.dumps(a.to_dict(include_text=include_text), ensure_ascii=False) + "\n")
        out.flush()
        return
    from calmline.cli._render import render_analysis

    for a in analyses:
        render_analysis(a)
