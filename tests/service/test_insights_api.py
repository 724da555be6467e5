"""GET /insights: the report's figures as JSON; agents see only themselves, supervisors their team."""

from __future__ import annotations

from typing import Any

from tests.service.conftest import Api, say


def _conversation(api: Api, who: str, lines: list[tuple[str, str]]) -> str:
    r = api.as_(who, "POST", "/conversations", json={})
    assert r.status_code == 201, r.text
    cid = str(r.json()["id"])
    for role, text in lines:
        assert say(api, who, cid, role, text).status_code in (200, 201)
    return cid


TURNED = [
    ("customer", "You useless idiots lost my parcel AGAIN. I'm furious, this is the third time!!"),
    ("agent", "I'm sorry, that's not OK. I've sent a replacement by express today, tracking TR1."),
    ("customer", "Oh thank you, that's great, much appreciated."),
]


def _agents(body: dict[str, Any], section: str) -> set[str]:
    return {row["agent"] for row in body[section]}


def test_roles_scope_the_insights(api: Api) -> None:
    _conversation(api, "alice", TURNED)
    _conversation(api, "bob", [("customer", "Can I change my address?"), ("agent", "Done, it's changed.")])
    _conversation(api, "carl", TURNED)

    mine = api.as_("alice", "GET", "/insights").json()
    assert set(mine) == {"scope", "recognition", "wellbeing"}  # no team figures for an agent
    assert _agents(mine, "wellbeing") == {"alice"} and _agents(mine, "recognition") == {"alice"}
    assert mine["wellbeing"][0]["abuse_signals"] >= 1

    team_a = api.as_("sue", "GET", "/insights").json()
    assert _agents(team_a, "wellbeing") == {"alice", "bob"}
    assert _agents(team_a, "recognition") == {"alice"}  # the top only: bob has nothing to recognise, not a bottom
    assert team_a["overview"]["conversations"] == 2 and team_a["topics"]

    team_b = api.as_("tom", "GET", "/insights").json()
    assert _agents(team_b, "wellbeing") == {"carl"}
    every = api.as_("admin", "GET", "/insights").json()
    assert every["overview"]["conversations"] == 3
    assert api.as_("admin", "GET", "/insights", params={"team": "b"}).json()["overview"]["conversations"] == 1


def test_bad_queries_are_4xx(api: Api) -> None:
    assert api.as_("sue", "GET", "/insights", params={"team": "b"}).status_code == 403
    assert api.as_("sue", "GET", "/insights", params={"since": "yesterday"}).status_code == 422
    assert api.as_("sue", "GET", "/insights", params={"since": "2026-13-45"}).status_code == 422
    assert api.client.get("/insights").status_code == 401
    future = api.as_("sue", "GET", "/insights", params={"since": "2999-01-01"}).json()
    assert future["overview"]["conversations"] == 0


def test_cli_report_over_the_live_database(api: Api, settings: Any) -> None:
    import json

    from typer.testing import CliRunner

    from calmline.cli import app

    _conversation(api, "alice", TURNED)
    _conversation(api, "carl", TURNED)
    runner = CliRunner()
    args = ["report", "--database-url", settings.database_url, "-f", "json"]
    result = runner.invoke(app, [*args, "--team", "a"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["overview"]["conversations"] == 1 and {w["agent"] for w in body["wellbeing"]} == {"alice"}
    assert json.loads(runner.invoke(app, args).stdout)["overview"]["conversations"] == 2
    assert runner.invoke(app, [*args, "--since", "2999-01-01"]).exit_code == 0
    bad = runner.invoke(app, ["report", "--database-url", "nosuch://x", "-f", "json"])
    assert bad.exit_code == 2 and "error" in bad.output


def test_an_escalated_conversation_counts_as_escalated(api: Api) -> None:
    """An escalation made in the service is an escalation in the report: counted in the overview, and
    recognition no longer credits the conversation as resolved without escalation."""
    cid = _conversation(api, "alice", TURNED)
    before = api.as_("sue", "GET", "/insights").json()
    assert before["overview"]["escalated"] == 0
    assert before["recognition"][0]["resolved_without_escalation"] == 1

    r = api.as_("alice", "POST", f"/conversations/{cid}/escalations", json={"reason": "customer asked for a manager"})
    assert r.status_code == 201, r.text
    after = api.as_("sue", "GET", "/insights").json()
    assert after["overview"]["escalated"] == 1
    assert after["recognition"][0]["resolved_without_escalation"] == 0
    assert after["recognition"][0]["brought_back"] == 1  # turning it around is still recognised
