"""Lexicons are validated strictly; the registry names what exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmline import registry
from calmline.errors import ConfigError, RegistryError
from calmline.signals._lexicon import load_lexicon
from calmline.signals._text import Message
from calmline.signals.base import Context
from calmline.signals.detectors import DEFAULT_DETECTORS, PatternDetector


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "lex.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_every_shipped_lexicon_loads() -> None:
    names = registry.available()
    assert set(DEFAULT_DETECTORS) <= set(names)
    for name in DEFAULT_DETECTORS:
        registry.get(name)().load()


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("label: x\npatterns: [{triggers: [a], regex: a}]\ncolour: red\n", "unknown key(s) colour"),
        ("label: x\npatterns: [{triggers: [a], regex: a, speed: 3}]\n", "patterns[0]: unknown key(s) speed"),
        ("label: x\npatterns: [{triggers: [], regex: a}]\n", "patterns[0].triggers"),
        ("label: x\npatterns: [{triggers: [a], regex: '(unclosed'}]\n", "invalid regular expression"),
        ("label: x\npatterns: [{triggers: [a], regex: '%NOPE%'}]\n", "unknown macro %NOPE%"),
        ("label: x\npatterns: [{triggers: [a], regex: a, score: 2}]\n", "score"),
        ("label: x\npatterns: [{triggers: [a], regex: a, implies: [abuse.nonsense]}]\n", "unknown label"),
        ("label: x\npatterns: [oops\n", "invalid YAML"),
        ("label: x\n", "missing key(s) patterns"),
    ],
)
def test_bad_lexicons_name_the_file_and_key(tmp_path: Path, yaml_text: str, message: str) -> None:
    path = _write(tmp_path, yaml_text)
    with pytest.raises(ConfigError) as exc:
        load_lexicon(path)
    assert str(path) in str(exc.value)
    assert message in str(exc.value)


def test_an_organisation_lexicon_drives_a_detector(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "label: threat.churn\npatterns:\n"
        "  - {id: rival, triggers: [acme], regex: 'going to acme', score: 0.7, why: names our rival}\n",
    )

    class RivalDetector(PatternDetector):
        labels = ("threat.churn",)

    RivalDetector.name = "threat.churn.rival.v1"
    d = RivalDetector(load_lexicon(path))
    d.load()
    (sig,) = d.detect(Message("I'm going to ACME next month"), Context())
    assert sig.score == 0.7 and sig.explanation == "names our rival" and sig.evidence[0].text == "going to ACME"
    assert list(d.detect(Message("I'm not going to acme"), Context())) == []


def test_unknown_detector_lists_the_valid_names() -> None:
    with pytest.raises(RegistryError) as exc:
        registry.get("abuse.insult.v9")
    assert "abuse.insult.v1" in str(exc.value)


def test_reader_with_a_subset_of_detectors() -> None:
    from calmline.signals.reader import Reader

    r = Reader(["abuse.profanity.v1"])
    labels = {s.label for s in r.read("you f*cking idiot").signals}
    assert labels == {"abuse.profanity"}


def test_entry_point_detectors_run_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from collections.abc import Iterable

    from calmline.signals.base import Detector
    from calmline.signals.reader import Reader
    from calmline.types import Signal

    class ShoutingAboutPrinters(Detector):
        labels = ("customer.waiting",)

        def detect(self, message: Message, context: Context) -> Iterable[Signal]:
            return (
                []
                if "printer" not in message.norm
                else [Signal("customer.waiting", 0.5, (), self.name, "mentions the printer")]
            )

    class EP:
        name = "acme.printer.v1"

        def load(self) -> type[Detector]:
            return ShoutingAboutPrinters

    monkeypatch.setattr(registry, "_ENTRY_POINTS_LOADED", False)
    monkeypatch.setattr(registry, "_PLUGINS", [])
    monkeypatch.setattr(registry, "entry_points", lambda group: [EP()])
    try:
        reader = Reader(emotion_model=None, offensive_model=None)
        assert "acme.printer.v1" in reader.names
        assert any(s.source == "acme.printer.v1" for s in reader.read("the printer again").signals)
    finally:
        registry._REGISTRY.pop("acme.printer.v1", None)
