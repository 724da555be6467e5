"""Reading one customer message: models, detectors and the frustration score together.

:class:`Reader` owns the loaded detectors and models. ``read`` handles one message;
``read_many`` evaluates the models for a whole batch at once (much faster) and then
runs the rule detectors message by message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from types import MappingProxyType
from typing import Any, Protocol

import numpy as np

from calmline import registry
from calmline.models import load_model
from calmline.models._linear import LinearModel
from calmline.models._single import predict_all_explained
from calmline.models.learned import LearnedLayer, LearnedScore
from calmline.signals import _plancache
from calmline.signals._alternation import compile_all
from calmline.signals._learned_mix import (
    EMPHASIS_REASON,
    LEARNED_SIGNAL_MIN,
    UNTARGETED_HEAD_GATE,
    addresses_reader,
    combine_frustration,
    learned_insult,
    learned_untargeted,
)
from calmline.signals._lexicon import compile_lexicon_regexes
from calmline.signals._plan import Plan
from calmline.signals._text import Message, prepare_messages
from calmline.signals.base import Detector
from calmline.signals.detectors import DEFAULT_DETECTORS, InsultDetector
from calmline.signals.detectors.tone import positive_words, praises_reader, tone_words
from calmline.types import Signal

__all__ = ["FRUSTRATION_WEIGHTS", "Reader", "Reading", "TextModel"]


class TextModel(Protocol):
    """What the reader needs of a text classifier (the shipped models, or a test fake)."""

    @property
    def classes(self) -> tuple[str, ...]: ...

    def predict_proba(self, texts: Sequence[str]) -> Any: ...


#: How much each signal pushes the frustration score (noisy-or weights).
FRUSTRATION_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "threat.personal": 0.75,
        "abuse.insult": 0.6,
        "abuse.harassment": 0.5,
        "abuse.yelling": 0.45,
        "threat.legal": 0.45,
        "threat.public": 0.45,
        "customer.sarcasm": 0.45,
        "customer.repeating": 0.45,
        "customer.waiting": 0.4,
        "threat.churn": 0.35,
        "request.manager": 0.4,
        "abuse.profanity": 0.3,
        "request.refund": 0.2,
    }
)
# Emotion-model probability mass counted as frustration.
_EMOTION_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"anger": 1.0, "frustration": 0.9, "disappointment": 0.75, "anxiety": 0.35, "confusion": 0.15}
)
_ANGRY_LABELS = frozenset({"abuse.insult", "threat.personal", "abuse.harassment", "abuse.yelling"})
# An ultimatum (lawyers, regulators, going public) is anger on the LABELS.md scale.
_ULTIMATUM_LABELS = frozenset({"threat.legal", "threat.public"})
_ABUSE_LABELS = frozenset({"abuse.insult", "abuse.profanity", "abuse.harassment", "threat.personal"})
_ANGRY_EMOJI = re.compile("[😡🤬😠👿💢🖕]")
_SAD_EMOJI = re.compile("[😞😢😭😔☹🙁😩😫]")
#: laughing, smiling and loving emoji count as one happy word in the positive-message test below
#: (not 🙂 or 👍, often curt or sarcastic in a complaint); an angry label still overrules them
_HAPPY_EMOJI = re.compile("[😂🤣😊😀😃😄😁😆😍🥰😘😻❤💕💖💗💞👌🎉🥳☺😋🙌]")
_HAPPY_REASON = "positive message (happy words outweigh negative)"
_HAPPY_EMOJI_REASON = "positive message (happy words and emoji outweigh negative)"


def _no_learned() -> Mapping[str, LearnedScore]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Reading:
    """What the reader found in one message."""

    signals: tuple[Signal, ...]
    frustration: float
    emotion: str
    emotion_scores: Mapping[str, float]
    reasons: tuple[str, ...]
    #: the learned layer's stacked scores with their words and reasons (empty without it)
    learned: Mapping[str, LearnedScore] = field(default_factory=_no_learned)


class Reader:
    """Runs the detectors and models over customer messages.

    Args:
        detectors: registered detector names to run (default: all built-ins).
        max_chars: longer messages are read up to this many characters.
    """

    def __init__(
        self,
        detectors: Sequence[str] | None = None,
        *,
        max_chars: int = 20_000,
        emotion_model: TextModel | None = None,
        offensive_model: TextModel | None = None,
        learned: bool = True,
    ) -> None:
        names = (*DEFAULT_DETECTORS, *registry.plugins()) if detectors is None else tuple(detectors)
        self.detectors: list[Detector] = [registry.get(n)() for n in names]
        for d in self.detectors:
            d.load()
        self.emotion_model: TextModel = emotion_model or load_model("emotion")
        self.offensive_model: TextModel = offensive_model or load_model("offensive")
        self.max_chars = max_chars
        self._classes = tuple(self.emotion_model.classes)
        self._off_index = (
            list(self.offensive_model.classes).index("offensive") if "offensive" in self.offensive_model.classes else -1
        )
        self._negative_words = tone_words()["negative"]
        self._plan = Plan(self.detectors)
        #: the insult rules, whose exclusions the learned abuse signals respect
        self._insult = next((d for d in self.detectors if isinstance(d, InsultDetector)), None)
        _plancache.save()  # the regex analysis, for the next process (see _plancache)
        self.learned: LearnedLayer | None = LearnedLayer.load() if learned else None

    def compile_patterns(self) -> int:
        """Compile every lexicon regex and prefilter branch now; the number compiled (a service's start-up calls it).

        Otherwise each is compiled when a message first needs it, and a few large ones take
        tens of milliseconds, which would land on that message's latency.
        """
        return compile_all() + compile_lexicon_regexes()

    @property
    def names(self) -> list[str]:
        """The versioned names of the detectors this reader runs."""
        return [d.name for d in self.detectors]

    def read(
        self,
        text: str,
        *,
        previous_agent_text: str | None = None,
        previous_frustration: float = 0.0,
    ) -> Reading:
        """Read one customer message.

        It takes the batch path with a batch of one, where the linear models score the message
        together in one pure-Python pass (:mod:`calmline.models._single`: one tokenisation, the
        batch path's probabilities, no numpy per-call cost; p99 in ``python -m bench._distinct``).
        """
        message, emo, off, learned, summary, skip = self.score_batch((text,))[0]
        return self.finish(
            message, emo, off, previous_agent_text, previous_frustration, learned=learned, summary=summary, skip=skip
        )

    def score_models(self, texts: Sequence[str]) -> list[tuple[Message, list[float], float, Sequence[float] | None]]:
        """Prepare a batch of messages and evaluate the models on all of them at once.

        Each item is (message, emotion probabilities, offensive probability, learned heads' row or None),
        ready for :meth:`finish`.
        """
        messages, emo, off, learned = self._score(texts)
        return list(zip(messages, emo.tolist(), off.tolist(), learned or repeat(None), strict=False))

    def score_batch(self, texts: Sequence[str]) -> list[_Scored]:
        """:meth:`score_models` plus what the batch settles for each message's rules.

        Each item also carries the emotion summary (computed for the batch in numpy) and the
        detectors the batch ruled out (:meth:`Plan.batch_skips`, from the message alone);
        pass them to :meth:`finish` as ``summary`` and ``skip``. Same readings, less work.
        """
        messages, emo, off, learned = self._score(texts)
        if not messages:
            return []
        summaries = _emotion_summaries(self._classes, emo)
        skips = self._plan.batch_skips(messages)
        return list(
            zip(
                messages,
                emo.tolist(),
                off.tolist(),
                learned or repeat(None),
                summaries or repeat(None),
                skips,
                strict=False,
            )
        )

    def _score(self, texts: Sequence[str]) -> tuple[list[Message], Any, Any, Any]:
        """Messages, emotion and offensive probabilities, and the learned heads' rows (or None)."""
        messages = prepare_messages(texts, max_chars=self.max_chars)
        if not messages:
            return [], np.zeros((0, len(self._classes))), np.zeros(0), None
        plain = [m.text for m in messages]
        learned = None
        if isinstance(self.emotion_model, LinearModel) and isinstance(self.offensive_model, LinearModel):
            heads = self.learned.models if self.learned is not None else []
            models = [self.emotion_model, self.offensive_model, *heads]
            # one tokenisation for every linear model, learned heads included, which also rank their words
            (emo, off, *lp), words = predict_all_explained(models, plain, range(2, len(models)))
            if lp and self.learned is not None:
                rows = np.stack([p[:, 1] for p in lp], axis=1).tolist()
                learned = self.learned.with_abuse(rows, plain, [words.get(j) for j in range(2, len(models))])
        else:
            emo = self.emotion_model.predict_proba(plain)
            off = self.offensive_model.predict_proba(plain)
        if learned is None and self.learned is not None:
            learned = self.learned.predict(plain)
        return messages, emo, off[:, self._off_index], learned

    def read_many(self, texts: Sequence[str]) -> list[Reading]:
        """Read a batch of unrelated customer messages (models evaluated once for the batch)."""
        messages, emo, off, learned_rows = self._score(texts)
        if not messages:
            return []
        classes = self._classes
        rows = emo.tolist()
        summaries = _emotion_summaries(classes, emo)
        if summaries is None:  # unusual classes: the per-message path
            learned = learned_rows or repeat(None)
            batch = zip(messages, rows, off.tolist(), learned, strict=False)
            return [self.finish(m, e, o, learned=lp) for m, e, o, lp in batch]
        # the emotion scores of each message (rows have one value per class: checked above)
        score_dicts = list(map(dict, map(zip, repeat(classes), rows)))
        run, frustration_of, emotion_of = self._plan.run, self._frustration, self._emotion
        skips = self._plan.batch_skips(messages)
        learned = learned_rows if learned_rows is not None else repeat(None)
        out = []
        for m, scores, proxy, o, summary, skip, lp in zip(
            messages,
            score_dicts,
            map(MappingProxyType, score_dicts),
            off.tolist(),
            summaries,
            skips,
            learned,
            strict=False,
        ):
            # what ``_core`` does, inlined: this loop runs once per message
            signals = run(m, scores, o, None, 0.0, summary[3], skip)
            f, reasons = frustration_of(m, summary, signals)
            if lp is None:
                out.append(Reading(tuple(signals), f, emotion_of(summary, signals, f), proxy, tuple(reasons)))
                continue
            f, ls = self._with_learned(m, f, reasons, signals, o, lp, summary[2])
            out.append(Reading(tuple(signals), f, emotion_of(summary, signals, f), proxy, tuple(reasons), ls))
        return out

    def finish(
        self,
        message: Message,
        emo: Sequence[float],
        offensive: float,
        previous_agent_text: str | None = None,
        previous_frustration: float = 0.0,
        *,
        learned: Sequence[float] | None = None,
        summary: _Summary | None = None,
        skip: int = 0,
    ) -> Reading:
        """Run the detectors on a prepared message whose model scores are known.

        ``learned`` is the learned heads' row from :meth:`score_models`; without it they are evaluated here.
        ``summary`` and ``skip``: from :meth:`score_batch` (worked out here when not given).
        """
        scores = dict(zip(self._classes, map(float, emo), strict=True))
        if summary is None:
            summary = _emotion_summary(scores)
        return self._core(
            message, scores, float(offensive), previous_agent_text, previous_frustration, summary, learned, skip
        )

    def _core(
        self,
        message: Message,
        scores: dict[str, float],
        offensive: float,
        previous_agent_text: str | None,
        previous_frustration: float,
        summary: _Summary,
        learned_probs: Sequence[float] | None = None,
        skip: int = 0,
    ) -> Reading:
        signals = self._plan.run(
            message, scores, offensive, previous_agent_text, previous_frustration, summary[3], skip
        )
        frustration, reasons = self._frustration(message, summary, signals)
        learned: Mapping[str, LearnedScore] = MappingProxyType({})
        if self.learned is not None:
            lp = learned_probs if learned_probs is not None else self.learned.predict_one(message.text)
            frustration, learned = self._with_learned(message, frustration, reasons, signals, offensive, lp, summary[2])
        emotion = self._emotion(summary, signals, frustration)
        return Reading(tuple(signals), frustration, emotion, MappingProxyType(scores), tuple(reasons), learned)

    def _with_learned(
        self,
        message: Message,
        frustration: float,
        reasons: list[str],
        signals: list[Signal],
        offensive: float,
        probs: Sequence[float],
        sat: float,
    ) -> tuple[float, Mapping[str, LearnedScore]]:
        """Stack the learned heads with the rule scores; frustration follows the stacked negativity."""
        assert self.learned is not None
        abuse_rule = max((s.score for s in signals if s.label in _ABUSE_LABELS), default=0.0)
        ls = self.learned.explain(message.text, probs, frustration, sat, abuse_rule, offensive)
        fired = bool(signals)
        if abuse_rule == 0.0:
            addressed = addresses_reader(message)
            untargeted = self.learned.abuse is not None and probs[-1] >= UNTARGETED_HEAD_GATE
            found = None
            if addressed or untargeted:
                abuse = ls["abuse"]
                # the rules' exclusions are worked out only where a learned signal may fire
                excluded = self._insult_exclusions(message) if abuse.score >= LEARNED_SIGNAL_MIN else ()
                found = learned_insult(message, abuse, excluded) if addressed else None
                if found is None and untargeted:
                    found = learned_untargeted(message, abuse, excluded)
            if found is not None:
                signals.append(found)
        return combine_frustration(frustration, ls, reasons, fired), ls

    def _insult_exclusions(self, message: Message) -> list[tuple[int, int]]:
        """The spans the insult rules exclude in ``message`` (none when that detector is not run)."""
        d = self._insult
        return d._excluded_ranges(message, message.token_set) if d is not None else []

    def _frustration(self, message: Message, summary: _Summary, signals: list[Signal]) -> tuple[float, list[str]]:
        model_part, _argmax, satisfaction, negativity = summary
        parts: list[tuple[float, str]] = [model_part] if model_part is not None else []
        angry = sarcastic = swearing = False
        abuse_kinds = 0
        for s in signals:
            label = s.label
            if label == "customer.sarcasm":
                sarcastic = True  # sarcasm turns praise negative: no "positive message" damping
            elif label == "abuse.profanity":
                swearing = True
            w = FRUSTRATION_WEIGHTS.get(label, 0.0)
            if w:
                parts.append((w * s.score, f"{label} {s.score:.2f}"))
            if label.startswith("abuse.") or label == "threat.personal":
                abuse_kinds += 1
            if label in _ANGRY_LABELS:
                angry = True
        toks = message.token_set
        neg = toks & self._negative_words  # type: ignore[operator]
        if neg:
            parts.append((min(0.45, 0.12 * len(neg)), "negative words: " + ", ".join(sorted(neg)[:4])))
        text = message.text
        happy_emoji = 0
        if not text.isascii():
            if _ANGRY_EMOJI.search(text):
                parts.append((0.5, "angry emoji"))
            elif _SAD_EMOJI.search(text):
                parts.append((0.3, "upset emoji"))
            elif _HAPPY_EMOJI.search(text):
                happy_emoji = 1
        if abuse_kinds >= 2:
            parts.append((0.3 * (abuse_kinds - 1), f"{abuse_kinds} kinds of abuse stacked"))
        keep = 1.0
        for p, _ in parts:
            keep *= 1.0 - min(p, 0.98)
        value = 1.0 - keep
        if len(parts) > 1:
            parts.sort(key=_part_weight, reverse=True)  # stable: equal weights keep their order
        reasons = list(map(_part_reason, parts))
        # is_happy: positive words outweigh negative ones and the emotion model agrees
        if not angry and not sarcastic:
            pos = positive_words(toks, message.norm) + happy_emoji
            if pos > 0 and pos > len(neg):
                if satisfaction + 0.15 >= negativity:
                    value *= 0.3
                    reasons.insert(0, _HAPPY_EMOJI_REASON if happy_emoji else _HAPPY_REASON)
                elif swearing and abuse_kinds == 1:
                    # the model's anger comes from the swear words themselves: swearing as emphasis
                    value *= 0.15
                    reasons.insert(0, EMPHASIS_REASON)
                elif praises_reader(message.norm):
                    # "YOU ARE THE BEST!!!": the model reads the capitals and "!!!" as anger
                    value *= 0.3
                    reasons.insert(0, _HAPPY_REASON)
        if not reasons:
            reasons = ["no sign of negative emotion"]
        return round(min(1.0, value), 4), reasons[:5]

    def _emotion(self, summary: _Summary, signals: list[Signal], frustration: float) -> str:
        top = summary[1]
        labels = {s.label for s in signals}
        if "customer.sarcasm" in labels and top in ("satisfaction", "neutral"):
            return "frustration"  # praise said sarcastically
        if frustration < 0.15:
            if top in ("anger", "frustration", "disappointment"):
                # swearing read as emphasis of a happy message (see ``_frustration``)
                return "satisfaction" if "abuse.profanity" in labels and len(labels) == 1 else "neutral"
            return top
        if (labels & _ANGRY_LABELS and frustration >= 0.5) or (labels & _ULTIMATUM_LABELS and frustration >= 0.45):
            return "anger"
        if top in ("neutral", "satisfaction") and frustration >= 0.35:
            return "frustration"  # mild annoyance and up, whatever the model's top class
        return top


_part_weight = itemgetter(0)
_part_reason = itemgetter(1)


# What the frustration score and the emotion need of the emotion model:
# (its frustration part ``(0.8 * mass, reason)`` or None, the top class overall,
#  satisfaction, negativity)
_Summary = tuple[tuple[float, str] | None, str, float, float]
_WEIGHTED = tuple(_EMOTION_WEIGHTS.items())
#: an item of :meth:`Reader.score_batch`: message, emotion row, offensive, learned row, summary, skip bits
_Scored = tuple[Message, list[float], float, Sequence[float] | None, _Summary | None, int]


def _emotion_summary(scores: Mapping[str, float]) -> _Summary:
    model = 0.0
    top, top_p = "", -1.0
    for k, w in _WEIGHTED:
        p = scores.get(k, 0.0)
        model += p * w
        if p > top_p:
            top, top_p = k, p
    part = (0.8 * model, f"emotion model: {top} {top_p:.2f}") if model > 0.05 else None
    argmax = max(scores, key=scores.__getitem__) if scores else "neutral"
    negativity = scores.get("anger", 0.0) + scores.get("frustration", 0.0) + scores.get("disappointment", 0.0)
    return part, argmax, scores.get("satisfaction", 0.0), negativity


def _emotion_summaries(classes: tuple[str, ...], proba: Any) -> list[_Summary] | None:
    """``_emotion_summary`` of every row of a batch, in numpy with the same float operations."""
    p = np.asarray(proba, dtype=np.float64)
    n = p.shape[0]
    if len(set(classes)) != len(classes) or p.ndim != 2 or p.shape[1] != len(classes) or not np.isfinite(p).all():
        return None
    zero = np.zeros(n)
    col = {c: p[:, i] for i, c in enumerate(classes)}
    model = np.zeros(n)
    for k, w in _WEIGHTED:
        model += col.get(k, zero) * w
    weighted = np.stack([col.get(k, zero) for k, _ in _WEIGHTED], axis=1)
    top_i = weighted.argmax(axis=1)  # the first maximum, like the loop's strict ">"
    names = [k for k, _ in _WEIGHTED]
    parts: list[tuple[float, str] | None] = [None] * n
    big = model > 0.05
    for i, v, t, tp in zip(
        np.flatnonzero(big).tolist(),
        (0.8 * model[big]).tolist(),
        top_i[big].tolist(),
        weighted[np.arange(n), top_i][big].tolist(),
        strict=True,
    ):
        parts[i] = (v, f"emotion model: {names[t]} {tp:.2f}")
    argmax = p.argmax(axis=1) if classes else np.zeros(n, np.intp)
    negativity = col.get("anger", zero) + col.get("frustration", zero) + col.get("disappointment", zero)
    sat = col.get("satisfaction", zero)
    arg_names = [*classes, "neutral"] if classes else ["neutral"]
    return list(
        zip(
            parts,
            [arg_names[i] for i in argmax.tolist()],
            sat.tolist(),
            negativity.tolist(),
            strict=True,
        )
    )
