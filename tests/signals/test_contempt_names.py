"""Name-calling that the lexicon lacked: contempt adjectives, nouns that are also verbs, the
"your a ..." typo, "what a ... you are", and "No you are ..." read as an interjection.

Each case fires on the form aimed at the agent and stays silent on its near miss (written in our
own words after constructions seen in the Kaggle insults training file; its test file and the
other abuse sets measure the change, see the CHANGELOG).
"""

from __future__ import annotations

import pytest

from calmline.signals.reader import Reader

INSULT = "abuse.insult"
CASES = [
    # (text, whether abuse.insult fires)
    ("You are disgusting.", True),
    ("Honestly you're despicable and vile.", True),
    ("Your service is disgusting.", False),  # a thing criticised, not a person
    ("That meal was vile.", False),
    ("That man is a disgusting liar.", False),  # someone else: offensive words at no one in the chat
    ("You're a creep.", True),
    ("You creep up on me every time with these fees.", False),  # the verb
    ("you're a bully", True),
    ("You bully people into paying twice.", False),
    ("You're a coward for hiding behind a script.", True),
    ("I'm such a coward about phone calls.", False),  # self-deprecation
    ("you're a tard", True),
    ("You are such a schmuck", True),
    ("You're a hypocrite.", True),
    ("your a joke", True),  # the typo of "you're"
    ("your such an idiot", True),
    ("Your account is a joke.", False),  # the possessive
    ("your a star, thank you!", False),
    ("What a joke you are!", True),
    ("What a complete clown you are.", True),
    ("What a joke you are making of my complaint.", False),  # "you are making": a verb follows
    ("What a hero you are, thanks!", False),
    ("No you are just stupid.", True),  # "No" before a subject is the interjection
    ("No idiot would design a form like this.", False),  # "no" before a noun negates it
    ("No you're not an idiot, the form is confusing.", False),
]


@pytest.mark.parametrize(("text", "fires"), CASES, ids=[c[0][:40] for c in CASES])
def test_contempt_aimed_at_the_agent(reader: Reader, text: str, fires: bool) -> None:
    got = [s for s in reader.read(text).signals if s.label == INSULT]
    assert bool(got) is fires, [(s.evidence, s.source) for s in got]


def test_the_evidence_is_the_name_calling(reader: Reader) -> None:
    s = next(s for s in reader.read("Well, what a joke you are.").signals if s.label == INSULT)
    assert [e.text for e in s.evidence] == ["what a joke you are"]
    assert s.source == "abuse.insult.v1"
