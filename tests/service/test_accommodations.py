"""Accommodations: recorded with amount, reason and approver; suggested from the agent's words; consistency."""

from __future__ import annotations

import pytest

from calmline.cases.accommodations import suggest_from_agent_text
from tests.service.conftest import Api, say


@pytest.mark.parametrize(
    ("text", "kind", "amount", "currency"),
    [
        ("I've refunded £20 to your card.", "refund", 20.0, "GBP"),
        ("I'll waive the late fee this time.", "waived_fee", None, None),
        ("I've added a $15.50 credit to your account.", "credit", 15.5, "USD"),
        ("I'll make an exception and extend the return window.", "exception", None, None),
    ],
)
def test_agent_words_suggest_an_accommodation(text: str, kind: str, amount: float | None, currency: str | None) -> None:
    hit = suggest_from_agent_text(text)
    assert hit is not None and (hit["kind"], hit["amount"], hit["currency"]) == (kind, amount, currency)
    assert hit["evidence"] in text


@pytest.mark.parametrize(
    "text", ["I can't refund that, sorry.", "Your refund policy is on the website.", "The fee is £5.", ""]
)
def test_no_suggestion_without_one(text: str) -> None:
    assert suggest_from_agent_text(text) is None


def _conv(api: Api, who: str) -> str:
    r = api.as_(who, "POST", "/conversations", json={})
    assert r.status_code == 201
    return str(r.json()["id"])


def test_record_list_suggest_and_consistency(api: Api) -> None:
    ids = [_conv(api, "alice") for _ in range(4)]
    for cid, amount in zip(ids, [20, 22, 25, 200], strict=True):
        r = api.as_(
            "sue",
            "POST",
            f"/conversations/{cid}/accommodations",
            json={
                "kind": "refund",
                "amount": amount,
                "currency": "GBP",
                "reason": "late parcel",
                "topic": "late parcel",
            },
        )
        assert r.status_code == 201, r.text
        assert r.json()["approved_by"] == "sue"
    carl = _conv(api, "carl")
    assert (
        api.as_(
            "carl",
            "POST",
            f"/conversations/{carl}/accommodations",
            json={"kind": "credit", "amount": 5, "currency": "EUR", "reason": "outage"},
        ).status_code
        == 201
    )

    say(api, "alice", ids[0], "customer", "Where is my parcel?")
    say(api, "alice", ids[0], "agent", "I'm sorry. I've refunded £20 to your card just now.")
    first = api.as_("alice", "POST", f"/conversations/{ids[0]}/accommodations/suggest").json()
    assert [(x["kind"], x["amount"], x["status"]) for x in first] == [("refund", 20.0, "suggested")]
    assert api.as_("alice", "POST", f"/conversations/{ids[0]}/accommodations/suggest").json() == []  # once

    assert {a["agent"] for a in api.as_("sue", "GET", "/accommodations").json()} == {"alice"}
    assert {a["agent"] for a in api.as_("carl", "GET", "/accommodations").json()} == {"carl"}
    assert api.as_("bob", "GET", "/accommodations").json() == []

    report = api.as_("sue", "GET", "/insights/consistency").json()
    group = next(g for g in report if g["topic"] == "late parcel")
    flagged = [i for i in group["items"] if i["outlier"]]
    assert [i["amount"] for i in flagged] == [200.0] and "median" in flagged[0]["outlier"]
    assert api.as_("alice", "GET", "/insights/consistency").status_code == 403
    assert all(g["topic"] != "unspecified" for g in report)  # team b's credit is not in team a's report


def test_consistency_never_compares_amounts_across_currencies(api: Api) -> None:
    """Three refunds in pounds and one in yen for the same situation: the yen amount is not 'more than
    twice the median' of the pounds, and no agent's mean mixes the two."""
    for amount, currency in [(20, "GBP"), (22, "GBP"), (25, "GBP"), (3000, "JPY")]:
        cid = _conv(api, "alice")
        body = {"kind": "refund", "amount": amount, "currency": currency, "reason": "late", "topic": "late parcel"}
        assert api.as_("sue", "POST", f"/conversations/{cid}/accommodations", json=body).status_code == 201
    groups = [g for g in api.as_("sue", "GET", "/insights/consistency").json() if g["topic"] == "late parcel"]
    assert sorted((g["count"], g["median_amount"]) for g in groups) == [(1, 3000.0), (3, 22.0)]
    assert all(item["outlier"] is None for g in groups for item in g["items"])
    assert sorted(g["by_agent"]["alice"] for g in groups) == [22.33, 3000.0]
    assert all(len({item["currency"] for item in g["items"]}) == 1 for g in groups)


def test_bad_accommodations_are_4xx(api: Api) -> None:
    cid = _conv(api, "alice")
    url = f"/conversations/{cid}/accommodations"
    assert api.as_("alice", "POST", url, json={"kind": "bribe", "reason": "x"}).status_code == 422
    assert api.as_("alice", "POST", url, json={"kind": "refund", "amount": 5, "reason": "x"}).status_code == 422
    assert (
        api.as_(
            "alice", "POST", url, json={"kind": "refund", "amount": -1, "currency": "GBP", "reason": "x"}
        ).status_code
        == 422
    )
    assert api.as_("alice", "POST", url, json={"kind": "refund", "reason": "x", "extra": 1}).status_code == 422
    assert api.as_("carl", "POST", url, json={"kind": "refund", "reason": "x"}).status_code == 404


def test_confirming_a_suggestion_records_it_once_and_lists_by_conversation(api: Api) -> None:
    cid, other = _conv(api, "alice"), _conv(api, "alice")
    say(api, "alice", cid, "customer", "You charged me twice!")
    say(api, "alice", cid, "agent", "I'm sorry about that. I've refunded £12.50 to your card.")
    (sug,) = api.as_("alice", "POST", f"/conversations/{cid}/accommodations/suggest").json()
    url = f"/conversations/{cid}/accommodations"
    # a suggestion belongs to its conversation and is confirmed once
    body = {"kind": "refund", "amount": 12.5, "currency": "GBP", "reason": "double charge", "approved_by": "sue"}
    elsewhere = f"/conversations/{other}/accommodations"
    wrong = api.as_("alice", "POST", elsewhere, json={**body, "suggestion_id": sug["id"]})
    assert wrong.status_code == 422
    r = api.as_("alice", "POST", url, json={**body, "suggestion_id": sug["id"]})
    assert r.status_code == 201, r.text
    assert (r.json()["id"], r.json()["status"], r.json()["reason"]) == (sug["id"], "recorded", "double charge")
    assert api.as_("alice", "POST", url, json={**body, "suggestion_id": sug["id"]}).status_code == 422
    assert api.as_("alice", "POST", url, json={**body, "suggestion_id": 10**9}).status_code == 422
    mine = api.as_("alice", "GET", f"/accommodations?conversation_id={cid}").json()
    assert [(a["id"], a["status"], a["approved_by"]) for a in mine] == [(sug["id"], "recorded", "sue")]
    assert api.as_("alice", "GET", f"/accommodations?conversation_id={other}").json() == []
    assert api.as_("tom", "GET", f"/accommodations?conversation_id={cid}").json() == []  # another team
