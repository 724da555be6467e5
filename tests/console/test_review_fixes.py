"""Console regressions from the service review: the queue's case numbers, the agent view's cursor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.console.conftest import Api


def test_queue_rows_carry_their_case_numbers(api: Api, abusive: dict[str, Any]) -> None:
    other = api.as_("bob", "POST", "/conversations", json={}).json()
    rows = api.as_("sue", "GET", "/console/api/queue").json()["conversations"]
    cases = {r["id"]: r["case"] for r in rows}
    assert cases[abusive["conv"]["id"]] == abusive["conv"]["case"] and cases[other["id"]] == other["case"]
    assert [r["priority"] for r in rows] == sorted((r["priority"] for r in rows), reverse=True)


def test_agent_view_reads_the_cursor_before_the_snapshot() -> None:
    js = (Path(__file__).parents[2] / "calmline/console/static/agent.js").read_text()
    assert js.index("const cursor = await lastId();") < js.index("  await refresh();\n  let pending")


def test_replay_turns_use_the_shared_message_shape(api: Api, abusive: dict[str, Any]) -> None:
    turns = api.as_("alice", "GET", f"/console/api/replay/{abusive['conv']['id']}").json()["turns"]
    assert {"id", "client_id", "role", "text", "status", "analysis", "guidance", "index", "coach"} <= set(turns[1])
    assert turns[1]["coach"] is not None
