"""``calmline report``: incident review, friction, recognition and wellbeing over an archive."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from calmline.errors import CalmlineError, InputError
from calmline.io import read_conversations
from calmline.types import Conversation

if TYPE_CHECKING:
    from calmline.insights import Totals

__all__ = ["report_command"]


class ReportFormat(StrEnum):
    html = "html"
    json = "json"


def _progress() -> tuple[object, object]:
    done = [0]
    tty = sys.stderr.isatty()

    def tick(n: int) -> None:
        done[0] += n
        if tty and n:
            sys.stderr.write(f"\r[{'#' * min(30, done[0] // 500):<30}] {done[0]:,} conversations")
            sys.stderr.flush()

    def close() -> None:
        if tty:
            sys.stderr.write("\n")

    return tick, close


def report_command(
    archive: Annotated[
        str | None, typer.Argument(help="JSONL, CSV or transcript archive as analyze reads it; '-' is stdin.")
    ] = None,
    out: Annotated[str | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
    output: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="html for people, json for BI tools.")
    ] = ReportFormat.html,
    workers: Annotated[int, typer.Option(min=1, max=256, help="Processes on this machine.")] = 1,
    dask: Annotated[str | None, typer.Option(help="A Dask scheduler address, or 'local' for a local cluster.")] = None,
    team: Annotated[str | None, typer.Option(help="Only conversations of this team.")] = None,
    since: Annotated[str | None, typer.Option(help="Only conversations from this date (YYYY-MM-DD).")] = None,
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Skip bad records instead of stopping.")] = False,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Report over the live service database instead of a file.")
    ] = None,
) -> None:
    """Write the team report (one offline HTML file with charts, or JSON) for an archive."""
    from calmline.insights import build_report
    from calmline.insights.html import render_html
    from calmline.insights.run import totals_parallel

    try:
        start = date.fromisoformat(since) if since else None
    except ValueError:
        typer.echo(f"error: --since {since!r} is not a date (YYYY-MM-DD)", err=True)
        raise typer.Exit(2) from None
    if dask is not None and not dask.strip():
        typer.echo("error: --dask needs a scheduler address or 'local'", err=True)
        raise typer.Exit(2)
    if database_url is not None and archive is not None:
        typer.echo("error: give an ARCHIVE or --database-url, not both", err=True)
        raise typer.Exit(2)
    source = "-" if archive in (None, "-") else archive

    def on_bad(err: InputError) -> None:
        typer.echo(f"skipped: {err}", err=True)

    def keep(conv: Conversation) -> bool:
        if team is not None and str(conv.metadata.get("team", "")) != team:
            return False
        if start is not None:
            ts = next((t.ts for t in conv.turns if t.ts is not None), None)
            return ts is not None and ts.date() >= start
        return True

    tick, close = _progress()
    try:
        if database_url is not None:
            totals = _from_database(database_url, start, team, workers, dask, tick)  # type: ignore[arg-type]
        else:
            stream = (c for c in read_conversations(source, skip_bad=skip_bad, on_bad=on_bad) if keep(c))
            totals = totals_parallel(stream, workers=workers, dask=dask, progress=tick)  # type: ignore[arg-type]
    except CalmlineError as exc:
        close()  # type: ignore[operator]
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except (OSError, RuntimeError, ValueError) as exc:
        close()  # type: ignore[operator]
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    close()  # type: ignore[operator]
    report = build_report(totals)
    text = (
        json.dumps(report, ensure_ascii=False, indent=1) + "\n" if output is ReportFormat.json else render_html(report)
    )
    if out is None:
        sys.stdout.write(text)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        typer.echo(f"error: cannot write {out}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"wrote {out} ({totals.conversations} conversations)", err=True)


def _from_database(
    url: str, start: date | None, team: str | None, workers: int, dask: str | None, tick: Callable[[int], None]
) -> Totals:
    from datetime import UTC, datetime, time

    from calmline.cli._db import database_session
    from calmline.insights.db import stored_conversations
    from calmline.insights.run import totals_parallel

    since = datetime.combine(start, time(), tzinfo=UTC) if start else None
    with database_session(url, pool_size=2) as s:
        convs = stored_conversations(s, since=since, team=team)
        return totals_parallel(convs, workers=workers, dask=dask, progress=tick)
