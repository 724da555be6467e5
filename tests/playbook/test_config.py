"""Playbook YAML: strict validation, and an organisation's file changes behaviour without code."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from calmline.errors import ConfigError
from calmline.playbook import decide, load_playbook
from calmline.playbook.config import default_playbook
from playbook._build import build

CUSTOM = Path(__file__).parents[1] / "data" / "custom_playbook.yaml"
DEFAULT = Path(__file__).parents[2] / "calmline" / "playbook" / "defaults" / "playbook.yaml"


def _write(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(DEFAULT.read_text())
    mutate(data)
    path = tmp_path / "pb.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_default_loads():
    pb = default_playbook()
    assert pb.ladder.sequence == (1, 2, 3, 4)
    assert {m.id for m in pb.moves} >= {"acknowledge", "escalate", "still_here", "boundary"}


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(colour="blue"), "unknown key(s) colour"),
        (lambda d: d["thresholds"].update(angry=3), "thresholds.angry"),
        (lambda d: d["ladder"].update(preset="two_strikes"), "unknown preset 'two_strikes'"),
        (
            lambda d: d["moves"]["acknowledge"]["when"].append({"if": "full_moon", "weight": 1}),
            "unknown condition 'full_moon'",
        ),
        (lambda d: d["moves"].update(dance={"title": "x", "when": [], "phrases": ["x"]}), "unknown key(s) dance"),
        (lambda d: d["ladder"]["presets"].update(odd=[2, 1]), "presets.odd"),
        (lambda d: d["escalation"]["rules"][0].pop("to"), "missing key(s) to"),
        (lambda d: d["ladder"].update(climb_labels=["abuse.rude"]), "unknown label 'abuse.rude'"),
        # a wait no timer can be scheduled for (the service answered 500 to every 'let me check')
        (lambda d: d["timing"]["still_here_after"].update(chat=float("inf")), "timing.still_here_after.chat"),
        (lambda d: d["timing"]["silence_after_solution"].update(email=1e12), "timing.silence_after_solution.email"),
    ],
)
def test_bad_files_are_rejected_naming_file_and_key(tmp_path, mutate, message):
    path = _write(tmp_path, mutate)
    with pytest.raises(ConfigError) as err:
        load_playbook(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_missing_and_invalid_files(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_playbook(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("moves: [unclosed")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_playbook(bad)


def test_organisation_changes_rules_by_yaml_alone():
    custom = load_playbook(CUSTOM)
    refund = build(("customer", "I want a refund of $450 for the sofa.", {"request.refund": "I want a refund"}, 0.4))
    assert decide(refund).escalation is not None  # default limit 100
    assert decide(refund, playbook=custom).escalation is None  # limit 1000 in the custom file
    manager = build(("customer", "Get me your manager now.", {"request.manager": "Get me your manager"}, 0.6))
    g = decide(manager, playbook=custom)
    assert g.escalation is not None and g.escalation.to == "the Tier 2 desk"


def test_care_policy_counts_in_a_window_and_severe_messages_double():
    from calmline.playbook.config import CarePolicy, default_playbook

    care = default_playbook().care
    assert (care.break_after, care.window_minutes, care.counts_double_from) == (3, 60.0, 1.0)
    assert not care.suggest_break(1, 0) and not care.suggest_break(2, 0)
    assert care.suggest_break(3, 0) and care.suggest_break(2, 1)  # a threat counts as two
    assert not CarePolicy(break_after=5).suggest_break(3, 1)


def test_care_section_is_validated(tmp_path):
    import calmline

    data = yaml.safe_load(
        (Path(calmline.__file__).parent / "playbook" / "defaults" / "playbook.yaml").read_text(encoding="utf-8")
    )
    data["care"] = {"break_after": 2, "window_minuts": 30}
    bad = tmp_path / "p.yaml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"care.*window_minuts"):
        load_playbook(bad)
    data["care"] = {"break_after": 2}
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert load_playbook(bad).care.break_after == 2


def test_unreadable_files_are_config_errors_naming_the_file(tmp_path):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b'description: "caf\xe9"\n')
    with pytest.raises(ConfigError, match=r"latin\.yaml: not UTF-8"):
        load_playbook(latin)
    with pytest.raises(ConfigError, match="is a directory"):
        load_playbook(tmp_path)
