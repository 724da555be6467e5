"""End to end in headless Chromium: the Practice view, from choosing a persona to the debrief and its replay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.console.test_browser import browser, login, server  # noqa: F401  (module fixtures)

SCRIPTS = Path(__file__).parents[1] / "practice" / "scripts"


def test_practice_flow(browser: Any, server: dict[str, Any]) -> None:  # noqa: F811
    base, shots = server["base"], server["shots"]
    page = login(browser, server, "alice")
    page.goto(f"{base}/console#/practice")
    page.get_by_role("heading", name="Practice").wait_for()
    page.get_by_role("button", name="Practise: Bad news - the policy says no").click()
    page.locator("#session-title", has_text="Bad news - the policy says no").wait_for()
    page.locator(".msg-customer").first.wait_for()
    assert page.locator(".msg-customer").count() == 1
    for line in (SCRIPTS / "policy-says-no.good.txt").read_text(encoding="utf-8").splitlines():
        if page.locator(".debrief h2").count():
            break
        before = page.locator(".msg-customer").count()
        page.get_by_label("Your reply").fill(line)
        page.get_by_role("button", name="Send reply").click()
        page.locator(".msg-customer").nth(before).wait_for()
    page.locator(".debrief h2", has_text="Debrief:").wait_for()
    debrief = page.locator(".debrief").inner_text()
    assert "/100" in debrief and "Next time" in debrief and "alternative" in debrief
    assert page.locator(".debrief svg.spark").count() == 1
    assert not page.get_by_label("Your reply").is_visible()
    page.screenshot(path=str(shots / "practice-debrief.png"), full_page=True)
    # the session is listed and replays with its debrief
    url = page.url
    page.goto(f"{base}/console#/practice")
    page.locator(".conv-link", has_text="policy-says-no").first.click()
    page.locator(".debrief h2", has_text="Debrief:").wait_for()
    assert page.url == url
    # a bad reply is refused with a clear message, never a crash
    page.goto(f"{base}/console#/practice")
    page.get_by_role("button", name="Practise: Sarcastic about a late delivery").click()
    page.get_by_label("Your reply").fill("   ")
    page.get_by_role("button", name="Send reply").click()
    page.locator(".composer .error", has_text="Write a reply first").wait_for()
    page.get_by_role("button", name="Finish and debrief").click()
    page.locator(".debrief h2", has_text="Debrief: 0/100").wait_for()
    # the supervisor's team panel says the view is off (the default)
    sup = login(browser, server, "sue")
    sup.goto(f"{base}/console#/practice")
    sup.get_by_text("has not enabled the team practice view").wait_for()
    assert not page.errors and not sup.errors  # type: ignore[attr-defined]
