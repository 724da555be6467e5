"""How frustration merges the rules with the learned layer (calmline/signals/_learned_mix.py, issue #13)."""

from __future__ import annotations

import re

import pytest

from calmline.models.learned import LearnedScore
from calmline.signals._learned_mix import CUE_FLOOR, EMPHASIS_REASON, LEARNED_CAP, combine_frustration
from calmline.signals.reader import Reader


def learned(score: float) -> dict[str, LearnedScore]:
    why = f"learned negative stacked -> {score:.2f}"
    return {"negative": LearnedScore(score, score, "negative", 0.0, fixed_reason=why)}


# --------------------------------------------- no rule signal fired: the stack reads the cues
@pytest.mark.parametrize(
    "reasons",
    [
        ["emotion model: anger 0.30"],
        ["positive message (happy words outweigh negative)", "emotion model: frustration 0.20"],
        ["positive message (happy words and emoji outweigh negative)", "emotion model: frustration 0.20"],
        ["negative words: broken", "emotion model: anger 0.30"],  # the lexicon's cue: the stack reads it too
        ["upset emoji"],
    ],
)
def test_stack_replaces_the_cues_when_no_rule_signal_fired(reasons: list[str]) -> None:
    before = list(reasons)
    got = combine_frustration(0.3, learned(0.2), reasons, False)
    assert got == pytest.approx(LEARNED_CAP * 0.2, abs=1e-3)
    assert reasons[0].startswith("learned negative") and "replaces the cues below" in reasons[0]
    assert reasons[1:] == before  # what the cues said stays visible


def test_the_stack_keeps_a_floor_of_what_the_cues_read() -> None:
    reasons = ["negative words: broken, useless", "angry emoji"]
    got = combine_frustration(0.8, learned(0.05), reasons, False)
    assert got == pytest.approx(CUE_FLOOR * 0.8, abs=1e-3)
    assert got > LEARNED_CAP * 0.05
    assert "replaces the cues below" in reasons[0]


@pytest.mark.parametrize(
    "reasons",
    [["emotion model: anger 0.30"], ["negative words: broken", "emotion model: anger 0.30"], ["abuse.insult 0.72"]],
)
def test_stack_never_lowers_what_a_rule_signal_read(reasons: list[str]) -> None:
    before = list(reasons)
    assert combine_frustration(0.3, learned(0.0), reasons, True) == 0.3  # a signal fired: the rules keep their scale
    assert reasons == before


def test_a_message_with_no_cue_stays_at_zero() -> None:
    reasons = ["no sign of negative emotion"]
    assert combine_frustration(0.0, learned(0.03), reasons, False) == 0.0  # within 0.05: nothing replaced
    assert reasons == ["no sign of negative emotion"]


def test_stack_raises_what_the_rules_missed_and_says_why() -> None:
    reasons = ["negative words: still"]
    got = combine_frustration(0.12, learned(0.9), reasons, True)
    assert got == pytest.approx(LEARNED_CAP * 0.9, abs=1e-3)
    assert reasons[0].startswith("learned negative") and reasons[1] == "negative words: still"


def test_a_small_learned_difference_keeps_the_rule_score() -> None:
    # within 0.05 above the rules: not worth replacing their reasons
    reasons = ["emotion model: anger 0.30"]
    rule = LEARNED_CAP * 0.5 - 0.02
    assert combine_frustration(rule, learned(0.5), reasons, False) == rule
    assert reasons == ["emotion model: anger 0.30"]


def test_swearing_as_emphasis_is_left_to_the_rules() -> None:
    reasons = [EMPHASIS_REASON, "emotion model: anger 0.84"]
    assert combine_frustration(0.12, learned(0.95), reasons, True) == 0.12
    assert combine_frustration(0.12, learned(0.01), reasons, False) == 0.12


