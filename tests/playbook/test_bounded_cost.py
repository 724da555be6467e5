"""Guidance cost grows linearly with the message length (the issue text is split and restated with regexes).

Not a speed target: the cost of a message is compared with that of the same message eight times
longer. Three fact-extraction regexes began with an unbounded whitespace run, tried again from
every space of a long run: "on hold for 2" and 20,000 spaces took 11 s to guide.
"""

from __future__ import annotations

import time

import pytest

import calmline

PADDED = {
    "waiting then spaces": ("I was on hold for 2", " ", "x, and where is my refund?"),
    "waiting then newlines": ("Still waiting, ", "\n", "and nobody answers"),
    "swearing then tabs": ("still no bloody refund", "\t", ", so"),
}


def _cost(text: str) -> float:
    analysis = calmline.analyze(calmline.Conversation.from_texts(("customer", text)))
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        calmline.decide(analysis)
        best = min(best, time.process_time() - t0)
    return best


@pytest.mark.parametrize("name", sorted(PADDED))
def test_guidance_cost_is_linear_in_length(name: str) -> None:
    head, fill, tail = PADDED[name]

    def text(n: int) -> str:
        return head + fill * ((n - len(head) - len(tail)) // len(fill)) + tail

    _cost(text(200))  # warm caches
    ratio = _cost(text(20_000)) / max(_cost(text(2_500)), 1e-3)
    assert ratio < 30, f"{name}: 8x the text cost {ratio:.0f}x the time"
