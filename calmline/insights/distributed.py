"""``calmline analyze --dask``: analyses partitioned by conversation on a Dask cluster, written in input order."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from calmline.analyze import analyze_many
from calmline.insights.run import PARTITION, chunks
from calmline.types import Conversation

__all__ = ["analyze_on_dask"]


def _analyse_partition(chunk: list[Conversation], include_text: bool) -> list[dict[str, Any]]:
    return [a.to_dict(include_text=include_text) for a in analyze_many(chunk)]


def analyze_on_dask(
    conversations: Iterable[Conversation],
    address: str,
    *,
    include_text: bool = False,
    workers: int = 2,
    partition: int = PARTITION,
) -> Iterator[dict[str, Any]]:
    """Each analysis as ``Analysis.to_dict``, in input order; a bounded window of partitions in flight."""
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
        window = max(2 * len(client.scheduler_info().get("workers", {})), 4)
        pending: deque[Any] = deque()
        for chunk in chunks(conversations, partition):
            pending.append(client.submit(_analyse_partition, chunk, include_text, pure=False))
            while len(pending) >= window:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
