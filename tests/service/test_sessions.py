"""Issue #19, item 6: revocation is immediate on every worker and ends open streams; cursor per team; idle streams."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from calmline.service import events
from calmline.service.app import build_services, create_app
from calmline.service.settings import Settings
from tests.service.conftest import Api, say


def test_a_revoked_token_stops_at_once_on_another_worker(api: Api, settings: Settings) -> None:
    other = build_services(settings)  # a second worker process: its own services, the same database
    with TestClient(create_app(settings, services=other), raise_server_exceptions=False) as worker2:
        h = api.h("alice")
        assert worker2.get("/conversations", headers=h).status_code == 200  # seen (and cached, before) there
        token_id = api.tokens["alice"].split("_")[1]
        assert api.as_("admin", "DELETE", f"/admin/tokens/{token_id}").status_code == 200
        assert worker2.get("/conversations", headers=h).status_code == 401
        assert api.client.get("/conversations", headers=h).status_code == 401
    other.engine.dispose()


def test_revocation_ends_an_open_stream(api: Api, conv: dict[str, Any]) -> None:
    api.services.settings.sse_poll_s = 0.05
    lines: list[str] = []
    started = threading.Event()

    def follow() -> None:
        url = f"/conversations/{conv['id']}/events?max_s=20"
        with api.client.stream("GET", url, headers=api.h("alice")) as r:
            for line in r.iter_lines():
                lines.append(line)
                started.set()

    t0 = time.monotonic()
    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    assert started.wait(10)
    token_id = api.tokens["alice"].split("_")[1]
    assert api.as_("admin", "DELETE", f"/admin/tokens/{token_id}").status_code == 200
    reader.join(15)
    assert not reader.is_alive() and time.monotonic() - t0 < 15
    assert "event: revoked" in lines


def test_the_cursor_is_per_team(api: Api, conv: dict[str, Any]) -> None:
    mine = api.as_("alice", "GET", "/console/api/cursor").json()["last_event_id"]
    other = api.as_("carl", "POST", "/conversations", json={}).json()
    assert say(api, "carl", other["id"], "customer", "hello there").status_code == 201
    assert api.as_("alice", "GET", "/console/api/cursor").json()["last_event_id"] == mine
    assert api.as_("carl", "GET", "/console/api/cursor").json()["last_event_id"] > mine
    assert api.as_("admin", "GET", "/console/api/cursor").json()["last_event_id"] > mine


@pytest.mark.parametrize("streams", [40])
def test_idle_streams_share_one_poller(api: Api, conv: dict[str, Any], streams: int, monkeypatch: Any) -> None:
    """40 idle followed streams for 1 s at a 50 ms poll: a handful of reads, not one per stream per poll."""
    services = api.services
    services.settings.sse_poll_s = 0.05
    fetches = probes = 0
    fetch, probe = events._fetch, events.Hub._probe

    def counted_fetch(*a: Any, **kw: Any) -> Any:
        nonlocal fetches
        fetches += 1
        return fetch(*a, **kw)

    def counted_probe(self: Any) -> Any:
        nonlocal probes
        probes += 1
        return probe(self)

    monkeypatch.setattr(events, "_fetch", counted_fetch)
    monkeypatch.setattr(events.Hub, "_probe", counted_probe)

    async def consume() -> None:
        gen = events._stream(services, conversation_id=conv["id"], team=None, after=10**6, follow=True, max_s=1.0)
        async for _ in gen:
            pass

    async def main() -> None:
        services.sse_hub = None  # a hub of this loop
        await asyncio.gather(*(consume() for _ in range(streams)))

    asyncio.run(main())
    # each stream reads once at start and once at its deadline; the hub probes ~20 times in all
    assert fetches <= 3 * streams, fetches
    assert probes <= 40, probes