@pytest.mark.parametrize("text", ["ok", "my package is late again, not great"])
def test_with_no_signal_the_reader_takes_the_stacked_reading(reader: Reader, text: str) -> None:
    rules = Reader(learned=False).read(text)
    full = reader.read(text)
    assert rules.signals == () and full.signals == ()
    assert rules.frustration > 0  # the cues read something, so there is something to replace
    stacked = LEARNED_CAP * full.learned["negative"].score
    if stacked < rules.frustration:  # lowered, never below the floor, and it says so
        assert "replaces the cues below" in full.reasons[0]
        assert full.frustration == pytest.approx(max(stacked, CUE_FLOOR * rules.frustration), abs=1e-3)
        assert full.frustration < rules.frustration
    else:  # raised (or kept): never below what the cues read
        assert full.frustration >= rules.frustration


def test_the_reader_lowers_a_calm_message_the_cues_overread(reader: Reader) -> None:
    # "ok" gets a little frustration from the emotion model; the stack reads it as calm
    rules, full = Reader(learned=False).read("ok"), reader.read("ok")
    assert full.frustration < rules.frustration
    assert "replaces the cues below" in full.reasons[0]


# ------------------------------------------------------------ happy emoji
def test_a_happy_emoji_counts_as_a_happy_word(reader: Reader) -> None:
    rules = Reader(learned=False)
    plain = rules.read("my new phone arrived")
    happy = rules.read("my new phone arrived 😍")
    assert happy.reasons[0] == "positive message (happy words and emoji outweigh negative)"
    assert happy.frustration < 0.5 * plain.frustration
    # the learned layer may still raise it (its lexicon valence does not read emoji), never above the plain text
    assert reader.read("my new phone arrived 😍").frustration <= reader.read("my new phone arrived").frustration


@pytest.mark.parametrize(
    "text",
    [
        "you clown 😂",  # an insult with a laughing face is still an insult
        "lol you guys are a joke 😂",
        "still waiting for my refund 😂",  # the complaint outweighs one emoji
        "my order arrived broken 😡😂",  # an angry emoji wins
    ],
)
def test_happy_emoji_near_misses_stay_negative(reader: Reader, text: str) -> None:
    r = reader.read(text)
    assert not any(x.startswith("positive message") for x in r.reasons)
    assert r.frustration >= 0.5


def test_a_curt_smile_is_not_a_happy_emoji() -> None:
    rules = Reader(learned=False)
    assert rules.read("my new phone arrived 🙂").frustration == rules.read("my new phone arrived").frustration


# --------------------------------------------- untargeted offensive language
def learned_abuse(reader: Reader, text: str) -> list[tuple[str, str, tuple[str, ...], str]]:
    return [
        (s.label, s.source, tuple(e.text for e in s.evidence), s.explanation)
        for s in reader.read(text).signals
        if s.source.endswith(".learned.v1")
    ]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("That man is a disgusting liar and a hypocrite", {"disgusting", "liar", "hypocrite"}),
        ("Those people are racist scum", {"racist", "scum"}),
        ("ok. I think that man is a disgusting liar", {"disgusting", "liar"}),  # "I think" is not about oneself
    ],
)
def test_offensive_words_at_no_one_read_as_learned_profanity(reader: Reader, text: str, words: set[str]) -> None:
    got = learned_abuse(reader, text)
    assert len(got) == 1
    label, source, evidence, why = got[0]
    assert (label, source) == ("abuse.profanity", "abuse.profanity.learned.v1")
    assert evidence and set(evidence) <= words  # the words that pushed the head, as spans of the text
    assert why.startswith("learned abuse") and "aimed at no one" in why


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("And she is stupid as well!", True),  # a person disparaged: offensive words at no one in the chat
        ("Honestly, he is so stupid.", True),
        ("They are so stupid, the parcel went to the wrong town again.", False),  # "they": the company or courier
        ("this is stupid", False),  # a situation: frustration (LABELS.md), not swearing
        ("That sucks, he was so nice.", False),  # "sucks" is said of the situation beside a person
        ("I hate it when people cancel on me.", False),  # "hate" is a feeling, not a disparaging word
        ("Has he been sick long?", False),
        ("That sucks man, I'm sorry.", False),  # "man" as an interjection is nobody
    ],
)
def test_a_frustration_word_said_of_a_person_is_offensive(reader: Reader, text: str, fires: bool) -> None:
    got = learned_abuse(reader, text)
    assert bool(got) is fires, got
    if fires:
        assert got[0][:2] == ("abuse.profanity", "abuse.profanity.learned.v1")


