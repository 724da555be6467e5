"""The console's Insights view in Chromium: supervisors see the team's charts; agents only their own."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("playwright")

from tests.console.test_browser import browser, call, login, server  # noqa: F401  (module fixtures)

TURNED = [
    ("customer", "You useless idiots lost my parcel AGAIN. I'm furious, this is the third time!!"),
    ("agent", "I'm sorry, that's not OK. I've sent a replacement by express today, tracking TR1."),
    ("customer", "Oh thank you, that's great, much appreciated."),
]


def test_insights_view(browser: Any, server: dict[str, Any]) -> None:  # noqa: F811
    base, tok = server["base"], server["tokens"]
    conv = call(base, "POST", "/conversations", tok["alice"], {})
    for i, (role, text) in enumerate(TURNED):
        call(
            base,
            "POST",
            f"/conversations/{conv['id']}/messages",
            tok["alice"],
            {"client_id": f"i{i}", "role": role, "text": text},
        )

    page = login(browser, server, "sue")
    page.goto(server["base"] + "/console#/insights")
    page.get_by_role("heading", name="Insights").wait_for()
    for title in ("Frustration over time", "Top topics", "Policy friction", "Recognition", "Wellbeing"):
        page.get_by_role("heading", name=title).wait_for()
    assert page.locator("svg.insight-chart").count() >= 4
    assert (
        page.get_by_role("img", name="Moments to recognise: alice").count() == 1
        or page.get_by_text("alice: brought back").count() == 1
    )
    page.screenshot(path=str(server["shots"] / "insights.png"), full_page=True)
    assert not page.errors

    agent = login(browser, server, "alice")
    agent.goto(server["base"] + "/console#/insights")
    agent.get_by_role("heading", name="Your recognition and wellbeing").wait_for()
    assert agent.get_by_role("heading", name="Top topics").count() == 0
    assert agent.get_by_text("alice:").count() >= 1
    assert not agent.errors
