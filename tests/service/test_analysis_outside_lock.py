"""Issue #19, item 4: a message whose history went stale (another worker wrote) is analysed outside the write lock."""

from __future__ import annotations

import threading
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from calmline.service.app import build_services, create_app
from calmline.service.routes import messages
from calmline.service.settings import Settings
from tests.service.conftest import Api, say


def test_stale_history_is_reanalysed_outside_the_write_transaction(
    api: Api, conv: dict[str, Any], settings: Settings, monkeypatch: Any
) -> None:
    assert say(api, "alice", conv["id"], "customer", "Where is my refund?").status_code == 201
    other = build_services(settings)  # a second worker writes the next message: this worker's cache is stale
    with TestClient(create_app(settings, services=other)) as worker2:
        r = worker2.post(
            f"/conversations/{conv['id']}/messages",
            json={"client_id": "w2", "role": "customer", "text": "Third time I ask!"},
            headers=api.h("alice"),
        )
        assert r.status_code == 201, r.text
    other.engine.dispose()

    writing = threading.local()
    factory = api.services.factory
    event.listen(factory, "after_begin", lambda *_: setattr(writing, "on", True))
    for name in ("after_commit", "after_rollback", "after_soft_rollback"):
        event.listen(factory, name, lambda *_: setattr(writing, "on", False))
    calls: list[bool] = []
    plan = messages.plan_message

    def spy(*a: Any, **kw: Any) -> Any:
        calls.append(bool(getattr(writing, "on", False)))
        return plan(*a, **kw)

    monkeypatch.setattr(messages, "plan_message", spy)
    r = say(api, "alice", conv["id"], "customer", "I am still waiting, this is useless")
    assert r.status_code == 201, r.text
    assert calls and not any(calls), calls  # analysed twice (stale, then current), never in the transaction
    assert len(calls) == 2
    # the answer reflects the whole conversation, the other worker's message included
    got = api.as_("alice", "GET", f"/conversations/{conv['id']}").json()
    assert [m["client_id"] for m in got["messages"]][-2] == "w2"
    assert len(got["analysis"]["turns"]) == 3
