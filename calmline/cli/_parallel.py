"""``calmline analyze --workers N``: JSONL output from N processes, in input order.

The main process reads the input (so bad records are reported exactly as with one
process) and hands chunks of conversations to a pool; at most ``2 * N`` chunks are in
flight, so memory stays constant however long the input. Results are written in
the order of the input. Where ``fork`` is available the reader is built once in the
parent and inherited by the workers; elsewhere each worker builds its own.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.context import BaseContext
from typing import Any

from calmline._jsonl import dumps_line
from calmline.analyze import analyze_many, batches, default_reader
from calmline.types import Conversation, Role, Turn

__all__ = ["jsonl_lines", "parallel_jsonl_lines"]

#: conversations per task: large enough to amortise the hand-off, small enough to balance
CHUNK = 128


def jsonl_lines(conversations: Iterable[Conversation], include_text: bool) -> Iterator[str]:
    """One JSON line per analysed conversation (the ``--format jsonl`` output)."""
    for a in analyze_many(conversations):
        yield dumps_line(a.to_dict(include_text=include_text))


_Packed = tuple[str, list[tuple[str, str, Any, Any, Any, dict[str, Any]]], dict[str, Any]]


def _pack(c: Conversation) -> _Packed:
    """A conversation as plain values (its read-only mappings do not pickle)."""
    turns = [(t.role.value, t.text, t.ts, t.author, t.id, dict(t.meta)) for t in c.turns]
    return c.id, turns, dict(c.metadata)


def _unpack(p: _Packed) -> Conversation:
    cid, turns, metadata = p
    return Conversation(
        id=cid,
        turns=tuple(Turn(role=Role(r), text=x, ts=ts, author=a, id=i, meta=m) for r, x, ts, a, i, m in turns),
        metadata=metadata,
    )


def _chunk(packed: list[_Packed], include_text: bool) -> str:
    return "".join(jsonl_lines(map(_unpack, packed), include_text))


def parallel_jsonl_lines(conversations: Iterable[Conversation], workers: int, include_text: bool) -> Iterator[str]:
    """``jsonl_lines`` computed by ``workers`` processes, in input order (one string per chunk)."""
    if workers <= 1:
        yield from jsonl_lines(conversations, include_text)
        return
    ctx: BaseContext
    if "fork" in multiprocessing.get_all_start_methods():
        default_reader()  # built once here, inherited by the forked workers
        ctx = multiprocessing.get_context("fork")
    else:  # pragma: no cover - macOS/Windows: each worker loads its own reader
        ctx = multiprocessing.get_context("spawn")
    source = batches(conversations, CHUNK)
    failure: Exception | None = None  # a bad record: what was read before it is still written, then it is raised
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        pending: deque[Future[str]] = deque()
        while True:
            try:
                while failure is None and len(pending) < 2 * workers and (chunk := next(source, None)):
                    pending.append(pool.submit(_chunk, [_pack(c) for c in chunk], include_text))
            except Exception as exc:
                failure = exc
            if not pending:
                if failure is not None:
                    raise failure
                return
            yield pending.popleft().result()
