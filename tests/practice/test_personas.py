"""Persona files: the shipped eight load, and broken files fail with the file and key named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from calmline.analyze import analyze
from calmline.errors import ConfigError
from calmline.practice import default_personas, load_persona, load_personas
from calmline.practice.persona import SITUATIONS
from calmline.types import Conversation

SHIPPED = Path(__file__).parents[2] / "calmline" / "practice" / "personas"
SEEDS = Path(__file__).parents[3] / "shared" / "seeds"


def _minimal() -> dict[str, object]:
    return {
        "version": 1,
        "id": "org-custom",
        "name": "Custom",
        "summary": "A test persona.",
        "scenario": {"facts": ["a fact"], "wants": "something", "policy_allows": ["a thing"]},
        "mood": 0.5,
        "lines": {s: [f"{s} line"] for s in ("opening", "calmer", "same", "angrier", "resolved", "walk_out")},
    }


def _write(tmp_path: Path, data: object, name: str = "p.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data), encoding="utf-8")
    return p


def test_the_eight_issue_personas_ship() -> None:
    ids = {p.id for p in default_personas()}
    assert ids == {
        "refund-third-contact",
        "double-charge-legal",
        "abusive-responds-to-boundary",
        "abusive-escalates-threat",
        "sarcastic",
        "anxious-vulnerable",
        "manager-demand-callback",
        "policy-says-no",
    }
    for p in default_personas():
        assert p.scenario.facts and p.scenario.wants and p.scenario.policy_allows
        assert 0.0 <= p.mood <= 1.0
        assert p.brief()["id"] == p.id


def test_abusive_lines_are_read_as_abuse_at_the_agent_and_settled_lines_are_not() -> None:
    def labels(text: str) -> set[str]:
        return {s.label for s in analyze(Conversation.from_texts(("customer", text))).turns[0].signals}

    personas = load_personas()
    for pid in ("abusive-responds-to-boundary", "abusive-escalates-threat"):
        for line in personas[pid].pool("abuse", "furious"):
            assert labels(line) & {"abuse.insult", "abuse.harassment"}, line
    for line in personas["abusive-escalates-threat"].pool("threat", "furious"):
        assert "threat.personal" in labels(line), line
    for line in personas["abusive-responds-to-boundary"].pool("boundary", "upset"):
        assert not labels(line) & {"abuse.insult", "abuse.harassment", "threat.personal"}, line


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seeds are not beside this checkout")
def test_lines_are_our_own_words_not_copied_from_the_seeds() -> None:
    seed_text = " ".join(p.read_text(encoding="utf-8", errors="replace").lower() for p in SEEDS.rglob("*.txt"))
    for p in default_personas():
        for by_state in p.lines.values():
            for pool in by_state.values():
                for line in pool:
                    words = line.lower().split()
                    for i in range(max(0, len(words) - 7)):
                        assert " ".join(words[i : i + 8]) not in seed_text, line


def test_an_org_directory_adds_and_replaces_personas(tmp_path: Path) -> None:
    _write(tmp_path, _minimal(), "custom.yaml")
    replaced = _minimal() | {"id": "sarcastic", "name": "Our own sarcastic customer"}
    _write(tmp_path, replaced, "sarcastic.yaml")
    personas = load_personas(tmp_path)
    assert personas["org-custom"].name == "Custom"
    assert personas["sarcastic"].name == "Our own sarcastic customer"
    assert len(personas) == 9


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": "blue"}, "unknown key(s) colour"),
        ({"mood": "angry"}, ".mood: expected a number between 0.0 and 1.0"),
        ({"mood": 1.5}, ".mood: expected a number"),
        ({"id": "Bad Id"}, ".id: expected lower-case"),
        ({"version": 2}, ".version: expected 1"),
        ({"needs": ["hugs"]}, ".needs: unknown need 'hugs'"),
        ({"abuse": "sometimes"}, ".abuse: expected one of none, yields, escalates"),
        ({"abuse": "yields"}, "needs 'abuse' lines"),
        ({"max_turns": 1000}, ".max_turns: expected a whole number"),
        ({"weights": {"kindness": 2}}, ".weights: unknown key(s) kindness"),
        (
            {"scenario": {"facts": [], "wants": "x", "policy_allows": ["y"]}},
            ".scenario.facts: expected a non-empty list",
        ),
        ({"lines": {"opening": ["hi"]}}, ".lines: missing key(s)"),
    ],
)
def test_invalid_persona_names_the_file_and_key(tmp_path: Path, change: dict[str, object], message: str) -> None:
    path = _write(tmp_path, _minimal() | change)
    with pytest.raises(ConfigError) as err:
        load_persona(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_bad_lines_and_files(tmp_path: Path) -> None:
    data = _minimal()
    data["lines"] = dict(data["lines"]) | {"gossip": ["x"]}  # type: ignore[call-overload]
    with pytest.raises(ConfigError, match=r"\.lines: unknown key\(s\) gossip"):
        load_persona(_write(tmp_path, data))
    data["lines"] = _minimal()["lines"] | {"same": {"sleepy": ["x"]}}  # type: ignore[operator]
    with pytest.raises(ConfigError, match=r"\.lines\.same: unknown key\(s\) sleepy"):
        load_persona(_write(tmp_path, data))
    data["lines"] = _minimal()["lines"] | {"same": ["x" * 700]}  # type: ignore[operator]
    with pytest.raises(ConfigError, match="the limit is 600"):
        load_persona(_write(tmp_path, data))
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_persona(bad)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(ConfigError, match="cannot read as UTF-8"):
        load_persona(binary)
    with pytest.raises(ConfigError, match="file not found"):
        load_persona(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="persona directory not found"):
        load_personas(tmp_path / "nowhere")
    _write(tmp_path / "", _minimal(), "a.yaml")
    _write(tmp_path, _minimal(), "b.yaml")
    (tmp_path / "p.yaml").unlink()
    bad.unlink()
    binary.unlink()
    with pytest.raises(ConfigError, match="is also the id of"):
        load_personas(tmp_path)


def test_every_situation_name_is_documented() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "practice.md").read_text(encoding="utf-8")
    for sit in SITUATIONS:
        assert f"`{sit}`" in doc
