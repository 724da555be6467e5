"""Analyses rebuilt from what was stored equal reading the conversation again."""

from __future__ import annotations

from pathlib import Path

import calmline
from calmline.cases.models import MessageRow
from calmline.cases.pipeline import stored_analysis
from calmline.io import read_conversations

SAMPLES = Path(__file__).parent.parent.parent / "calmline" / "data" / "samples" / "conversations.jsonl"


def _rows(conv: calmline.Conversation, *, analysed: bool) -> list[MessageRow]:
    full = calmline.analyze(conv)
    return [
        MessageRow(
            conversation_id=conv.id,
            client_id=f"m{i}",
            role=t.role.value,
            text=t.text,
            ts=t.ts,
            analysis=full.turns[i].to_dict() if analysed else None,
        )
        for i, t in enumerate(conv.turns)
    ]


def test_stored_analysis_matches_a_fresh_reading() -> None:
    for conv in list(read_conversations(SAMPLES))[:5]:
        conv = calmline.Conversation(id=conv.id, turns=tuple(t.__class__(t.role, t.text, t.ts) for t in conv.turns))
        fresh = calmline.analyze(conv).to_dict()
        rebuilt = stored_analysis(conv.id, _rows(conv, analysed=True)).to_dict()
        assert rebuilt["state"] == fresh["state"]
        assert [t["signals"] for t in rebuilt["turns"]] == [t["signals"] for t in fresh["turns"]]
        missing = stored_analysis(conv.id, _rows(conv, analysed=False)).to_dict()  # falls back to reading
        assert missing["state"] == fresh["state"]
