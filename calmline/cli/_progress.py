"""A progress line on stderr for long jobs: only when stderr is a terminal, and only after a second.

Short runs and pipes (``2> log``, CI) see nothing; stdout is never touched, so ``--format jsonl``
output stays clean. When stdout is the same terminal the results themselves show progress, so
the line appears only when the output goes elsewhere (``> signals.jsonl``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

__all__ = ["DELAY_S", "progress"]

#: a job shorter than this shows no progress at all
DELAY_S = 1.0


def progress(items: Iterable[T], what: str, *, delay_s: float = DELAY_S, force: bool | None = None) -> Iterator[T]:
    """Yield ``items``; once ``delay_s`` has passed (and stderr is a terminal), show a count and rate on stderr."""
    show = (sys.stderr.isatty() and not sys.stdout.isatty()) if force is None else force
    if not show:
        yield from items
        return
    from rich.console import Console
    from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    start = time.monotonic()
    bar: Progress | None = None
    task = None
    try:
        for done, item in enumerate(items, 1):
            yield item
            if bar is None and time.monotonic() - start >= delay_s:
                bar = Progress(
                    SpinnerColumn(),
                    TextColumn("{task.description}"),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    console=Console(stderr=True, force_terminal=force),
                    transient=True,
                    redirect_stdout=False,
                    redirect_stderr=False,
                )
                bar.start()
                task = bar.add_task(what, total=None)
            if bar is not None and task is not None:
                bar.update(task, completed=done)
    finally:
        if bar is not None:
            bar.stop()
