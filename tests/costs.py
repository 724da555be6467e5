"""Cost checks shared by the bounded-cost tests: how much longer 8x the text takes (linear work gives about 8)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_cpu(call: Callable[[str], object], text: str) -> float:
    """The least CPU time of three calls on ``text``."""
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        call(text)
        best = min(best, time.process_time() - t0)
    return best


def padded(head: str, fill: str, tail: str, n: int) -> str:
    """``head``, then ``fill`` repeated, then ``tail``: about ``n`` characters."""
    return head + fill * ((n - len(head) - len(tail)) // len(fill)) + tail


def padded_ratio(call: Callable[[str], object], head: str, fill: str, tail: str, floor: float) -> float:
    """The cost of a 20,000-character padded text over that of a 2,500-character one (caches warmed first)."""
    call(padded(head, fill, tail, 200))
    long, short = padded(head, fill, tail, 20_000), padded(head, fill, tail, 2_500)
    return best_cpu(call, long) / max(best_cpu(call, short), floor)


#: 8x the text may cost at most this many times the time (linear work gives about 8, quadratic 64)
LIMIT = 30


def assert_padded_linear(call: Callable[[str], object], name: str, spec: tuple[str, str, str], floor: float) -> None:
    """Assert that ``call`` on the padded text ``spec`` (head, fill, tail) costs linear time in its length."""
    ratio = padded_ratio(call, *spec, floor=floor)
    assert ratio < LIMIT, f"{name}: 8x the text cost {ratio:.0f}x the time"
