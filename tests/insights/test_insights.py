"""Incident review, friction, recognition and wellbeing over real analysed conversations."""

from __future__ import annotations

import json
from pathlib import Path

from calmline.analyze import analyze_many
from calmline.insights import Totals, build_report, summarize
from calmline.insights.summary import classify_reply
from calmline.insights.topics import cluster_topics
from calmline.io import parse_conversation, read_conversations

SAMPLES = Path(__file__).resolve().parents[2] / "calmline" / "data" / "samples"


def _conv(cid: str, agent: str, turns: list[tuple[str, str]], day: str = "2026-03-02", **meta: object) -> object:
    obj = {
        "id": cid,
        "agent": agent,
        **meta,
        "turns": [{"role": r, "text": t, "ts": f"{day}T10:{i:02d}:00Z"} for i, (r, t) in enumerate(turns)],
    }
    return parse_conversation(obj, source="test", line=1)


def _totals(convs: list[object]) -> Totals:
    t = Totals()
    for a in analyze_many(convs):  # type: ignore[arg-type]
        t.add(summarize(a))
    return t


def test_classify_reply_kinds() -> None:
    assert classify_reply("I'm afraid I can't refund that.") == ("refusal without alternative", "can't refund")
    assert classify_reply("I can't refund that, but what I can do is a voucher.") is None
    assert classify_reply("Our policy is 30 days.")[0] == "policy cited"  # type: ignore[index]
    assert classify_reply("I'm transferring you to billing.")[0] == "transfer"  # type: ignore[index]
    assert classify_reply("Please hold.")[0] == "hold without update"  # type: ignore[index]
    assert classify_reply("Your refund went out today.") is None


def test_friction_counts_a_jump_after_a_refusal() -> None:
    conv = _conv(
        "f1",
        "sam",
        [
            ("customer", "Hi, my parcel has not arrived, can you help?"),
            ("agent", "Sorry, I can't refund that, it's not possible."),
            ("customer", "Are you kidding me?! This is useless, I want my money back NOW. Third time I ask!"),
        ],
    )
    report = build_report(_totals([conv]))
    kinds = {k["kind"]: k["jumps"] for k in report["friction"]["by_kind"]}
    assert kinds == {"refusal without alternative": 1}
    assert report["friction"]["top_phrases"][0]["phrase"] == "can't refund"


def test_recognition_lists_who_brought_a_customer_back_and_never_the_bottom() -> None:
    hot = _conv(
        "r1",
        "ana",
        [
            ("customer", "This is a joke. You idiots lost my order AGAIN and nobody helps. I'm furious!!"),
            ("agent", "I'm sorry, that's not OK. I've found it and sent a replacement by express, tracking TR1."),
            ("customer", "Oh thank you, that's great, much appreciated."),
        ],
    )
    calm = _conv("r2", "bo", [("customer", "Can I change my address?"), ("agent", "Done.")])
    report = build_report(_totals([hot, calm]))
    names = [r["agent"] for r in report["recognition"]]
    assert names == ["ana"]
    assert report["recognition"][0]["brought_back"] == 1
    assert report["recognition"][0]["examples"][0]["exchange"][0].startswith("customer: This is a joke")
    wb = {w["agent"]: w for w in report["wellbeing"]}
    assert wb["ana"]["abuse_signals"] >= 1 and wb["bo"]["abuse_signals"] == 0
    assert "2026-W10" in wb["ana"]["per_week"]


def test_a_threat_to_the_agent_counts_in_their_wellbeing() -> None:
    """A personal threat is abuse aimed at the agent (the service's wellbeing counts it too): the report
    must not tell a team lead there was no abuse aimed at an agent who was threatened."""
    threatened = _conv(
        "w1",
        "kim",
        [
            ("customer", "I know which branch you work at and I will be waiting for you outside after your shift."),
            ("agent", "I'm ending this chat now and recording what was said."),
        ],
    )
    wb = build_report(_totals([threatened]))["wellbeing"][0]
    assert wb["agent"] == "kim" and wb["abuse_signals"] == 1
    assert wb["per_week"] == {"2026-W10": 1}
    assert wb["care"] != "No abuse aimed at this agent in the period."


def test_samples_report_has_every_section() -> None:
    t = _totals(list(read_conversations(SAMPLES / "conversations.jsonl")))
    report = build_report(t)
    assert report["overview"]["conversations"] == 14
    assert 0 < report["overview"]["difficult"] <= 14
    assert sum(x["count"] for x in report["topics"]) == report["overview"]["difficult"]
    for topic in report["topics"]:
        assert topic["name"] and 1 <= len(topic["examples"]) <= 3
    assert report["repeats"]["had_to_repeat"] >= 1
    json.dumps(report)  # JSON-ready


def test_merge_equals_one_pass() -> None:
    convs = list(read_conversations(SAMPLES / "conversations.jsonl"))
    whole = build_report(_totals(convs))
    parts = _totals(convs[7:]).merge(_totals(convs[:3])).merge(_totals(convs[3:7]))
    assert build_report(parts) == whole


def test_topics_group_by_meaning_and_name_by_terms() -> None:
    texts = [f"my refund for order {i} never arrived refund please" for i in range(5)] + [
        f"the router wifi keeps dropping connection {i} router" for i in range(5)
    ]
    labels, names = cluster_topics([str(i) for i in range(10)], texts, k=2)
    assert len(set(labels[:5])) == 1 and len(set(labels[5:])) == 1 and labels[0] != labels[5]
    assert "refund" in names[labels[0]] and "router" in names[labels[5]]
    assert cluster_topics([], []) == ([], [])


def test_topic_sample_is_bounded_and_independent_of_the_split(monkeypatch: object) -> None:
    import calmline.insights.reduce as reduce_mod

    monkeypatch.setattr(reduce_mod, "TOPIC_SAMPLE", 4)  # type: ignore[attr-defined]
    convs = list(read_conversations(SAMPLES / "conversations.jsonl"))
    whole = _totals(convs)
    split = _totals(convs[:5]).merge(_totals(convs[5:]))
    assert build_report(whole)["topics"] == build_report(split)["topics"]
    assert sum(x["count"] for x in build_report(whole)["topics"]) == 4
