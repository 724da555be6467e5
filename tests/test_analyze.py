"""The library entry points and the conversation state."""

from __future__ import annotations

from pathlib import Path

import calmline
from calmline import Conversation, Role, Turn
from calmline.analyze import extend
from calmline.io import read_conversations
from calmline.signals.state import StateTracker

SAMPLES = Path(__file__).parent.parent / "calmline" / "data" / "samples" / "conversations.jsonl"


def test_agent_turns_carry_no_customer_signals() -> None:
    conv = Conversation.from_texts(("customer", "You idiot, I want a refund"), ("agent", "You idiot, calm down"))
    a = calmline.analyze(conv)
    assert a.turns[0].labels() >= {"abuse.insult", "request.refund"}
    assert a.turns[1].signals == () and a.turns[1].frustration is None
    assert len(a.states) == 2


def test_trend_and_risk_rise_with_an_escalating_customer() -> None:
    conv = Conversation.from_texts(
        ("customer", "Hi, my parcel has not arrived yet."),
        ("agent", "Let me check."),
        ("customer", "This is the third time I've asked. Still nothing."),
        ("agent", "I understand."),
        ("customer", "You useless idiots. I want your manager NOW or I'm calling my lawyer!!!"),
    )
    a = calmline.analyze(conv)
    assert a.state.frustration_trend == "rising"
    assert a.state.escalation_risk > a.states[0].escalation_risk
    assert a.state.escalation_risk >= 0.7
    assert any("threat.legal" in r or "request.manager" in r for r in a.state.risk_reasons)
    assert a.state.abuse_count >= 1 and a.state.threat_count >= 1


def test_trend_falls_when_the_customer_calms_down() -> None:
    t = StateTracker()
    for f in (0.9, 0.8, 0.2, 0.1):
        t.update(f, ())
    assert t.trend() == "falling"
    t2 = StateTracker()
    for f in (0.3, 0.32, 0.31):
        t2.update(f, ())
    assert t2.trend() == "steady"


def test_analyze_many_matches_analyze() -> None:
    convs = list(read_conversations(SAMPLES))
    batch = list(calmline.analyze_many(convs, batch_size=3))
    single = [calmline.analyze(c) for c in convs]
    assert [b.to_dict() for b in batch] == [s.to_dict() for s in single]


def test_output_shape_is_the_documented_contract() -> None:
    conv = Conversation(id="c1", turns=(Turn(role=Role.CUSTOMER, text="You idiot"), Turn(role=Role.AGENT, text="ok")))
    d = calmline.analyze(conv).to_dict()
    assert set(d) == {"id", "turns", "state"}
    t0 = d["turns"][0]
    assert {"index", "role", "frustration", "emotion", "signals"} <= set(t0)
    sig = t0["signals"][0]
    assert set(sig) == {"label", "score", "evidence", "source", "explanation"}
    assert set(sig["evidence"][0]) == {"start", "end", "text"}
    assert d["turns"][1]["signals"] == [] and "frustration" not in d["turns"][1]
    assert {"frustration_trend", "escalation_risk", "risk_reasons", "abuse_count", "threat_count"} <= set(d["state"])


def test_analyze_text_and_emotions() -> None:
    t = calmline.analyze_text("I'm really worried my account has been hacked, what should I do?")
    assert t.emotion in calmline.EMOTIONS
    assert calmline.analyze_text("Thank you so much, that fixed it!").emotion == "satisfaction"
    assert calmline.analyze_text("You stupid idiot, I'm furious").emotion == "anger"


def test_public_api_is_pinned() -> None:
    assert sorted(calmline.__all__) == sorted(
        [
            "CUSTOMER_LABELS",
            "EMOTIONS",
            "Analysis",
            "CalmlineError",
            "ConfigError",
            "Conversation",
            "ConversationState",
            "InputError",
            "InputFormatError",
            "ModelError",
            "Reader",
            "RegistryError",
            "Role",
            "Guidance",
            "Review",
            "coach",
            "decide",
            "Signal",
            "Span",
            "Turn",
            "TurnAnalysis",
            "__version__",
            "analyze",
            "analyze_many",
            "analyze_text",
            "read_conversations",
        ]
    )


def test_analyze_many_streams_with_bounded_lookahead() -> None:
    pulled = 0

    def endless():  # type: ignore[no-untyped-def]
        nonlocal pulled
        while True:
            pulled += 1
            yield Conversation.from_texts(("customer", f"message {pulled}, where is my refund?"), id=str(pulled))

    stream = calmline.analyze_many(endless(), batch_size=8)
    first = [next(stream) for _ in range(3)]
    assert [a.conversation.id for a in first] == ["1", "2", "3"]
    assert pulled <= 9  # one batch read ahead, never the whole input


def test_extend_equals_analyze_of_the_longer_conversation() -> None:
    convs = list(read_conversations(SAMPLES))
    for conv in convs[:6]:
        full = calmline.analyze(conv)
        grown = calmline.analyze(Conversation(id=conv.id, turns=conv.turns[:1], metadata=conv.metadata))
        for turn in conv.turns[1:]:
            grown = extend(grown, turn)
        assert grown.to_dict() == full.to_dict()


def test_turn_analysis_round_trips_through_its_dict() -> None:
    from calmline.analyze import replay_states
    from calmline.types import TurnAnalysis

    a = calmline.analyze(next(iter(read_conversations(SAMPLES))))
    rebuilt = tuple(TurnAnalysis.from_dict(t.to_dict(), t.turn) for t in a.turns)
    assert [t.to_dict() for t in rebuilt] == [t.to_dict() for t in a.turns]
    assert [s.to_dict() for s in replay_states(rebuilt)] == [s.to_dict() for s in a.states]


def test_unknown_input_fields_travel_to_the_output() -> None:
    from calmline.io import parse_conversation

    conv = parse_conversation(
        {"id": "c9", "channel": "chat", "turns": [{"role": "customer", "text": "hi", "lang": "en", "id": "m1"}]}
    )
    d = calmline.analyze(conv).to_dict()
    assert d["channel"] == "chat"
    assert d["turns"][0]["lang"] == "en" and d["turns"][0]["id"] == "m1"


def test_appending_a_turn_resumes_the_state_instead_of_replaying() -> None:
    """``append_turn`` carries on from the last state (kept: the last four frustrations, peak,
    counts); every state equals the one from reading the whole conversation."""
    from calmline.analyze import append_turn
    from calmline.types import Analysis

    for conv in read_conversations(SAMPLES):
        full = calmline.analyze(conv)
        grown = Analysis(conversation=Conversation(id=conv.id, turns=()), turns=(), states=())
        for turn in full.turns:
            grown = append_turn(grown, turn)
        assert [s.to_dict() for s in grown.states] == [s.to_dict() for s in full.states]
        assert grown.states[-1] == full.states[-1]


def test_ladder_stepped_from_the_previous_turn_equals_the_replay() -> None:
    from calmline.playbook.config import default_playbook
    from calmline.playbook.ladder import replay_ladder
    from calmline.types import Analysis

    policy = default_playbook().ladder
    seen_rungs = set()
    for conv in read_conversations(SAMPLES):
        a = calmline.analyze(conv)
        before = None
        for k in range(1, len(a.turns) + 1):
            prefix = Analysis(conversation=a.conversation, turns=a.turns[:k], states=a.states[:k])
            stepped = replay_ladder(prefix, policy, before=before)
            assert stepped == replay_ladder(prefix, policy)
            before = stepped
            seen_rungs.add(stepped.rung)
    assert max(seen_rungs) >= 2  # the samples do climb the ladder
