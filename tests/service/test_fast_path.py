"""The direct answer to ``POST /conversations/{id}/messages`` (``calmline.service.fastpath``).

The same requests go to an app with the fast path and to one without it (the plain FastAPI
route); every answer must be the same, and the ordinary ones must really take the fast path.
"""

from __future__ import annotations

import asyncio
import gc
import json
import re
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

from calmline.service.app import build_services, create_app
from calmline.service.fastpath import FastMessages
from calmline.service.settings import Settings

ADMIN = "cl_admin0_adminsecret"
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")


class _Passed:
    """Stands between the fast path and the rest of the app: records what was passed on."""

    def __init__(self, app: Any) -> None:
        self.app, self.paths = app, []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.paths.append((scope["method"], scope["path"]))
        await self.app(scope, receive, send)


def _client(tmp_path: Path, name: str, fast: bool) -> Iterator[tuple[TestClient, _Passed | None]]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / name}.db",
        scheduler=False,
        admin_token=ADMIN,
        max_body_bytes=20_000,
        max_text_chars=2_000,
    )
    services = build_services(settings)
    app = create_app(settings, services=services, fast_path=fast)
    with TestClient(app, raise_server_exceptions=False) as client:
        client.get("/health")  # builds the middleware stack
        spy = None
        layer: Any = app.middleware_stack
        while layer is not None and not isinstance(layer, FastMessages):
            layer = getattr(layer, "app", None)
        assert (layer is not None) == fast
        if layer is not None:
            spy = layer.app = _Passed(layer.app)
        yield client, spy
    services.engine.dispose()


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[tuple[TestClient, _Passed], TestClient]]:
    fast = _client(tmp_path, "fast", True)
    plain = _client(tmp_path, "plain", False)
    f, p = next(fast), next(plain)
    assert f[1] is not None
    yield (f[0], f[1]), p[0]
    for gen in (fast, plain):
        next(gen, None)


def _norm(body: bytes, conv_id: str) -> Any:
    text = _TIME.sub("<time>", body.decode()).replace(conv_id, "<conversation>")
    try:
        return json.loads(text)
    except ValueError:
        return text


AUTH = {"Authorization": f"Bearer {ADMIN}"}
JSON = {**AUTH, "Content-Type": "application/json"}


def _requests() -> list[tuple[str, str, dict[str, str], bytes]]:
    """(name, path under the conversation or an absolute path, headers, body)."""

    def msg(cid: str, role: str, text: str, **extra: Any) -> bytes:
        return json.dumps({"client_id": cid, "role": role, "text": text, **extra}).encode()

    refund = msg("c1", "customer", "Third time asking: where is my refund for order 4471?")
    nobody = {"Authorization": "Bearer cl_nobody_x", "Content-Type": "application/json"}
    utf8 = {**AUTH, "Content-Type": "application/json; charset=utf-8"}

    return [
        ("customer", "messages", JSON, refund),
        ("retry", "messages", JSON, refund),
        ("agent checks", "messages", JSON, msg("a1", "agent", "I'm sorry. Let me check that for you now.")),
        ("timestamp", "messages", JSON, msg("c2", "customer", "Still nothing?!", ts="2026-11-22T10:00:00")),
        ("emoji and html", "messages", JSON, msg("c3", "customer", "<b>still</b> waiting 😡 & annoyed")),
        ("charset", "messages", utf8, msg("c4", "customer", "ok")),
        ("missing role", "messages", JSON, json.dumps({"client_id": "x1", "text": "hi"}).encode()),
        ("unknown field", "messages", JSON, msg("x2", "customer", "hi", mood="bad")),
        ("bad role", "messages", JSON, msg("x3", "robot", "hi")),
        ("malformed json", "messages", JSON, b'{"client_id": "x4", "role": '),
        ("not an object", "messages", JSON, b"[1, 2, 3]"),
        ("deep nesting", "messages", JSON, b"[" * 100_000),
        ("bad utf-8", "messages", JSON, b'{"client_id": "x5", "role": "customer", "text": "\xff\xfe"}'),
        ("no token", "messages", {"Content-Type": "application/json"}, msg("x6", "customer", "hi")),
        ("unknown token", "messages", nobody, msg("x7", "customer", "hi")),
        ("plain text", "messages", {**AUTH, "Content-Type": "text/plain"}, msg("x8", "customer", "hi")),
        ("text too long", "messages", JSON, msg("x9", "customer", "a" * 2_001)),
        ("body too large", "messages", JSON, msg("x10", "customer", "a" * 30_000)),
        ("unknown conversation", "/conversations/nope/messages", JSON, msg("x11", "customer", "hi")),
        ("trailing slash", "messages/", JSON, msg("x12", "customer", "hi")),
        ("abuse 1", "messages", JSON, msg("b1", "customer", "You are a useless idiot")),
        ("abuse 2", "messages", JSON, msg("b2", "customer", "Stupid moron, can't you read")),
        ("abuse 3", "messages", JSON, msg("b3", "customer", "You pathetic idiot")),
        ("abuse 4", "messages", JSON, msg("b4", "customer", "Worthless idiot, you're all morons")),
        ("after the end", "messages", JSON, msg("b5", "customer", "hello?")),
        ("retry after the end", "messages", JSON, refund),
    ]  # fmt: skip


