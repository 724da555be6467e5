"""Name-calling typed at the chat agent counts as an insult even when that agent is a bot.

LABELS.md keeps criticism of a bot out of ``abuse.insult`` ("your bot is thick"): a customer
describing a tool. Calling the agent one is typing to names ("you stupid bot", "Useless bot!")
is name-calling aimed at the agent, as "you absolute clown" is.
"""

from __future__ import annotations

import pytest

from calmline.signals.reader import Reader

NAME_CALLING = [
    "you stupid bot",
    "Shut up, you useless machine.",
    "Stupid bot.",
    "Pathetic robot!",
    "answer me you absolutely clueless chatbot",
]
CRITICISM = [
    "your bot is thick",
    "this bot is useless, can I have a person",
    "you're just a bot, put me through to someone",
    "the chatbot keeps sending me round in circles",
    "this stupid bot keeps looping",
    "I feel like a stupid robot at work today",
    "thank you, bot",
    "My laptop froze again. Stupid computer.",
    "My phone died. Useless machine!",
    "The manual gives you useless program names.",
]


@pytest.mark.parametrize("text", NAME_CALLING)
def test_name_calling_the_bot_is_an_insult_with_its_words(reader: Reader, text: str) -> None:
    (sig,) = [s for s in reader.read(text).signals if s.label == "abuse.insult"]
    assert sig.source == "abuse.insult.v1"
    assert any(w in e.text.lower() for e in sig.evidence for w in ("bot", "machine", "robot"))
    assert "bot" in sig.explanation


@pytest.mark.parametrize("text", CRITICISM)
def test_criticism_or_description_of_a_bot_is_not(reader: Reader, text: str) -> None:
    assert "abuse.insult" not in {s.label for s in reader.read(text).signals}
