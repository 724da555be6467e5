"""The console is served from package data with a strict CSP; its JSON helpers respect roles."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest

from tests.console.conftest import Api, say

ASSETS = [
    "index.html",
    "console.css",
    "main.js",
    "api.js",
    "dom.js",
    "agent.js",
    "supervisor.js",
    "review.js",
    "disputes.js",
    "practice.js",
    "accommodations.js",
]


def test_shell_is_served_with_csp(api: Api) -> None:
    r = api.client.get("/console")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert '<script type="module" src="/console/static/main.js">' in r.text


@pytest.mark.parametrize("name", ASSETS)
def test_assets_ship_in_the_package(api: Api, name: str) -> None:
    assert resources.files("calmline.console").joinpath("static", name).is_file()
    r = api.client.get(f"/console/static/{name}")
    assert r.status_code == 200
    expected = {"js": "text/javascript", "css": "text/css", "html": "text/html"}[name.rsplit(".", 1)[1]]
    assert r.headers["content-type"].startswith(expected)


@pytest.mark.parametrize("name", ["../router.py", "..%2Frouter.py", "nope.js", "router.py", ".hidden", "x.JS"])
def test_no_path_tricks(api: Api, name: str) -> None:
    assert api.client.get(f"/console/static/{name}").status_code == 404


def test_no_external_urls_or_inner_html() -> None:
    static = resources.files("calmline.console").joinpath("static")
    for name in ASSETS:
        text = static.joinpath(name).read_text()
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in text
        assert "innerHTML" not in text and "insertAdjacentHTML" not in text and "document.write" not in text


def test_me_and_cursor(api: Api) -> None:
    assert api.client.get("/console/api/me").status_code == 401
    assert api.as_("alice", "GET", "/console/api/me").json() == {"name": "alice", "role": "agent", "team": "a"}
    assert api.as_("alice", "GET", "/console/api/cursor").json()["last_event_id"] >= 0


def test_queue_sorted_by_priority_for_supervisors_only(api: Api, abusive: dict[str, Any]) -> None:
    calm = api.as_("bob", "POST", "/conversations", json={}).json()
    say(api, "bob", calm["id"], "customer", "Hi, could you change my delivery address please?")
    say(api, "bob", calm["id"], "agent", "Done, it's updated.")
    assert api.as_("alice", "GET", "/console/api/queue").status_code == 403
    q = api.as_("sue", "GET", "/console/api/queue").json()
    ids = [r["id"] for r in q["conversations"]]
    assert ids[0] == abusive["conv"]["id"] and calm["id"] in ids
    top = q["conversations"][0]
    assert top["abuse_count"] >= 1 and top["parts"]["abuse"] > 0
    assert top["priority"] > q["conversations"][-1]["priority"]
    assert q["incidents"] and q["incidents"][0]["rung"] == 1
    assert api.as_("tom", "GET", "/console/api/queue").json()["conversations"] == []  # other team


def test_replay_has_signals_guidance_and_coach(api: Api, abusive: dict[str, Any]) -> None:
    cid = abusive["conv"]["id"]
    assert api.as_("bob", "GET", f"/console/api/replay/{cid}").status_code == 404
    r = api.as_("alice", "GET", f"/console/api/replay/{cid}").json()
    roles = [t["role"] for t in r["turns"]]
    assert roles == ["customer", "agent", "customer"]
    assert r["turns"][1]["coach"] is not None and "score" in r["turns"][1]["coach"]
    assert any(s["label"].startswith("abuse.") for s in r["turns"][2]["analysis"]["signals"])
    assert r["turns"][2]["guidance"]["ladder"]["rung"] == 1
