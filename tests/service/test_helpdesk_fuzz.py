"""Helpdesk webhooks never answer 5xx: every leaf of the real payload fixtures replaced by odd values."""

from __future__ import annotations

import json
import random
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi")

from . import test_chatwoot as cw
from . import test_zendesk as zd
from .conftest import Api
from .test_chatwoot import chatwoot, cw_api  # noqa: F401  (fixtures)
from .test_zendesk import zd_api, zendesk  # noqa: F401  (fixtures)

ODD: list[Any] = [
    None,
    "",
    " ",
    "\x00\x01\x7f",
    "\ud800",
    "x" * 5000,
    -1,
    0,
    2**63,
    1e308,
    True,
    [],
    {},
    ["a", {"b": None}],
    "2150-01-01T00:00:00Z",
    "CL-000001",
]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))
    else:
        yield prefix


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    doc = json.loads(json.dumps(doc))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


def _variants(doc: dict[str, Any], n: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    paths = list(_paths(doc))
    out = []
    for _ in range(n):
        mutated = doc
        for path in rng.sample(paths, k=min(len(paths), rng.randint(1, 3))):
            mutated = _set(mutated, path, rng.choice(ODD))
        out.append(json.dumps(mutated).encode())
    return out


@pytest.mark.parametrize("name", ["message_created", "message_updated", "conversation_status_changed"])
def test_chatwoot_odd_payloads_get_no_5xx(cw_api: Api, name: str) -> None:  # noqa: F811
    doc = json.loads(cw.fixture(name))
    for body in _variants(doc, 60, seed=zlib.crc32(name.encode())):
        r = cw.deliver(cw_api, body)
        assert r.status_code < 500, (body[:300], r.text)


@pytest.mark.parametrize("name", ["comment_added", "status_changed", "agent_assignment_changed"])
def test_zendesk_odd_payloads_get_no_5xx(zd_api: Api, name: str) -> None:  # noqa: F811
    doc = json.loads(zd.fixture(name))
    for body in _variants(doc, 60, seed=zlib.crc32(name.encode())):
        r = zd.deliver(zd_api, body)
        assert r.status_code < 500, (body[:300], r.text)


def test_chatwoot_time_as_a_huge_integer_is_refused(cw_api: Api) -> None:  # noqa: F811
    doc = json.loads(cw.fixture("message_created"))
    doc["created_at"] = 10**400  # float() overflows on 309 digits and more
    r = cw.deliver(cw_api, json.dumps(doc).encode())
    assert r.status_code == 422 and "out of range" in r.text, r.text


def test_zendesk_time_as_a_huge_integer_is_refused(zd_api: Api) -> None:  # noqa: F811
    doc = json.loads(zd.fixture("comment_added"))
    doc["time"] = 10**400
    r = zd.deliver(zd_api, json.dumps(doc).encode())
    assert r.status_code == 422 and "out of range" in r.text, r.text


@pytest.mark.parametrize("stamp", [b"\xb2", b"\xb9\xb2\xb3", b"1\xbd"])
def test_zendesk_timestamp_header_of_other_digits_is_refused(zd_api: Api, stamp: bytes) -> None:  # noqa: F811
    # headers are read as latin-1: byte 0xB2 is "²", a digit to str.isdigit() that float() refuses
    headers = {
        "Content-Type": "application/json",
        "X-Zendesk-Webhook-Signature-Timestamp": stamp,  # type: ignore[dict-item]
        "X-Zendesk-Webhook-Signature": "AAAA",
    }
    r = zd_api.client.post("/integrations/zendesk/webhook", content=b"{}", headers=headers)
    assert r.status_code == 403, r.text