@pytest.mark.parametrize(
    "text",
    [
        "He is not a disgusting liar",  # negated
        'She said "he is a disgusting liar"',  # quoted
        "I'm such a disgusting pig, I ate the whole cake",  # said of oneself
        "I feel so disgusting after that meal",
        "I feel so stupid, I typed my email wrong",  # "so" splits the rules' clause: still said of oneself
        "this printer jam is killing me",
        "this app is disgusting",  # criticism of a product
        "Your billing system is an absolute disgrace",
        "Er ist ein Lügner und die Jacke ist kaputt",  # not English: the head does not read it
    ],
)
def test_untargeted_near_misses_stay_silent(reader: Reader, text: str) -> None:
    assert not [s for s in reader.read(text).signals if s.label.startswith("abuse")]


def test_an_insult_aimed_at_the_agent_stays_an_insult(reader: Reader) -> None:
    labels = {s.label for s in reader.read("you are a disgusting liar and a hypocrite").signals}
    assert "abuse.insult" in labels and "abuse.profanity" not in labels


@pytest.mark.parametrize("text", ["you are so fat", "honestly you're so fat and lazy"])
def test_an_intensifying_so_does_not_cut_the_insult_off_from_you(reader: Reader, text: str) -> None:
    # the rules' clauses break at "so" (the conjunction); "so fat" is the intensifier
    labels = {s.label for s in reader.read(text).signals}
    assert "abuse.insult" in labels and "abuse.profanity" not in labels


@pytest.mark.parametrize("text", ["you are not so fat", "I told you so, fat chance of that"])
def test_so_near_misses_are_no_insult(reader: Reader, text: str) -> None:
    assert "abuse.insult" not in {s.label for s in reader.read(text).signals}


def test_the_head_gate_never_hides_an_untargeted_signal() -> None:
    from calmline.models.learned import LearnedLayer
    from calmline.signals._learned_mix import LEARNED_UNTARGETED_MIN, UNTARGETED_HEAD_GATE

    layer = LearnedLayer.load()
    assert layer is not None and layer.abuse is not None
    stack = layer.abuse[1]
    # with no rule abuse, a head at the gate stacks below the signal's threshold (the stack rises with the head)
    assert stack(0.0, UNTARGETED_HEAD_GATE, 0.0) < LEARNED_UNTARGETED_MIN


#: the distilled negative head (2026-12-07) reads this one at 0.37: its teacher's probabilities are balanced, so
#: everyday words ("book", "son") lean a little negative; CHANGELOG "Known gaps". Strict: it fails once fixed.
_DENTIST = pytest.param(
    "I need to book a dentist appointment for my son.",
    marks=pytest.mark.xfail(strict=True, reason="distilled head reads 0.37 (known gap)"),
)
CALM_REQUESTS = [
    "Would it be possible for someone to ring me back about my mortgage application?",
    _DENTIST,
    "We're thinking of moving the whole team to your premium plan, what does it include?",
    "My parcel came today, can you close the ticket?",
    "Could you send me the invoice for last month?",
    "What time does the store open tomorrow?",
]


@pytest.mark.parametrize("text", CALM_REQUESTS)
def test_calm_requests_stay_under_mild_annoyance(reader: Reader, text: str) -> None:
    """The stack is fitted with calm rows too (training/train_learned.py CALM_WEIGHT): a plain request is not lifted."""
    r = reader.read(text)
    assert r.frustration < 0.35, (r.frustration, r.reasons)
    assert r.emotion in ("neutral", "confusion", "satisfaction")


@pytest.mark.xfail(
    strict=True,
    reason="the distilled head's stack reads 0.551 against the rules' 0.502: 0.001 short of the 0.05 a learned "
    "reading needs to move the score (combine_frustration), so the rules' 0.50 stands (known gap)",
)
def test_negative_paraphrases_are_still_raised(reader: Reader) -> None:
    rules = Reader(learned=False)
    text = "honestly this whole experience has been miserable and exhausting"
    assert reader.read(text).frustration > rules.read(text).frustration + 0.05
    assert reader.read(text).frustration >= 0.5


