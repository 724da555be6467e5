"""Issue #19, item 5: a burst of heavy messages cannot hold up ordinary ones (a lane of their own)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from calmline.service.routes import messages
from tests.service.conftest import Api


def test_long_messages_queue_in_their_own_lane(api: Api, monkeypatch: Any) -> None:
    extend = messages.extend
    busy = threading.Semaphore(0)

    def slow_for_long_texts(analysis: Any, turn: Any) -> Any:
        if len(turn.text) > api.services.settings.heavy_text_chars:
            busy.release()
            time.sleep(1.5)  # an expensive analysis (threads of the pool it runs on are taken meanwhile)
        return extend(analysis, turn)

    monkeypatch.setattr(messages, "extend", slow_for_long_texts)
    convs = [api.as_("alice", "POST", "/conversations", json={}).json()["id"] for _ in range(5)]
    long_text = "Where is my refund? " * 200  # 4,000 characters

    def post(k: int, text: str) -> tuple[int, float]:
        t0 = time.monotonic()
        body = {"client_id": f"h{k}", "role": "customer", "text": text}
        r = api.as_("alice", "POST", f"/conversations/{convs[k]}/messages", json=body)
        return r.status_code, time.monotonic() - t0

    n_heavy = api.services.settings.message_threads
    with ThreadPoolExecutor(n_heavy + 1) as ex:
        heavy = [ex.submit(post, k, long_text) for k in range(n_heavy)]
        assert busy.acquire(timeout=10)  # the first heavy message is being analysed
        light = ex.submit(post, n_heavy, "Hello, quick question about my order").result()
        results = [f.result() for f in heavy]
    assert light[0] == 201 and light[1] < 1.0, light
    assert all(status == 201 for status, _ in results)
    # the heavy ones queued behind each other in their lane: the last waited for the others
    assert max(t for _, t in results) > 1.5 * 2
