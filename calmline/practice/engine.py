"""The simulated customer: a frustration state moved by each agent reply, judged by the coach and the reader.

Each reply is reviewed by :func:`calmline.coach.coach` in the conversation so far; its labels
calm the customer (specific empathy, paraphrase, ownership, an alternative, a next step with a
timeframe and a reference) or inflame them (canned empathy, dismissive phrases, blame, tone
mirroring, bad news dumped at once, a question the customer already answered, no boundary while
the reader sees abuse aimed at the agent). Every change carries its reason. The customer's answer
is drawn from the persona's pool for the situation and mood with a seeded random source, so a
session is replayed exactly from its persona, seed and replies. No language model is involved.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from calmline.analyze import analyze
from calmline.coach import Review, coach
from calmline.errors import CalmlineError
from calmline.practice.persona import Persona, state_of
from calmline.types import Conversation

__all__ = ["MAX_REPLY_CHARS", "Effect", "Exchange", "PracticeError", "PracticeSession"]

MAX_REPLY_CHARS = 4000

# label -> (effect, frustration change, why)
_CALM: dict[str, tuple[str, float, str]] = {
    "empathy.specific": ("empathy", -0.10, "named what happened to them and how it feels"),
    "paraphrase": ("paraphrase", -0.07, "restated their problem, so they know they were heard"),
    "ownership": ("ownership", -0.08, "took responsibility without an excuse"),
    "alternative": ("alternative", -0.09, "offered another route after the no"),
    "next_steps": ("next_step", -0.06, "said what happens next and who does it"),
    "timeframe": ("timeframe", -0.05, "gave a time they can hold you to"),
    "contact": ("reference", -0.04, "gave a reference or a way back in"),
    "escalation.offer": ("escalation", -0.06, "said who it goes to and how they will hear back"),
    "question.clarifying": ("clarifying", -0.02, "asked about the problem or the outcome they want"),
}
_INFLAME: dict[str, tuple[str, float, str]] = {
    "empathy.canned": ("canned", 0.08, "stock empathy that says nothing about their situation"),
    "dismissive": ("dismissive", 0.18, "a phrase that minimises or shuts them down"),
    "blame": ("blame", 0.18, "blamed them or pointed at someone else"),
    "tone.mirroring": ("mirroring", 0.25, "answered heat with heat"),
}
_BOUNDARY = frozenset({"boundary.request", "boundary.warning", "boundary.end"})
_NEED_LABELS: dict[str, tuple[frozenset[str], ...]] = {  # every group must have one label present
    "empathy": (frozenset({"empathy.specific"}),),
    "paraphrase": (frozenset({"paraphrase"}),),
    "ownership": (frozenset({"ownership"}),),
    "alternative": (frozenset({"alternative"}),),
    "next_step": (frozenset({"next_steps"}), frozenset({"timeframe"})),
    "reference": (frozenset({"contact"}),),
    "callback": (frozenset({"next_steps", "escalation.offer"}), frozenset({"timeframe"})),
    "escalation": (frozenset({"escalation.offer"}),),
    "boundary": (_BOUNDARY,),
}
_SITUATION_OF = {"canned": "canned", "dismissive": "dismissed", "blame": "dismissed", "mirroring": "dismissed"}
_SITUATION_OF |= {"repeat": "repeat", "bad_news": "bad_news"}
_QUESTION = re.compile(r"[^.!?\n]*\?")
#: the reader labels that make a boundary the agent's job (swearing at a situation or a legal threat do not)
_AIMED = frozenset({"abuse.insult", "abuse.harassment", "threat.personal"})


class PracticeError(CalmlineError):
    """A reply the simulator cannot take (empty, too long, binary, or the session is over)."""


@dataclass(frozen=True, slots=True)
class Effect:
    """One thing in a reply that moved the customer, by how much, and why."""

    effect: str
    delta: float
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {"effect": self.effect, "delta": round(self.delta, 3), "why": self.why}


@dataclass(frozen=True, slots=True)
class Exchange:
    """An agent reply, what the coach saw in it, what it did to the customer and their answer."""

    agent: str
    review: Review
    effects: tuple[Effect, ...]
    before: float
    after: float
    situation: str
    customer: str
    customer_signals: tuple[str, ...]
    reader_frustration: float

    def to_dict(self) -> dict[str, Any]:
        review = self.review.to_dict()
        return {
            "agent": self.agent,
            "coach": {
                "labels": [x["label"] for x in review["labels"]],
                "evidence": {x["label"]: [e["text"] for e in x["evidence"]] for x in review["labels"]},
                "score": review["score"],
                "missing": review["missing"],
                "suggestion": review["suggestion"],
            },
            "moved": [e.to_dict() for e in self.effects],
            "frustration_before": round(self.before, 3),
            "frustration_after": round(self.after, 3),
            "situation": self.situation,
            "customer": self.customer,
            "customer_signals": list(self.customer_signals),
            "reader_frustration": round(self.reader_frustration, 3),
        }


@dataclass
class PracticeSession:
    """One practice chat with ``persona``; deterministic for a given ``seed`` and replies."""

    persona: Persona
    seed: int = 0
    opening: str = field(init=False)
    opening_signals: tuple[str, ...] = field(init=False)
    start: float = field(init=False)
    frustration: float = field(init=False)
    exchanges: list[Exchange] = field(init=False, default_factory=list)
    outcome: str | None = field(init=False, default=None)
    met: set[str] = field(init=False, default_factory=set)
    _rng: random.Random = field(init=False, repr=False)
    _used_lines: set[str] = field(init=False, default_factory=set, repr=False)
    _used_effects: Counter[str] = field(init=False, default_factory=Counter, repr=False)
    _boundaries: int = field(init=False, default=0)
    _settled: bool = field(init=False, default=False)
    _threatened: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(f"{self.persona.id}:{self.seed}")
        self.start = _clamp(self.persona.mood + self._rng.uniform(-0.04, 0.04))
        self.frustration = self.start
        self.opening = self._pick("opening", self.start)
        self.opening_signals, _ = self._read(self.opening, None)

    # -- reading -------------------------------------------------------------------------
    def history(self) -> list[tuple[str, str]]:
        """The chat so far as (role, text) pairs."""
        out = [("customer", self.opening)]
        for x in self.exchanges:
            out += [("agent", x.agent), ("customer", x.customer)]
        return out

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    def curve(self) -> list[float]:
        """Frustration after each customer turn (the opening first)."""
        return [round(self.start, 3)] + [round(x.after, 3) for x in self.exchanges]

    def _read(self, line: str, agent: str | None) -> tuple[tuple[str, ...], float]:
        turns = [("customer", line)] if agent is None else [*self.history(), ("agent", agent), ("customer", line)]
        analysis = analyze(Conversation.from_texts(*turns[-9:]))
        last = analysis.turns[-1]
        return tuple(s.label for s in last.signals), float(last.frustration or 0.0)

    def _pick(self, situation: str, level: float) -> str:
        pool = self.persona.pool(situation, state_of(level))
        fresh = [x for x in pool if x not in self._used_lines] or list(pool)
        line = self._rng.choice(fresh)
        self._used_lines.add(line)
        return line

    # -- the move --------------------------------------------------------------------------
    def reply(self, text: str) -> Exchange:
        """Take the agent's reply; return the exchange with the customer's answer."""
        if self.finished:
            raise PracticeError(f"this practice session is over ({self.outcome}); start a new one")
        text = _check(text)
        review = coach(text, Conversation.from_texts(*self.history()))
        labels = set(review.label_names())
        effects = self._effects(text, review, labels)
        last_signals = self.exchanges[-1].customer_signals if self.exchanges else self.opening_signals
        abused = bool(_AIMED.intersection(last_signals)) and not self._settled
        situation = self._abuse_turn(labels, abused, effects)
        before = self.frustration
        after = _clamp(before + sum(e.delta for e in effects))
        unmet = [n for n in self.persona.needs if n not in self.met]
        if unmet and situation not in {"ended"}:
            after = max(after, min(1.0, self.persona.resolve_at + 0.08))
        if situation is None:
            situation = self._situation(effects, before, after, unmet)
        self.frustration = after
        line = self._pick(situation, after)
        signals, reader = self._read(line, text)
        ex = Exchange(text, review, tuple(effects), before, after, situation, line, signals, reader)
        self.exchanges.append(ex)
        if self.outcome is None and len(self.exchanges) >= self.persona.max_turns:
            self.outcome = "unresolved"
        return ex

    def _effects(self, text: str, review: Review, labels: set[str]) -> list[Effect]:
        w = self.persona.weights
        out: list[Effect] = []
        for label, (eff, delta, why) in _CALM.items():
            if label in labels:
                used = self._used_effects[eff]
                self._used_effects[eff] += 1
                d = delta * w.get(eff, 1.0) * (0.5**used)
                out.append(Effect(eff, d, why + (" (again: it counts less each time)" if used else "")))
        for label, (eff, delta, why) in _INFLAME.items():
            if label in labels:
                out.append(Effect(eff, delta * w.get(eff, 1.0), why))
        asked = self._repeat_question(text)
        if asked:
            out = [e for e in out if e.effect != "clarifying"]
            out.append(
                Effect("repeat", 0.12 * w.get("repeat", 1.0), f"asked again for {asked}, which they already gave")
            )
        if "refusal" in review.moments and "alternative" not in labels:
            softened = labels & {"empathy.specific", "paraphrase", "ownership"} or any(
                {"empathy.specific", "paraphrase"} & set(x.review.label_names()) for x in self.exchanges
            )
            d, why = (0.07, "a no with no other route") if softened else (0.15, "bad news dumped at once, no route")
            out.append(Effect("bad_news", d * w.get("bad_news", 1.0), why))
        for need in self.persona.needs:
            if need not in self.met and all(g & labels for g in _NEED_LABELS[need]):
                self.met.add(need)
                out.append(Effect(f"need:{need}", -0.08, f"gave them what they came for ({need.replace('_', ' ')})"))
        if not out and not labels & _BOUNDARY:
            out.append(Effect("stalled", 0.04, "nothing in the reply acknowledged, owned or moved the problem on"))
        return out

    def _repeat_question(self, text: str) -> str | None:
        low = text.lower()
        for q in _QUESTION.findall(low):
            for told in self.persona.scenario.already_told:
                if re.search(r"\b" + re.escape(told.lower()) + r"\b", q):
                    return told
        return None

    def _abuse_turn(self, labels: set[str], abused: bool, effects: list[Effect]) -> str | None:
        if not abused or self.persona.abuse == "none":
            if abused and not labels & _BOUNDARY:  # abuse from a persona not written to be abusive
                effects.append(Effect("no_boundary", 0.12, "abuse aimed at you went unanswered"))
            return None
        w = self.persona.weights
        if not labels & _BOUNDARY:
            effects.append(
                Effect("no_boundary", 0.12 * w.get("no_boundary", 1.0), "abuse aimed at you went on with no boundary")
            )
            return "threat" if self._threatened else "abuse"
        effects.append(Effect("boundary", -0.05 * w.get("boundary", 1.0), "set a clear, calm limit on the abuse"))
        if "boundary.end" in labels:
            ladder = self._threatened or self._boundaries >= 2
            self.outcome = "ended_safely" if ladder else "ended_early"
            if not ladder:
                effects.append(Effect("ended_early", 0.1, "ended the chat before asking and warning first"))
            return "ended"
        self._boundaries += 1
        if self.persona.abuse == "yields":
            self._settled = True
            return "boundary"
        if self._boundaries >= 2:
            self._threatened = True
            return "threat"
        return "boundary"

    def _situation(self, effects: list[Effect], before: float, after: float, unmet: list[str]) -> str:
        inflame = [e for e in effects if e.delta > 0 and e.effect in _SITUATION_OF]
        hot = any(e.delta > 0 for e in effects)
        if after >= 0.99 and before >= 0.9 and hot and len(self.exchanges) >= 1:
            self.outcome = "walked_out"
            return "walk_out"
        if after <= self.persona.resolve_at and not unmet and not hot:
            self.outcome = "resolved"
            return "resolved"
        if inflame:
            return _SITUATION_OF[max(inflame, key=lambda e: e.delta).effect]
        change = after - before
        return "calmer" if change <= -0.05 else "angrier" if change >= 0.04 else "same"


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def _check(raw: object) -> str:
    if not isinstance(raw, str):
        raise PracticeError("a reply must be text")
    if "\x00" in raw:
        raise PracticeError("a reply must be text, not binary data")
    text = raw.strip()
    if not text:
        raise PracticeError("a reply is empty: write what you would say to the customer")
    if len(text) > MAX_REPLY_CHARS:
        raise PracticeError(f"a reply is {len(text)} characters; the limit is {MAX_REPLY_CHARS}")
    return text