def test_the_shipped_stack_reads_a_neutral_input_below_even() -> None:
    from calmline.models.learned import LearnedLayer

    layer = LearnedLayer.load()
    assert layer is not None
    _model, stack = layer.heads["negative"]
    assert stack(0.15, 0.2, 0.1, 0.0) < 0.5  # weak rule, weak head, no valence: not "probably negative"
    assert stack(0.15, 0.9, 0.1, -0.5) > 0.8  # a confident head with negative words still is


@pytest.mark.parametrize(
    "text",
    [
        "dumb question but where is my order",  # a question called silly (the rules' exclusion)
        "you idiot proof everything except the refunds",  # a set phrase, with "you" near it
    ],
)
def test_learned_abuse_respects_the_insult_rules_exclusions(reader: Reader, text: str) -> None:
    from calmline.signals._learned_mix import learned_insult, learned_untargeted
    from calmline.signals._text import Message

    r = reader.read(text)
    assert not [s for s in r.signals if s.label.startswith("abuse.")], r.signals
    # without the exclusions the head's words would have fired: the rules' spans are what stops them
    m, abuse = Message(text), r.learned["abuse"]
    assert learned_insult(m, abuse) is not None or learned_untargeted(m, abuse) is not None


@pytest.mark.parametrize(
    "text",
    [
        "stupid question but where is my order",
        "this was meant to be idiot proof and it is not",
        "this was meant to be dummy proof and it is not",
        "This is stupid, fifty people in the queue.",
        "Pathetic. Two hours on hold.",
        "that sucks, the parcel is lost again",
    ],
)
def test_frustration_words_at_no_one_are_not_swearing(reader: Reader, text: str) -> None:
    # LABELS.md: abuse.profanity is swearing; "stupid", "pathetic", "sucks" said of a situation are the
    # frustration cue, not abuse (the frustration still rises)
    r = reader.read(text)
    assert not [s for s in r.signals if s.label.startswith("abuse.")], r.signals
    assert any(reason.startswith("negative words") or "learned negative" in reason for reason in r.reasons)


def test_untargeted_slang_the_lexicon_lacks_is_still_read(reader: Reader) -> None:
    r = reader.read("them hoes come and them hoes go")
    assert "abuse.profanity" in {s.label for s in r.signals}


def test_a_stupid_question_near_miss_still_insults(reader: Reader) -> None:
    r = reader.read("stupid question? you are the stupid one, idiot")
    assert "abuse.insult" in {s.label for s in r.signals}


def test_a_learned_score_prints_without_its_model(reader: Reader) -> None:
    score = reader.read("This is awful, I am so disappointed and angry.").learned["negative"]
    assert score.model is not None
    assert "vocab" not in repr(score) and len(repr(score)) < 400
    assert score.words  # the model is still there to name the words


_ARITHMETIC = re.compile(r"frustration 0\.7 x [\d.]+ = ([\d.]+)(?:, at least 0\.3 x the cues' [\d.]+ = ([\d.]+))?")


@pytest.mark.parametrize(
    "text",
    [
        "hello, waiting",
        "This is taking forever and nobody answers",
        "ok thanks",
        "I am so disappointed with how this went",
        "That fixed it, cheers!",
        "You people lost my parcel again",
    ],
)
def test_the_learned_reason_shows_the_frustration_it_gives(text: str) -> None:
    """A learned frustration reason carries its arithmetic: its result is the reported frustration."""
    reading = Reader().read(text)
    first = reading.reasons[0]
    if not first.startswith("learned negative"):
        return  # the rules kept their score: no learned reason to check
    m = _ARITHMETIC.search(first)
    assert m, first
    value = float(m.group(1)) if m.group(2) is None else max(float(m.group(1)), float(m.group(2)))
    assert abs(value - reading.frustration) <= 0.0015, (first, reading.frustration)
    assert LEARNED_CAP == 0.7 and CUE_FLOOR == 0.3  # the pattern above spells them out
