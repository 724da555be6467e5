"""Console fixtures: the service app (on a tmp SQLite file), console and disputes routers included."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the service extra is not installed: pip install 'calmline[service]'")

with warnings.catch_warnings():  # starlette >= 1.x prefers httpx2 for its test client; httpx still works
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

from calmline.cases.store import create_token
from calmline.service.app import build_services, create_app
from calmline.service.settings import Settings

ADMIN = "cl_admin0_adminsecret"


def console_app(settings: Settings) -> tuple[Any, Any]:
    """``create_app`` (which includes the console and disputes routers) and its services."""
    services = build_services(settings)
    return create_app(settings, services=services), services


@dataclass
class Api:
    client: TestClient
    services: Any
    tokens: dict[str, str]

    def as_(self, who: str, method: str, url: str, **kw: Any) -> Any:
        return self.client.request(method, url, headers={"Authorization": f"Bearer {self.tokens[who]}"}, **kw)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'calmline.db'}", scheduler=False, still_here_s=60, admin_token=ADMIN
    )


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    app, services = console_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        tokens = {"admin": ADMIN}
        with services.factory() as s:
            for who, role, team in [
                ("alice", "agent", "a"),
                ("bob", "agent", "a"),
                ("sue", "supervisor", "a"),
                ("tom", "supervisor", "b"),
            ]:
                tokens[who] = create_token(s, name=who, role=role, team=team)[1]
            s.commit()
        yield Api(client, services, tokens)
    services.engine.dispose()


def say(api: Api, who: str, conv_id: str, role: str, text: str) -> dict[str, Any]:
    say.n += 1  # type: ignore[attr-defined]
    r = api.as_(
        who, "POST", f"/conversations/{conv_id}/messages", json={"client_id": f"m{say.n}", "role": role, "text": text}
    )  # type: ignore[attr-defined]
    assert r.status_code in (200, 201), r.text
    return dict(r.json())


say.n = 0  # type: ignore[attr-defined]


@pytest.fixture
def abusive(api: Api) -> dict[str, Any]:
    conv = api.as_("alice", "POST", "/conversations", json={}).json()
    say(api, "alice", conv["id"], "customer", "My parcel is two weeks late.")
    say(api, "alice", conv["id"], "agent", "I'm sorry, let me check where it is.")
    msg = say(api, "alice", conv["id"], "customer", "You are an idiot, useless!!!")
    return {"conv": conv, "message": msg}
