"""``analyze``: read every turn of a conversation and track its state."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import islice
from typing import TypeVar

from calmline.signals.reader import Reader, Reading
from calmline.signals.state import StateTracker
from calmline.types import Analysis, Conversation, ConversationState, LearnedWhy, Role, Turn, TurnAnalysis

__all__ = [
    "analyze",
    "analyze_many",
    "analyze_text",
    "append_turn",
    "batches",
    "default_reader",
    "extend",
    "replay_states",
]

T = TypeVar("T")


@lru_cache(maxsize=1)
def default_reader() -> Reader:
    """The shared reader with the built-in detectors and shipped models (loaded once)."""
    return Reader()


def analyze(conversation: Conversation, *, reader: Reader | None = None) -> Analysis:
    """Read every turn of ``conversation``.

    Customer turns get signals, a frustration score and an emotion; agent and system
    turns are carried through without customer signals. ``Analysis.states[i]`` is the
    conversation state after turn ``i``.
    """
    return next(_analyze_chunk([conversation], reader or default_reader()))


def analyze_many(
    conversations: Iterable[Conversation], *, reader: Reader | None = None, batch_size: int = 256
) -> Iterator[Analysis]:
    """Stream analyses for a stream of conversations, in constant memory.

    Conversations are taken ``batch_size`` at a time so that the models run on
    batches, which is several times faster than one message at a time.
    """
    reader = reader or default_reader()
    for chunk in batches(conversations, batch_size):
        yield from _analyze_chunk(chunk, reader)


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of up to ``size`` items in order. When the source fails (a bad record read with no
    ``skip_bad``), the items read before the failure still come out as a last batch, then the error:
    a stream stops at its first bad record, never before it."""
    it = iter(items)
    while True:
        chunk: list[T] = []
        try:
            chunk.extend(islice(it, size))
        except Exception as exc:
            if chunk:
                yield chunk
            raise exc
        if not chunk:
            return
        yield chunk


def _analyze_chunk(chunk: list[Conversation], reader: Reader) -> Iterator[Analysis]:
    texts = [t.text for conv in chunk for t in conv.turns if t.role is Role.CUSTOMER]
    scored = iter(reader.score_batch(texts))
    for conv in chunk:
        tracker = StateTracker()
        turns: list[TurnAnalysis] = []
        states: list[ConversationState] = []
        last_agent: str | None = None
        for i, turn in enumerate(conv.turns):
            if turn.role is Role.CUSTOMER:
                message, emo, off, learned, summary, skip = next(scored)
                previous = tracker.frustrations[-1] if tracker.frustrations else 0.0
                r = reader.finish(message, emo, off, last_agent, previous, learned=learned, summary=summary, skip=skip)
                ta = turn_analysis(i, turn, r)
            else:
                if turn.role is Role.AGENT:
                    last_agent = turn.text
                ta = TurnAnalysis(index=i, turn=turn)
            turns.append(ta)
            states.append(tracker.update(ta.frustration, ta.signals))
        yield Analysis(conversation=conv, turns=tuple(turns), states=tuple(states))


def turn_analysis(index: int, turn: Turn, r: Reading) -> TurnAnalysis:
    """A customer turn's analysis from the reader's reading of it."""
    learned = {k: v.score for k, v in r.learned.items()}
    why = {k: LearnedWhy(v.reason, v.evidence) for k, v in r.learned.items()}
    return TurnAnalysis(index, turn, r.signals, r.frustration, r.emotion, r.emotion_scores, r.reasons, learned, why)


def replay_states(turns: Iterable[TurnAnalysis]) -> tuple[ConversationState, ...]:
    """The conversation state after each of ``turns`` (already analysed), without re-reading them."""
    tracker = StateTracker()
    return tuple(tracker.update(t.frustration, t.signals) for t in turns)


def extend(analysis: Analysis, turn: Turn, *, reader: Reader | None = None) -> Analysis:
    """``analysis`` with one more turn: only the new turn is read.

    This is what a live service needs: each new message costs one message's reading,
    however long the conversation is. The result equals ``analyze`` of the longer
    conversation.
    """
    reader = reader or default_reader()
    index = len(analysis.turns)
    if turn.role is Role.CUSTOMER:
        last_agent = next((t.turn.text for t in reversed(analysis.turns) if t.turn.role is Role.AGENT), None)
        previous = next((t.frustration for t in reversed(analysis.turns) if t.frustration is not None), 0.0)
        r = reader.read(turn.text, previous_agent_text=last_agent, previous_frustration=previous)
        ta = turn_analysis(index, turn, r)
    else:
        ta = TurnAnalysis(index=index, turn=turn)
    return append_turn(analysis, ta)


def append_turn(analysis: Analysis, turn: TurnAnalysis) -> Analysis:
    """``analysis`` with one more turn that is already analysed (its state follows from the turns)."""
    if analysis.states:  # carry on from the last state: no replay of the whole conversation
        tracker = StateTracker.resume(analysis.states[-1], _recent_frustrations(analysis.turns))
    else:
        tracker = StateTracker()
        for t in analysis.turns:
            tracker.add(t.frustration, t.signals)
    state = tracker.update(turn.frustration, turn.signals)
    conv = analysis.conversation
    longer = Conversation(id=conv.id, turns=(*conv.turns, turn.turn), metadata=conv.metadata)
    return Analysis(conversation=longer, turns=(*analysis.turns, turn), states=(*analysis.states, state))


def _recent_frustrations(turns: Sequence[TurnAnalysis], n: int = 4) -> list[float]:
    """The frustration of the last ``n`` customer turns, oldest first (a scan from the end)."""
    out: list[float] = []
    for t in reversed(turns):
        if t.frustration is not None:
            out.append(t.frustration)
            if len(out) == n:
                break
    return out[::-1]


def analyze_text(text: str, *, reader: Reader | None = None) -> TurnAnalysis:
    """Read a single customer message."""
    conv = Conversation(id="text", turns=(Turn(role=Role.CUSTOMER, text=text),))
    return analyze(conv, reader=reader).turns[0]
