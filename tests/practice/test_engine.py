"""The simulator: each persona driven by a scripted good agent and a scripted bad agent."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmline.practice import PracticeError, PracticeSession, debrief, default_personas, load_personas

SCRIPTS = Path(__file__).parent / "scripts"
IDS = [p.id for p in default_personas()]


def play(pid: str, kind: str, seed: int) -> tuple[PracticeSession, dict[str, object]]:
    s = PracticeSession(load_personas()[pid], seed=seed)
    for line in (SCRIPTS / f"{pid}.{kind}.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not s.finished:
            s.reply(line)
    return s, debrief(s)


@pytest.mark.parametrize("seed", [1, 7])
@pytest.mark.parametrize("pid", IDS)
def test_good_agent_ends_calmer_with_a_higher_score_than_bad_agent(pid: str, seed: int) -> None:
    good, g = play(pid, "good", seed)
    bad, b = play(pid, "bad", seed)
    assert good.frustration < bad.frustration
    assert g["score"] > b["score"] + 30  # type: ignore[operator]
    assert g["outcome"] in {"resolved", "ended_safely"}
    assert b["outcome"] in {"walked_out", "unresolved", "unfinished"}
    assert g["frustration"][-1] < g["frustration"][0]  # type: ignore[index]
    assert b["frustration"][-1] > b["frustration"][0]  # type: ignore[index]
    assert len(g["frustration"]) == len(good.exchanges) + 1  # type: ignore[arg-type]
    assert b["missed"] and b["tip"]


def test_debrief_explains_each_reply() -> None:
    _, d = play("refund-third-contact", "bad", 1)
    first = d["turns"][0]  # type: ignore[index]
    assert first["coach"]["labels"] == ["empathy.canned"]
    assert first["moved"][0]["effect"] == "canned" and first["moved"][0]["delta"] > 0
    assert first["frustration_after"] > first["frustration_before"]
    assert "empathy.specific" in {m["move"] for m in d["missed"]}  # type: ignore[union-attr]
    second = d["turns"][1]  # type: ignore[index]
    assert any(m["effect"] == "repeat" and "order number" in m["why"] for m in second["moved"])
    assert "already told you" in d["tip"] or "Read back" in d["tip"] or d["tip"]  # type: ignore[operator]
    assert 0 <= d["score"] <= 100  # type: ignore[operator]
    assert sum(d["score_parts"].values()) == pytest.approx(d["score"], abs=1)  # type: ignore[union-attr]


def test_same_seed_same_session_other_seed_other_lines() -> None:
    lines = (SCRIPTS / "sarcastic.good.txt").read_text(encoding="utf-8").splitlines()
    runs = []
    for seed in (3, 3, 4, 5, 6):
        s = PracticeSession(load_personas()["sarcastic"], seed=seed)
        for line in lines:
            if not s.finished:
                s.reply(line)
        runs.append([s.opening] + [x.customer for x in s.exchanges])
    assert runs[0] == runs[1]
    assert any(r != runs[0] for r in runs[2:])


def test_abusive_persona_needs_the_whole_ladder() -> None:
    p = load_personas()["abusive-escalates-threat"]
    s = PracticeSession(p, seed=2)
    s.reply("Please keep this respectful, no insults, so I can help you.")
    assert s.exchanges[-1].situation == "boundary"
    s.reply("If the insults continue I will have to end this chat.")
    assert s.exchanges[-1].situation == "threat" and "threat.personal" in s.exchanges[-1].customer_signals
    s.reply("I'm ending this chat now because of the threat. Our accounts team will email you tomorrow.")
    assert s.outcome == "ended_safely"
    early = PracticeSession(p, seed=2)
    early.reply("I'm ending this chat now. Our accounts team will email you tomorrow.")
    assert early.outcome == "ended_early"
    assert debrief(early)["score"] < debrief(s)["score"]


def test_bad_news_dumped_inflames_more_than_bad_news_softened() -> None:
    p = load_personas()["policy-says-no"]
    blunt = PracticeSession(p, seed=1)
    blunt.reply("We can't refund it after 30 days.")
    soft = PracticeSession(p, seed=1)
    soft.reply(
        "I'm sorry the zip broke the first time you wore the jacket - that is disappointing after buying something"
        " new. We can't refund it after 30 days."
    )
    assert [e.effect for e in blunt.exchanges[0].effects] == ["bad_news"]
    assert blunt.frustration > soft.frustration


def test_bad_replies_are_refused_clearly() -> None:
    s = PracticeSession(load_personas()["sarcastic"], seed=1)
    for bad, msg in (("", "empty"), ("   ", "empty"), ("x" * 5000, "limit is 4000"), ("a\x00b", "binary")):
        with pytest.raises(PracticeError, match=msg):
            s.reply(bad)
    assert not s.exchanges
    s2 = PracticeSession(load_personas()["sarcastic"], seed=1)
    while not s2.finished:
        s2.reply("Calm down.")
    with pytest.raises(PracticeError, match="over"):
        s2.reply("Hello?")


def test_a_session_stops_at_max_turns() -> None:
    p = load_personas()["policy-says-no"]
    s = PracticeSession(p, seed=1)
    while not s.finished:
        s.reply("Let me look at the order.")
    assert len(s.exchanges) <= p.max_turns
    assert s.outcome in {"unresolved", "walked_out"}


def test_the_canned_tip_quotes_the_agents_own_stock_phrase() -> None:
    s = PracticeSession(load_personas()["refund-third-contact"], seed=1)
    for line in ("I hear you.", "I hear you, these things happen.", "I hear you."):
        if not s.finished:
            s.reply(line)
    tip = str(debrief(s)["tip"])  # stock empathy three times costs the most
    assert tip.startswith("Swap 'I hear you' for their situation"), tip
