"""``seed_demo`` seeds five conversations through the service's own path, once, and returns tokens."""

from __future__ import annotations

from typing import Any

from calmline.console.demo import DEMO, seed_demo
from tests.console.conftest import Api


def test_seed_demo(api: Api) -> None:
    seed = seed_demo(api.services)
    assert seed.url_path.startswith("/console#/agent/") and seed.token.startswith("cl_")
    assert set(seed.conversations) == {d[0] for d in DEMO}
    h = {"Authorization": f"Bearer {seed.token}"}
    assert api.client.get("/console/api/me", headers=h).json()["name"] == "alex"
    sup = {"Authorization": f"Bearer {seed.supervisor_token}"}
    q: dict[str, Any] = api.client.get("/console/api/queue", headers=sup).json()
    by_ext = {v: k for k, v in seed.conversations.items()}
    rows = {by_ext[r["id"]]: r for r in q["conversations"]}
    assert rows["demo-abusive"]["abuse_count"] >= 1
    assert rows["demo-escalated"]["status"] == "escalated"
    assert rows["demo-waiting"]["waiting_s"] > 0 and rows["demo-calm"]["priority"] < rows["demo-abusive"]["priority"]
    base = api.client.get("/queue", headers=sup).json()
    assert base["escalations"] and any(t["kind"] == "callback" for t in base["timers"])
    again = seed_demo(api.services)
    assert again.conversations == seed.conversations and again.token != seed.token
