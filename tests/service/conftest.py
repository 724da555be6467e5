"""Service fixtures: the API on a tmp SQLite file, and on PostgreSQL when ``CALMLINE_TEST_PG_URL`` is set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the service extra is not installed: pip install 'calmline[service]'")

import warnings

with warnings.catch_warnings():  # starlette >= 1.x prefers httpx2 for its test client; httpx still works
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient
from sqlalchemy import text

from calmline.cases.store import create_token
from calmline.service.app import build_services, create_app
from calmline.service.settings import Settings

PG_URL = os.environ.get("CALMLINE_TEST_PG_URL")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=pytest.mark.skipif(
            not PG_URL, reason="CALMLINE_TEST_PG_URL not set (start one with: eval $(bash scripts/pg.sh))"
        ),
    ),
]


@dataclass
class Api:
    client: TestClient
    services: Any
    tokens: dict[str, str]

    def h(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def as_(self, who: str, method: str, url: str, **kw: Any) -> Any:
        return self.client.request(method, url, headers={**self.h(who), **kw.pop("headers", {})}, **kw)


def _reset_pg(url: str) -> None:
    from calmline.cases.db import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def db_url(backend: str, tmp_path: Path) -> str:
    if backend == "postgres":
        assert PG_URL
        _reset_pg(PG_URL)
        return PG_URL
    return f"sqlite:///{tmp_path / 'calmline.db'}"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=db_url(backend, tmp_path),
        scheduler=False,
        still_here_s=60,
        follow_up_delay_s=3600,
        admin_token="cl_admin0_adminsecret",
    )


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    services = build_services(settings)
    app = create_app(settings, services=services)
    with TestClient(app, raise_server_exceptions=False) as client:
        tokens = {"admin": "cl_admin0_adminsecret"}
        with services.factory() as s:
            for who, role, team in [
                ("alice", "agent", "a"),
                ("bob", "agent", "a"),
                ("sue", "supervisor", "a"),
                ("tom", "supervisor", "b"),
                ("carl", "agent", "b"),
            ]:
                tokens[who] = create_token(s, name=who, role=role, team=team)[1]
            s.commit()
        yield Api(client, services, tokens)
    services.engine.dispose()


@pytest.fixture
def conv(api: Api) -> dict[str, Any]:
    r = api.as_("alice", "POST", "/conversations", json={})
    assert r.status_code == 201, r.text
    return dict(r.json())


def say(api: Api, who: str, conv_id: str, role: str, text: str, cid: str | None = None) -> Any:
    say.n += 1  # type: ignore[attr-defined]
    return api.as_(
        who,
        "POST",
        f"/conversations/{conv_id}/messages",
        json={"client_id": cid or f"m{say.n}", "role": role, "text": text},
    )  # type: ignore[attr-defined]


say.n = 0  # type: ignore[attr-defined]