def test_every_answer_is_the_plain_routes_answer(pair: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    (fast, spy), plain = pair
    convs = []
    # the same conversation id in both databases (the suggested reply's wording is seeded by it)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=0xC0FFEE))
    for client in (fast, plain):
        r = client.post("/conversations", json={"agent": "alice"}, headers=AUTH)
        assert r.status_code == 201
        convs.append(r.json()["id"])
    assert convs[0] == convs[1]
    answered_directly = []
    for name, path, headers, body in _requests():
        answers = []
        for client, conv_id in ((fast, convs[0]), (plain, convs[1])):
            url = path if path.startswith("/") else f"/conversations/{conv_id}/{path}"
            before = len(spy.paths)
            r = client.post(url, content=body, headers=headers)
            if client is fast and len(spy.paths) == before:
                answered_directly.append(name)
            wanted = ("content-type", "x-content-type-options", "www-authenticate")
            answers.append((r.status_code, {k: r.headers.get(k) for k in wanted}, _norm(r.content, conv_id)))
        assert answers[0] == answers[1], name
    # the ordinary requests, and errors found by the work itself, never reach the framework
    assert answered_directly == [
        "customer",
        "retry",
        "agent checks",
        "timestamp",
        "emoji and html",
        "charset",
        "text too long",
        "unknown conversation",
        "abuse 1",
        "abuse 2",
        "abuse 3",
        "abuse 4",
        "after the end",
        "retry after the end",
    ]


def test_the_body_is_handed_on_when_it_arrives_in_pieces(tmp_path: Path) -> None:
    """A chunked body over the limit is refused by the app (413) after the fast path read part of it."""
    gen = _client(tmp_path, "chunks", True)
    client, _spy = next(gen)
    conv_id = client.post("/conversations", json={}, headers=AUTH).json()["id"]

    def pieces() -> Iterator[bytes]:
        yield b'{"client_id": "p1", "role": "customer", "text": "'
        for _ in range(30):
            yield b"a" * 1_000
        yield b'"}'

    r = client.post(f"/conversations/{conv_id}/messages", content=pieces(), headers=JSON)
    assert r.status_code == 413
    ok = client.post(
        f"/conversations/{conv_id}/messages",
        content=iter([b'{"client_id": "p2", "role": "customer", ', b'"text": "where is my parcel?"}']),
        headers=JSON,
    )
    assert ok.status_code == 201 and ok.json()["message"]["text"] == "where is my parcel?"
    next(gen, None)


def test_a_repeated_header_counts_once_as_the_application_reads_it(pair: Any) -> None:
    """Two Authorization (or Content-Type) headers: the first counts on the fast path as in the app."""
    (fast, _spy), plain = pair
    body = json.dumps({"client_id": "d1", "role": "customer", "text": "where is my parcel?"}).encode()
    cases = [
        [("Authorization", "Bearer cl_nobody_x"), ("Authorization", f"Bearer {ADMIN}")],
        [("Content-Type", "text/plain"), ("Content-Type", "application/json")],
    ]
    for extra in cases:
        answers = []
        for client in (fast, plain):
            conv_id = client.post("/conversations", json={"agent": "alice"}, headers=AUTH).json()["id"]
            headers = [("Authorization", f"Bearer {ADMIN}"), ("Content-Type", "application/json")]
            headers = [h for h in headers if h[0] != extra[0][0]] + extra
            r = client.post(f"/conversations/{conv_id}/messages", content=body, headers=headers)
            answers.append((r.status_code, _norm(r.content, conv_id)))
        assert answers[0] == answers[1]
        assert answers[0][0] in (401, 422)  # never stored with the second token or content type


def test_a_declared_length_over_the_limit_is_refused_without_reading_the_body() -> None:
    """Content-Length over the limit: the app's 413 at once, not a wait for (or a 100 Continue to) the body."""
    passed: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        passed.append(scope["path"])

    async def receive() -> Any:
        raise AssertionError("the fast path read the body")

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/conversations/c1/messages",
        "headers": [
            (b"authorization", f"Bearer {ADMIN}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", b"999999999"),
        ],
    }
    layer = FastMessages(app, services=None, limit=20_000)  # type: ignore[arg-type]
    asyncio.run(layer(scope, receive, receive))
    assert passed == ["/conversations/c1/messages"]


def test_start_up_freezes_the_loaded_objects_and_shutdown_unfreezes(tmp_path: Path) -> None:
    gen = _client(tmp_path, "gc", True)
    next(gen)
    assert gc.get_freeze_count() > 10_000  # models, lexicons and modules are out of the collector's way
    next(gen, None)
    assert gc.get_freeze_count() == 0
