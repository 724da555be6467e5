"""Issue #19, item 1: helpdesk ids are scoped by team; nothing crosses teams, nothing leaks that an id exists."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from calmline.cases.db import make_engine, migrate
from calmline.cases.models import ConversationRow, MessageRow
from calmline.cases.store import create_token
from calmline.service.app import build_services, create_app
from calmline.service.routes.webhooks import signature
from calmline.service.settings import Settings

SECRET = "s3cret"


@pytest.fixture
def hooked(settings: Settings) -> Iterator[tuple[TestClient, Any, dict[str, str]]]:
    settings = settings.model_copy(update={"inbound_webhook_secret": SECRET})
    services = build_services(settings)
    with TestClient(create_app(settings, services=services), raise_server_exceptions=False) as client:
        tokens: dict[str, str] = {}
        with services.factory() as s:
            for who, role, team in [("alice", "agent", "red"), ("bob2", "agent", "blue"), ("sue", "supervisor", "red")]:
                tokens[who] = create_token(s, name=who, role=role, team=team)[1]
            s.commit()
        yield client, services, tokens
    services.engine.dispose()


def _h(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}"}


def _deliver(client: TestClient, **fields: Any) -> Any:
    body = json.dumps({"client_id": "m1", "role": "customer", "text": "My card is on file", **fields}).encode()
    return client.post(
        "/webhooks/inbound",
        content=body,
        headers={"X-Calmline-Signature": signature(SECRET, body), "Content-Type": "application/json"},
    )


def test_webhook_for_another_team_never_lands_in_a_conversation_of_mine(
    hooked: tuple[TestClient, Any, dict[str, str]],
) -> None:
    client, services, tokens = hooked
    mine = client.post("/conversations", json={"external_id": "zendesk-777"}, headers=_h(tokens, "alice"))
    assert mine.status_code == 201, mine.text
    r = _deliver(client, conversation="zendesk-777", agent="bob2", team="blue", text="My card is 4242")
    assert r.status_code == 201, r.text
    theirs = r.json()["conversation"]["id"]
    assert theirs != mine.json()["id"]
    # Alice sees nothing of it: her conversation has no message, and blue's is not visible to her.
    got = client.get(f"/conversations/{mine.json()['id']}/messages", headers=_h(tokens, "alice")).json()
    assert got == []
    assert client.get(f"/conversations/{theirs}", headers=_h(tokens, "alice")).status_code == 404
    # bob2 (team blue) sees the delivered message in his own conversation.
    his = client.get(f"/conversations/{theirs}/messages", headers=_h(tokens, "bob2")).json()
    assert [m["text"] for m in his] == ["My card is 4242"]
    with services.factory() as s:
        rows = s.execute(select(ConversationRow.team, ConversationRow.external_id)).all()
    assert sorted(rows) == [("blue", "zendesk-777"), ("red", "zendesk-777")]


def test_webhook_posts_into_its_own_teams_conversation(hooked: tuple[TestClient, Any, dict[str, str]]) -> None:
    client, services, tokens = hooked
    mine = client.post("/conversations", json={"external_id": "zd-1"}, headers=_h(tokens, "alice")).json()
    r = _deliver(client, conversation="zd-1", agent="alice", team="red", text="Second message")
    assert r.status_code == 201, r.text
    assert r.json()["conversation"]["id"] == mine["id"]
    again = _deliver(client, conversation="zd-1", agent="alice", team="red", client_id="m2", text="Third")
    assert again.json()["conversation"]["id"] == mine["id"]
    with services.factory() as s:
        assert len(s.scalars(select(MessageRow).where(MessageRow.conversation_id == mine["id"])).all()) == 2


def test_creating_with_another_teams_id_reveals_nothing(hooked: tuple[TestClient, Any, dict[str, str]]) -> None:
    client, _services, tokens = hooked
    assert client.post("/conversations", json={"external_id": "x-1"}, headers=_h(tokens, "bob2")).status_code == 201
    # Another team: a separate conversation, created as if the id were new (no 409).
    r = client.post("/conversations", json={"external_id": "x-1"}, headers=_h(tokens, "alice"))
    assert r.status_code == 201, r.text
    # The same team: a real duplicate, refused.
    dup = client.post("/conversations", json={"external_id": "x-1", "agent": "alice"}, headers=_h(tokens, "sue"))
    assert dup.status_code == 409
    assert "blue" not in dup.text


_INSERT = (
    "INSERT INTO conversations (id, {col}, agent, team, channel, status, risk, trend, state, created_at, updated_at)"
    " VALUES ('{id}', 'e1', 'a', '{team}', 'chat', 'open', 0, 'steady', '{{}}', '2026-01-01', '2026-01-01')"
)


def test_migration_0005_keeps_existing_ids_and_scopes_them(tmp_path: Any) -> None:
    """An installation upgraded from 0004 keeps its external ids, now unique per team."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = Config()
    from calmline.cases import db as dbmod

    cfg.set_main_option("script_location", str(dbmod._MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
        conn.execute(text(_INSERT.format(col="external_id", id="c1", team="red")))
    migrate(engine)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT external_ref, external_id FROM conversations")).one() == ("e1", None)
        conn.execute(text(_INSERT.format(col="external_ref", id="c2", team="blue")))
    with pytest.raises(Exception, match=r"(?i)unique"), engine.begin() as conn:
        conn.execute(text(_INSERT.format(col="external_ref", id="c3", team="red")))
    engine.dispose()
