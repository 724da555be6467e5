"""``calmline analyze --dask``: analyses partitioned by conversation on a Dask cluster, written in input order."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from calmline.analyze import analyze_many
from calmline.insights.run import PARTITION, chunks, dask_client, window_of
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
    with dask_client(address, workers) as (client, _):
        window = window_of(client)
        pending: deque[Any] = deque()
        for chunk in chunks(conversations, partition):
            pending.append(client.submit(_analyse_partition, chunk, include_text, pure=False))
            while len(pending) >= window:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
