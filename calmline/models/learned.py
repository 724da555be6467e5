"""The learned layer under the rules (issue #13): small linear heads stacked with the rule scores.

Heads (``learned_negative``, ``learned_sarcasm``, ``learned_complaint``; trained by
``training/train_learned.py`` on permissively licensed data only) are binary linear models
over word n-grams and hashed char n-grams, evaluated with numpy. Each head is *stacked*
with the rule score (the reader's frustration) by the logistic regression whose
coefficients ``training/train_learned.py`` fitted on rows the head never saw and stored in
the head's ``.json`` under ``"stack"`` (the negative head's stack also reads the lexicon
valence of :mod:`calmline.models._valence`). ``abuse`` stacks the ``learned_abuse`` head
(alt-profanity-check's MIT weights exported to numpy, :mod:`calmline.models._tfidf`) with
the strongest rule abuse signal the same way; without that head it falls back to the mean
of the shipped ``offensive`` model and the rules.

Every score says why: the words whose weights pushed it (exact per-word contributions of
the linear head) and a one-line reason.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from calmline.models._features import _NOT, feature_spans
from calmline.models._linear import LinearModel, Words, load_model
from calmline.models._single import predict_proba_all
from calmline.models._tfidf import TfidfEnsemble, load_tfidf
from calmline.models._valence import load_valence
from calmline.types import Span

__all__ = ["HEADS", "LearnedLayer", "LearnedScore", "LearnedScores", "model_card"]

HEADS = ("negative", "sarcasm", "complaint")


@dataclass(frozen=True, slots=True)
class LearnedScore:
    """One learned score: the stacked value, the head alone, and (on demand) the words, evidence and reason.

    ``words``, ``evidence`` and ``reason`` are worked out when first read (exact per-word
    contributions of the linear head), so a batch pays for them only where someone looks.
    """

    score: float
    head: float
    label: str
    rule: float
    text: str = ""
    model: LinearModel | TfidfEnsemble | None = field(default=None, repr=False)  # its repr lists the vocabulary
    fixed_reason: str = ""
    valence: float | None = None
    _words: tuple[str, ...] | None = field(default=None, repr=False, compare=False)
    _reason: str | None = field(default=None, repr=False, compare=False)
    _spans: tuple[tuple[int, int] | None, ...] | None = field(default=None, repr=False, compare=False)

    @property
    def words(self) -> tuple[str, ...]:
        """The word features that pushed the head towards its label, strongest first (when it is >= 0.5)."""
        if self._words is None:
            words = (
                ()
                if self.model is None or self.head < 0.5
                else tuple(f for f, _ in self.model.top_features(self.text, self.label, k=3))
            )
            object.__setattr__(self, "_words", words)  # a cache: the score itself never changes
            return words
        return self._words

    def _word_spans(self) -> tuple[tuple[int, int] | None, ...]:
        """``feature_spans`` of ``words`` (worked out once: the reason and the evidence both show them)."""
        if self._spans is None:
            spans = tuple(feature_spans(self.text, self.words)) if self.words else ()
            object.__setattr__(self, "_spans", spans)
            return spans
        return self._spans

    @property
    def evidence(self) -> tuple[Span, ...]:
        """Where ``words`` occur in the text (:func:`feature_spans`: each word's first standalone
        occurrence outside URLs, a negated word where the negator made it so, a placeholder such as
        ``<num>`` at what it stands for), in text order; a word inside a phrase already shown
        ("worst" in "the worst") is left out: it adds nothing."""
        if not self.words:
            return ()
        kept: list[tuple[int, int]] = []
        for a, b in sorted({s for s in self._word_spans() if s is not None}, key=lambda s: (s[0], -s[1])):
            if not kept or b > kept[-1][1]:
                kept.append((a, b))
        return tuple(Span(a, b, self.text[a:b]) for a, b in kept)

    def shown_words(self) -> tuple[str, ...]:
        """``words`` as the customer wrote them: each feature's text in the message ("sh1t" for the
        feature ``shit``, "40" for ``<num>``), "(negated)" after a word read after a negator; a feature
        not found in the text (none is expected) keeps its own name."""
        words = self.words
        shown = []
        for w, span in zip(words, self._word_spans(), strict=True):
            said = self.text[span[0] : span[1]] if span is not None else w.removeprefix(_NOT)
            shown.append(f"{said} (negated)" if w.startswith(_NOT) else said)
        return tuple(shown)

    @property
    def reason(self) -> str:
        if self.fixed_reason:
            return self.fixed_reason
        if self._reason is None:
            words = self.shown_words()
            pushed = f"; words: {', '.join(words)}" if words else ""
            val = "" if self.valence is None else f" and lexicon valence {self.valence:+.2f}"
            head = f"learned {self.label} {self.head:.2f}"
            reason = f"{head} stacked with rules {self.rule:.2f}{val} -> {self.score:.2f}{pushed}"
            object.__setattr__(self, "_reason", reason)  # a cache, as for ``words``
            return reason
        return self._reason


class LearnedRow(tuple[float, ...]):
    """One message's head probabilities (``HEADS`` order, then the abuse head's) with, per head, the
    words the batch ranked for it (None where it did not: the score ranks them when asked)."""

    words: tuple[tuple[str, ...] | None, ...] = ()


@dataclass(frozen=True, slots=True)
class _Stack:
    w_rule: float
    w_learned: float
    w_inter: float
    bias: float
    w_sat: float = 0.0
    w_val: float = 0.0  # lexicon valence (the negative head's stack only)

    def __call__(self, rule: float, p: float, sat: float, val: float = 0.0) -> float:
        p = min(max(p, 1e-6), 1 - 1e-6)
        z = math.log(p / (1 - p))
        t = self.bias + self.w_rule * rule + self.w_learned * z + self.w_inter * rule * z + self.w_sat * sat
        t += self.w_val * val
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, t))))


class LearnedLayer:
    """The loaded heads with their stackers."""

    def __init__(
        self, heads: Mapping[str, tuple[LinearModel, _Stack]], abuse: tuple[TfidfEnsemble, _Stack] | None = None
    ) -> None:
        self.heads = dict(heads)
        self.models = [m for m, _ in self.heads.values()]
        self.abuse = abuse
        self.valence = load_valence()
        #: the keys of every message's scores: the heads in order, then ``abuse``
        self.keys = (*self.heads, "abuse")
        self._index = {h: i for i, h in enumerate(self.heads)}

    @classmethod
    def load(cls) -> LearnedLayer | None:
        """The shipped heads, or None when the package has none (the rules then work alone)."""
        heads: dict[str, tuple[LinearModel, _Stack]] = {}
        for h in HEADS:
            name = f"learned_{h}"
            if not resources.files("calmline.models").joinpath(f"{name}.npz").is_file():
                return None
            model = load_model(name)
            meta = json.loads(resources.files("calmline.models").joinpath(f"{name}.json").read_text("utf-8"))
            heads[h] = (model, _Stack(**{k: float(v) for k, v in meta["stack"].items()}))
        abuse = None
        if resources.files("calmline.models").joinpath("learned_abuse.npz").is_file():
            head, meta = load_tfidf("learned_abuse")
            abuse = (head, _Stack(w_inter=0.0, **{k: float(v) for k, v in meta["stack"].items()}))
        return cls(heads, abuse)

    def predict(self, texts: Sequence[str]) -> list[tuple[float, ...]]:
        """Per text, the head probabilities in ``HEADS`` order, then the abuse head's (one tokenisation)."""
        if not texts:
            return []
        probs = predict_proba_all(self.models, texts)
        return self.with_abuse(np.stack([p[:, 1] for p in probs], axis=1).tolist(), texts)

    def predict_one(self, text: str) -> tuple[float, ...]:
        """``predict([text])[0]``."""
        return self.predict([text])[0]

    def with_abuse(
        self, rows: list[list[float]], texts: Sequence[str], words: Sequence[Words | None] = ()
    ) -> list[tuple[float, ...]]:
        """The linear heads' rows with the abuse head's probability appended (when it ships).

        ``words``: per head, the batch's ranked words (``predict_and_explain``); each row then
        carries them (:class:`LearnedRow`), so its scores need not rank them again.
        """
        out: list[tuple[float, ...]] = (
            list(map(tuple, rows))
            if self.abuse is None
            else [(*r, a) for r, a in zip(rows, self.abuse[0].predict(texts), strict=True)]
        )
        if not any(w is not None for w in words):
            return out
        per_head = [w if w is not None else [None] * len(out) for w in words]
        explained: list[tuple[float, ...]] = []
        for i, r in enumerate(out):
            row = LearnedRow(r)
            row.words = tuple(w[i] for w in per_head)
            explained.append(row)
        return explained

    def explain(
        self, text: str, probs: Sequence[float], rule: float, sat: float, abuse_rule: float, offensive: float
    ) -> LearnedScores:
        """Stack each head with the rule score and say which words pushed it.

        Each score is worked out when first read (the reader needs only ``negative``).
        """
        return LearnedScores(self, (text, probs, rule, sat, abuse_rule, offensive))

    def _score(
        self, key: str, text: str, probs: Sequence[float], rule: float, sat: float, abuse_rule: float, offensive: float
    ) -> LearnedScore:
        if key == "abuse":
            if self.abuse is not None:
                head, abuse_stack = self.abuse
                p = probs[len(self.heads)]
                score = round(abuse_stack(abuse_rule, p, 0.0), 4)
                return LearnedScore(score, round(p, 4), "abuse", abuse_rule, text, head)
            a = 0.5 * (abuse_rule + offensive)
            why = f"offensive model {offensive:.2f} averaged with abuse rules {abuse_rule:.2f}"
            return LearnedScore(round(a, 4), round(offensive, 4), "abuse", abuse_rule, fixed_reason=why)
        model, stack = self.heads[key]
        i = self._index[key]
        p = probs[i]
        val = round(self.valence.score(text), 4) if stack.w_val else None
        score = round(stack(rule, p, sat, val or 0.0), 4)
        alone = round(p, 4)
        words = probs.words[i] if isinstance(probs, LearnedRow) and i < len(probs.words) and alone >= 0.5 else None
        return LearnedScore(score, alone, key, rule, text, model, valence=val, _words=words)


class LearnedScores(Mapping[str, LearnedScore]):
    """The learned scores of one message (``HEADS`` then ``abuse``), each stacked when first read.

    Read-only; the values are exactly what stacking them all at once gives.
    """

    __slots__ = ("_args", "_done", "_layer")

    def __init__(self, layer: LearnedLayer, args: tuple[str, Sequence[float], float, float, float, float]) -> None:
        self._layer = layer
        self._args = args
        self._done: dict[str, LearnedScore] = {}

    def __getitem__(self, key: str) -> LearnedScore:
        got = self._done.get(key)
        if got is None:
            if key not in self._layer.keys:
                raise KeyError(key)
            got = self._done[key] = self._layer._score(key, *self._args)
        return got

    def __contains__(self, key: object) -> bool:
        return key in self._layer.keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._layer.keys)

    def __len__(self) -> int:
        return len(self._layer.keys)

    def __repr__(self) -> str:
        return f"LearnedScores({dict(self)!r})"


def model_card() -> str:
    """The packaged model card (data, licences, figures) as Markdown."""
    return resources.files("calmline.models").joinpath("MODEL_CARD.md").read_text(encoding="utf-8")
