"""Run the insights over a stream of conversations: in this process, in N processes, or on Dask.

The work is partitioned by conversation: each partition is analysed and summed into
:class:`Totals`, and the partial totals are merged (a reduce), so the result does not
depend on how the archive was split.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

from calmline.analyze import analyze_many
from calmline.insights.reduce import Totals
from calmline.insights.summary import summarize
from calmline.types import Conversation

__all__ = ["PARTITION", "chunks", "totals_for", "totals_parallel"]

PARTITION = 500  # conversations per partition
Progress = Callable[[int], None]


def totals_for(conversations: Iterable[Conversation], progress: Progress | None = None) -> Totals:
    """Analyse and add up ``conversations`` in this process."""
    totals = Totals()
    for n, analysis in enumerate(analyze_many(conversations), 1):
        totals.add(summarize(analysis))
        if progress is not None and n % 50 == 0:
            progress(50)
    if progress is not None:
        progress(totals.conversations % 50)
    return totals


def _partition_totals(chunk: list[Conversation]) -> Totals:
    return totals_for(chunk)


def chunks(conversations: Iterable[Conversation], size: int) -> Iterator[list[Conversation]]:
    it = iter(conversations)
    while chunk := list(islice(it, size)):
        yield chunk


def totals_parallel(
    conversations: Iterable[Conversation],
    *,
    workers: int = 1,
    dask: str | None = None,
    progress: Progress | None = None,
    partition: int = PARTITION,
) -> Totals:
    """Totals over ``conversations`` with ``workers`` processes, or on Dask (an address or ``"local"``)."""
    if dask:
        return _on_dask(conversations, dask, workers, progress, partition)
    if workers <= 1:
        return totals_for(conversations, progress)
    import multiprocessing

    totals = Totals()
    ctx = multiprocessing.get_context("spawn")  # no fork of a process holding models and threads
    with ctx.Pool(workers) as pool:
        for part in pool.imap(_partition_totals, chunks(conversations, partition)):
            totals.merge(part)
            if progress is not None:
                progress(part.conversations)
    return totals


@contextmanager
def dask_client(address: str, workers: int) -> Iterator[tuple[Any, Any]]:
    """A Dask client on ``address`` (or a local cluster of ``workers`` processes for 'local'), and the module."""
    try:
        import distributed
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise RuntimeError("--dask needs the dask extra: pip install 'calmline[dask]'") from exc
    dd: Any = distributed
    cluster: Any = None
    if address == "local":
        cluster = dd.LocalCluster(
            n_workers=max(workers, 2), threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = dd.Client(cluster)
    else:
        client = dd.Client(address)
    try:
        yield client, dd
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def window_of(client: Any) -> int:
    """Partitions kept in flight: bounded memory on the client side."""
    return max(2 * len(client.scheduler_info().get("workers", {})), 4)


def _on_dask(
    conversations: Iterable[Conversation], address: str, workers: int, progress: Progress | None, partition: int
) -> Totals:
    with dask_client(address, workers) as (client, dd):
        totals = Totals()
        window = window_of(client)
        pending = dd.as_completed()
        for chunk in chunks(conversations, partition):
            pending.add(client.submit(_partition_totals, chunk, pure=False))
            while pending.count() >= window:
                _collect(next(pending), totals, progress)
        for future in pending:
            _collect(future, totals, progress)
        return totals


def _collect(future: Any, totals: Totals, progress: Progress | None) -> None:
    part: Totals = future.result()
    totals.merge(part)
    if progress is not None:
        progress(part.conversations)
