"""The boundary ladder: presets, what climbs it, harm jumps, persistence and the log."""

from __future__ import annotations

import pytest

from calmline.errors import ConfigError
from calmline.playbook import load_playbook
from calmline.playbook.config import default_playbook
from calmline.playbook.ladder import replay_ladder
from playbook._build import build

INSULT = ("customer", "you idiot", {"abuse.insult": "idiot"}, 0.8)
AGENT = ("agent", "ok")
SHOUT = ("customer", "WHY IS MY ACCOUNT STILL LOCKED", {"abuse.yelling": "WHY IS MY ACCOUNT STILL LOCKED"}, 0.7)


@pytest.mark.parametrize(
    ("items", "rung"),
    [
        ([INSULT], 1),
        ([INSULT, AGENT, INSULT], 2),
        ([INSULT, AGENT, INSULT, AGENT, INSULT], 3),
        ([INSULT, AGENT, INSULT, AGENT, INSULT, AGENT, INSULT], 4),
        ([SHOUT], 0),  # the first shouted message alone is tolerated by default
        ([SHOUT, AGENT, SHOUT], 1),  # shouting again climbs
        ([SHOUT, AGENT, INSULT], 1),  # an insult always counts
        ([("customer", "send me a photo babe", {"abuse.harassment": "send me a photo babe"}, 0.7)], 1),
        ([("customer", "this damn router", {"abuse.profanity": "damn"}, 0.6)], 0),  # swearing at a situation
        ([("customer", "I'm furious, it broke again", {}, 0.9)], 0),  # frustration alone
        (
            [("customer", "I'll have your job", {"threat.personal": "I'll have your job"}, 0.8)],
            1,
        ),  # intimidation climbs
        ([("customer", "I know where you work and I will hurt you", {"threat.personal": "I will hurt you"}, 1.0)], 4),
        ([INSULT, AGENT, ("customer", "sorry, thanks for the help", {}, 0.0)], 1),  # the rung persists
    ],
)
def test_three_strikes(items, rung):
    assert replay_ladder(build(*items), default_playbook().ladder).rung == rung


def test_profanity_climbs_only_with_aimed_abuse():
    a = build(("customer", "you f***ing idiot", {"abuse.profanity": "f***ing", "abuse.insult": "idiot"}, 0.9))
    state = replay_ladder(a, default_playbook().ladder)
    assert state.rung == 1
    assert {e.text for e in state.steps[0].evidence} == {"f***ing", "idiot"}


def test_steps_are_logged_with_evidence():
    state = replay_ladder(build(INSULT, AGENT, INSULT), default_playbook().ladder)
    assert [(s.turn_index, s.rung) for s in state.steps] == [(0, 1), (2, 2)]
    assert state.steps[1].evidence[0].text == "idiot"
    assert "abuse.insult (0.90)" in state.steps[1].reason


def test_one_warning_preset_and_gentle_flag_from_yaml(tmp_path):
    from pathlib import Path

    pb = load_playbook(Path(__file__).parents[1] / "data" / "custom_playbook.yaml")
    assert pb.ladder.preset == "one_warning"
    assert replay_ladder(build(INSULT), pb.ladder).rung == 3
    assert replay_ladder(build(INSULT, AGENT, INSULT), pb.ladder).rung == 4
    swear = build(("customer", "this bloody router again", {"abuse.profanity": "bloody"}, 0.7))
    assert replay_ladder(swear, pb.ladder).rung == 1  # gentle request, per that policy
    assert replay_ladder(swear, default_playbook().ladder).rung == 0


def test_rung_four_guidance_ends_and_escalates():
    from calmline.playbook import decide

    a = build(("customer", "I'll find you and hurt you", {"threat.personal": "I'll find you and hurt you"}, 1.0))
    g = decide(a)
    assert g.ladder.rung == 4
    assert g.escalation is not None and g.escalation.rule == "abuse_after_final_warning"
    assert "ending this chat" in g.suggested_reply or "close this conversation" in g.suggested_reply


def test_tolerance_is_configurable(tmp_path):
    from importlib import resources

    import yaml

    text = resources.files("calmline.playbook").joinpath("defaults").joinpath("playbook.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    data["ladder"]["tolerate"] = {"abuse.yelling": 0}
    path = tmp_path / "strict.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert replay_ladder(build(SHOUT), load_playbook(path).ladder).rung == 1
    data["ladder"]["tolerate"] = {"abuse.profanity": 1}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError, match="tolerate"):
        load_playbook(path)
