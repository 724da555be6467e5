"""Recording an accommodation from the agent view in Chromium: by hand, and from the agent's own words."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("playwright")

from tests.console.test_browser import browser, call, login, server  # noqa: F401  (module fixtures)


def test_record_accommodation_from_the_agent_view(browser: Any, server: dict[str, Any]) -> None:  # noqa: F811
    base, tok = server["base"], server["tokens"]
    conv = call(base, "POST", "/conversations", tok["alice"], {})
    for i, (role, text) in enumerate(
        [
            ("customer", "You charged me twice for the same order <b>again</b>!"),
            ("agent", "I'm so sorry. I've refunded £12.50 to your card, it shows in 3 days."),
        ]
    ):
        body = {"client_id": f"acc{i}", "role": role, "text": text}
        call(base, "POST", f"/conversations/{conv['id']}/messages", tok["alice"], body)

    page = login(browser, server, "alice")
    page.goto(f"{base}/console#/agent/{conv['id']}")
    page.get_by_role("heading", name=f"{conv['case']} · alice").wait_for()

    # by hand, keyboard only: the dialog opens on the kind, Tab walks the fields
    opener = page.get_by_role("button", name="Record accommodation")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name=f"Record accommodation for {conv['case']}")
    dialog.wait_for()
    assert dialog.get_by_text("None yet.").is_visible()
    dialog.get_by_label("Kind").select_option("waived_fee")
    dialog.get_by_label("Amount").fill("4")
    dialog.get_by_label("Reason").fill("late fee <script>alert(1)</script> waived after the outage")
    dialog.get_by_role("button", name="Record", exact=True).click()
    # no currency: the service's own message is shown in the dialog, nothing recorded
    page.get_by_role("alert").filter(has_text="currency").wait_for()
    pending = call(base, "GET", f"/accommodations?conversation_id={conv['id']}", tok["alice"])
    assert [(a["kind"], a["status"]) for a in pending] == [("refund", "suggested")]  # from the agent's words
    dialog.get_by_label("Currency").fill("gbp")
    dialog.get_by_label("Approved by").fill("sue")
    dialog.get_by_role("button", name="Record", exact=True).click()
    dialog.wait_for(state="hidden")
    page.locator("#live").filter(has_text="Recorded: Waived fee 4.00 GBP, approved by sue.").wait_for()
    assert page.evaluate("document.activeElement.textContent") == "Record accommodation"

    listed = call(base, "GET", f"/accommodations?conversation_id={conv['id']}", tok["sue"])
    fee = next(a for a in listed if a["status"] == "recorded")
    assert (fee["kind"], fee["amount"], fee["currency"], fee["approved_by"], fee["created_by"]) == (
        "waived_fee",
        4.0,
        "GBP",
        "sue",
        "alice",
    )
    assert fee["reason"] == "late fee <script>alert(1)</script> waived after the outage"

    # from the agent's words: one click fills the form; recording confirms that suggestion
    opener.click()
    dialog.wait_for()
    recorded = dialog.get_by_role("region", name="Recorded for this conversation")
    assert "late fee <script>alert(1)</script> waived" in recorded.inner_text()  # shown as text
    assert recorded.locator("script").count() == 0
    dialog.get_by_role("button", name="Use suggestion: Refund 12.50 GBP").click()
    assert dialog.get_by_label("Kind").input_value() == "refund"
    assert dialog.get_by_label("Amount").input_value() == "12.5"
    assert dialog.get_by_label("Currency").input_value() == "GBP"
    assert "refunded £12.50" in dialog.get_by_label("Reason").input_value()
    dialog.get_by_label("Approved by").fill("sue")
    page.screenshot(path=str(server["shots"] / "accommodation.png"))
    dialog.get_by_role("button", name="Record", exact=True).click()
    dialog.wait_for(state="hidden")

    listed = call(base, "GET", f"/accommodations?conversation_id={conv['id']}", tok["sue"])
    assert sorted((a["kind"], a["amount"], a["status"]) for a in listed) == [
        ("refund", 12.5, "recorded"),
        ("waived_fee", 4.0, "recorded"),
    ]
    assert not page.errors

    # two more on the same situation, then the supervisor's Insights view puts them side by side
    for amount in (12, 100):
        body = {"kind": "refund", "amount": amount, "currency": "GBP", "reason": f"double charge {amount}"}
        call(base, "POST", f"/conversations/{conv['id']}/accommodations", tok["sue"], body)
    sup = login(browser, server, "sue")
    sup.goto(base + "/console#/insights")
    section = sup.locator("section", has=sup.get_by_role("heading", name="Consistent discretion"))
    section.wait_for()
    group = section.locator(".acc-group").filter(has_text="4 recorded")
    assert "median 12.25" in group.inner_text()
    outliers = group.locator("li.acc-outlier")
    assert outliers.count() == 2
    assert "Refund 100.00 GBP" in outliers.filter(has_text="more than twice").inner_text()
    assert "Waived fee 4.00 GBP" in outliers.filter(has_text="under half").inner_text()
    assert section.locator("script").count() == 0
    sup.screenshot(path=str(server["shots"] / "insights-consistency.png"), full_page=True)
    assert not sup.errors

    agent = login(browser, server, "alice")
    agent.goto(base + "/console#/insights")
    agent.get_by_role("heading", name="Your recognition and wellbeing").wait_for()
    assert agent.get_by_role("heading", name="Consistent discretion").count() == 0
