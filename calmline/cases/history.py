"""Each conversation's analysis so far, kept per process so a new message costs one reading.

A stored message never changes once analysed, so the analysis of a conversation's messages
is fully determined by *which* messages it holds. :class:`History` records that
(``count`` and ``last_id``) beside the analysis; the writer checks both against the
database inside its locked transaction and reloads only when another process (or a
message still pending) made them differ. The cache is an optimisation: a cold or
evicted entry is rebuilt from the stored analyses, exactly as :func:`stored_analysis` does.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from calmline.analyze import analyze, append_turn, replay_states
from calmline.cases.models import Case, ConversationRow, MessageRow
from calmline.cases.models import case_number as _case_number
from calmline.playbook.config import LadderPolicy
from calmline.playbook.ladder import advance_ladder, replay_ladder
from calmline.playbook.model import LadderState
from calmline.types import Analysis, Conversation, ConversationState, Role, Turn, TurnAnalysis

__all__ = ["History", "HistoryCache", "from_stored", "message_turn"]


# The fingerprint of a conversation's messages: their count and the newest id, kept on the
# conversation row by a trigger (migration 0004).
_FINGERPRINT = select(ConversationRow.message_count, ConversationRow.last_message_id).where(
    ConversationRow.id == bindparam("conversation")
)


def message_turn(m: MessageRow) -> Turn:
    """The conversation turn a stored message stands for."""
    return Turn(role=Role(m.role), text=m.text, ts=m.ts, author=m.author, id=m.client_id)


@dataclass(frozen=True, slots=True)
class History:
    """The analysis of a conversation's newest ``window - 1`` messages (the base for the next one).

    Attributes:
        count: how many messages the conversation holds in the database.
        last_id: the newest message's id (0 when there is none).
        rows: the stored analysis (``None`` while pending) and turn of each message in the window.
        analysis: the analysis of ``rows``.
        complete: every message in the window had a stored analysis.
        case_number: the conversation's case (``CL-000123``), which never changes.
        channel: the conversation's channel (``chat`` or ``email``).
        ladder: the boundary ladder after ``analysis`` under the cache's ladder policy
            (``None`` until first worked out), so the next message steps it one turn.
    """

    conversation_id: str
    case_number: str
    channel: str
    count: int
    last_id: int
    rows: tuple[tuple[dict[str, Any] | None, Turn], ...]
    analysis: Analysis
    complete: bool
    ladder: LadderState | None = None

    def matches(self, count: int, last_id: int | None) -> bool:
        return self.count == count and self.last_id == (last_id or 0)


def from_stored(conv_id: str, rows: Sequence[tuple[dict[str, Any] | None, Turn]]) -> tuple[Analysis, bool]:
    """The analysis of stored messages (``(stored analysis or None, turn)`` each), rebuilt without reading
    them again; if one has no stored analysis yet, everything is read (``complete`` is then False)."""
    conversation = Conversation(id=conv_id, turns=tuple(t for _, t in rows))
    if not all(isinstance(d, dict) and "index" in d for d, _ in rows):
        return analyze(conversation), False  # a message is still pending: read everything again
    turns = tuple(replace(TurnAnalysis.from_dict(d, t), index=i) for i, (d, t) in enumerate(rows) if d is not None)
    return Analysis(conversation, turns, replay_states(turns)), True


def _append(
    history: History,
    stored: dict[str, Any],
    turn: Turn,
    *,
    message_id: int,
    keep: int,
    ladder_policy: LadderPolicy | None = None,
) -> History:
    rows = (*history.rows, (stored, turn))
    ladder: LadderState | None = None
    if len(rows) > keep or not history.complete:  # the window slides: rebuild from the kept rows
        carried = None
        if history.complete and history.analysis.states:
            # the state counts every turn so far, not just the window's: carry it one turn further
            base = history.analysis
            new = replace(TurnAnalysis.from_dict(stored, turn), index=len(base.turns))
            carried = append_turn(base, new).states[-1]
        rows = rows[len(rows) - keep :] if keep else ()
        analysis, complete = from_stored(history.conversation_id, rows)
        if carried is not None and complete:
            analysis = with_state(analysis, carried)
    else:
        base = history.analysis
        analysis = append_turn(base, replace(TurnAnalysis.from_dict(stored, turn), index=len(base.turns)))
        complete = True
        if ladder_policy is not None:
            # as the stored turns give it (what a rebuilt history would replay), one turn further
            before = history.ladder if history.ladder is not None else replay_ladder(base, ladder_policy)
            ladder = advance_ladder(before, analysis.turns[-1], ladder_policy)
    return replace(
        history,
        count=history.count + 1,
        last_id=message_id,
        rows=rows,
        analysis=analysis,
        complete=complete,
        ladder=ladder,
    )


def with_state(analysis: Analysis, state: ConversationState) -> Analysis:
    """``analysis`` (of the window's turns) whose last state is ``state`` (of the whole conversation)."""
    if not analysis.states:
        return analysis
    return replace(analysis, states=(*analysis.states[:-1], state))


class HistoryCache:
    """A bounded, thread-safe map of conversation id to :class:`History`.

    Args:
        window: messages read for each analysis, the new one included (``Policy.window``).
        size: conversations kept (least recently used ones are dropped).
        ladder: the playbook's ladder policy, to keep each history's boundary ladder
            (``History.ladder``) up to date; ``None``: not kept.
    """

    def __init__(self, window: int, size: int = 2048, *, ladder: LadderPolicy | None = None) -> None:
        self.window = max(1, window)
        self.size = size
        self.ladder_policy = ladder
        self._entries: OrderedDict[str, History] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, conv_id: str) -> History | None:
        with self._lock:
            entry = self._entries.get(conv_id)
            if entry is not None:
                self._entries.move_to_end(conv_id)
            return entry

    def put(self, history: History) -> None:
        with self._lock:
            current = self._entries.get(history.conversation_id)
            if current is not None and current.count > history.count:
                return  # a newer state is already here
            self._entries[history.conversation_id] = history
            self._entries.move_to_end(history.conversation_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def forget(self, conv_id: str) -> None:
        with self._lock:
            self._entries.pop(conv_id, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    @staticmethod
    def fingerprint(s: Session, conv_id: str) -> tuple[int, int]:
        """``(count, last_id)`` of the conversation's messages as the session sees them."""
        row = s.connection().execute(_FINGERPRINT, {"conversation": conv_id}).first()
        return (int(row[0]), int(row[1] or 0)) if row is not None else (0, 0)

    def current(self, s: Session, conv_id: str, *, known: tuple[int, int] | None = None) -> History:
        """The conversation's history as ``s`` sees it: the cached entry if still exact, else reloaded.

        ``known`` is the fingerprint if the caller already has it.
        """
        count, last = known or self.fingerprint(s, conv_id)
        entry = self.get(conv_id)
        if entry is not None and entry.matches(count, last):
            return entry
        history = self._load(s, conv_id, count, last, entry)
        if history.complete:
            self.put(history)
        return history

    def append(self, history: History, stored: dict[str, Any], turn: Turn, message_id: int) -> History:
        """``history`` with one more (analysed) message; cached as the conversation's newest state."""
        new = _append(
            history, stored, turn, message_id=message_id, keep=self.window - 1, ladder_policy=self.ladder_policy
        )
        if new.complete:
            self.put(new)
        return new

    def _load(self, s: Session, conv_id: str, count: int, last: int, entry: History | None) -> History:
        keep = self.window - 1
        if entry is not None and entry.complete and entry.count < count:
            # Only newer messages arrived (from another process): read just those.
            newer = s.scalars(
                select(MessageRow)
                .where(MessageRow.conversation_id == conv_id, MessageRow.id > entry.last_id, MessageRow.id <= last)
                .order_by(MessageRow.id)
            ).all()
            if len(newer) == count - entry.count and all(
                m.status == "analysed" and isinstance(m.analysis, dict) for m in newer
            ):
                history = entry
                for m in newer:
                    assert m.analysis is not None
                    history = _append(
                        history,
                        m.analysis,
                        message_turn(m),
                        message_id=m.id,
                        keep=keep,
                        ladder_policy=self.ladder_policy,
                    )
                return history
        rows_db = (
            list(
                reversed(
                    s.scalars(
                        select(MessageRow)
                        # at most the fingerprint's newest message: outside a transaction (READ
                        # COMMITTED), a message committed since the fingerprint was read must not
                        # slip into a history labelled with the older fingerprint
                        .where(MessageRow.conversation_id == conv_id, MessageRow.id <= last)
                        .order_by(MessageRow.id.desc())
                        .limit(keep)
                    ).all()
                )
            )
            if keep
            else []
        )
        rows = tuple(
            (m.analysis if m.status == "analysed" and isinstance(m.analysis, dict) else None, message_turn(m))
            for m in rows_db
        )
        analysis, complete = from_stored(conv_id, rows)
        channel, case_id, state, analysed = s.execute(
            select(ConversationRow.channel, Case.id, ConversationRow.state, ConversationRow.last_analysed_message_id)
            .join(Case, Case.conversation_id == ConversationRow.id)
            .where(ConversationRow.id == conv_id)
        ).one()
        if complete and count > len(rows) and analysed == last and isinstance(state, dict) and state:
            # turns before the window: their part of the state is in the stored one
            analysis = with_state(analysis, ConversationState.from_dict(state))
        return History(conv_id, _case_number(case_id), channel, count, last, rows, analysis, complete)
