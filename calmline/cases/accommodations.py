"""Accommodations (refunds, credits, waived fees, exceptions): the table, the agent's-words signal, consistency.

Discretion is applied consistently when similar situations can be compared: every accommodation
keeps its amount, currency, reason and who approved it, and the consistency report puts similar
situations side by side and flags what stands out either way.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime
from statistics import median
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from calmline.cases.models import Base, RedactedText, utcnow

__all__ = ["KINDS", "Accommodation", "consistency", "suggest_from_agent_text"]

KINDS = ("refund", "credit", "waived_fee", "exception")


class Accommodation(Base):
    """One accommodation given to a customer (migration 0007)."""

    __tablename__ = "accommodations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    team: Mapped[str] = mapped_column(String(120), index=True)
    agent: Mapped[str] = mapped_column(String(120), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[float | None] = mapped_column(Float, default=None)
    currency: Mapped[str | None] = mapped_column(String(3), default=None)
    reason: Mapped[str] = mapped_column(RedactedText, default="")
    approved_by: Mapped[str | None] = mapped_column(String(120), default=None)
    status: Mapped[str] = mapped_column(String(16), default="recorded")  # recorded | suggested
    topic: Mapped[str | None] = mapped_column(RedactedText, default=None)
    frustration: Mapped[float | None] = mapped_column(Float, default=None)
    customer_value: Mapped[float | None] = mapped_column(Float, default=None)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


_SYMBOL = {"£": "GBP", "$": "USD", "€": "EUR"}
_AMOUNT = (
    r"(?P<sym>[£$€])\s?(?P<num>\d{1,7}(?:[.,]\d{1,2})?)"
    r"|(?P<num2>\d{1,7}(?:[.,]\d{1,2})?)\s?(?P<code>GBP|USD|EUR|pounds|dollars|euros)"
)
_I = r"\b(?:i've|i have|i'll|i will|we've|we have|we'll|we will|i can|we can)\s+(?:just\s+|now\s+)?"
_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "refund",
        re.compile(
            _I
            + r"(?:refunded\b|(?:issue|process|arrange)d?\s+(?:a|the|your|you a)?\s*(?:full\s+|partial\s+)?refund\b)",
            re.I,
        ),
    ),
    (
        "credit",
        re.compile(_I + r"(?:(?:added|add|applied|apply|put)\b[^\n!?]{0,40}?\bcredit\b|credited\b)", re.I),
    ),
    (
        "waived_fee",
        re.compile(
            _I + r"(?:waive|waived|remove|removed|refund|refunded|cancel|cancelled)\s+(?:the|that|this|your)\s+"
            r"(?:\w+\s+)?(?:fee|charge)\b",
            re.I,
        ),
    ),
    ("exception", re.compile(_I + r"(?:make|made)\s+an?\s+(?:one-off\s+)?exception\b", re.I)),
)
_NEGATED = re.compile(r"\b(?:can't|cannot|won't|unable|not able)\b", re.I)


def suggest_from_agent_text(text: str) -> dict[str, Any] | None:
    """An accommodation the agent says they gave or will give ("I've refunded £20"), or None.

    Returned as a suggestion to confirm (kind, amount, currency, evidence), never recorded as approved.
    """
    for kind, pattern in _WORDS:
        m = pattern.search(text)
        if m is None or _NEGATED.search(text[max(0, m.start() - 30) : m.start()]):
            continue
        amount = currency = None
        near = re.search(_AMOUNT, text[m.start() : m.end() + 60], re.I)
        if near is not None:
            num = (near.group("num") or near.group("num2")).replace(",", ".")
            amount = float(num)
            code = near.group("sym") or near.group("code") or ""
            currency = _SYMBOL.get(code) or {"pounds": "GBP", "dollars": "USD", "euros": "EUR"}.get(
                code.lower(), code.upper()
            )
        evidence = text[m.start() : (near.end() + m.start()) if near is not None else m.end()]
        return {
            "kind": kind,
            "amount": amount,
            "currency": currency,
            "evidence": evidence,
            "reason": f"the agent's own words: {evidence!r}",
        }
    return None


def _band(frustration: float | None) -> str:
    if frustration is None:
        return "unknown"
    return "high" if frustration >= 0.6 else "medium" if frustration >= 0.3 else "low"


def consistency(rows: list[Accommodation]) -> list[dict[str, Any]]:
    """Similar situations (same topic and frustration band) with what each received, outliers flagged both ways.

    An amount more than twice the group's median, or under half of it, is an outlier. Amounts are
    compared within one currency only (a group per currency): 3000 JPY is not "more than twice" 25 GBP.
    """
    groups: dict[tuple[str, str, str], list[Accommodation]] = defaultdict(list)
    for r in rows:
        if r.status == "recorded":
            groups[(r.topic or "unspecified", _band(r.frustration), r.currency or "")].append(r)
    out: list[dict[str, Any]] = []
    for (topic, band, _currency), members in sorted(groups.items()):
        amounts = [m.amount for m in members if m.amount is not None]
        mid = median(amounts) if amounts else None
        items = []
        for m in members:
            flag = None
            if mid and m.amount is not None and len(amounts) >= 3:
                if m.amount > 2 * mid:
                    flag = f"more than twice the median {mid:g} for similar situations"
                elif m.amount < mid / 2:
                    flag = f"under half the median {mid:g} for similar situations"
            items.append(
                {
                    "id": m.id,
                    "agent": m.agent,
                    "team": m.team,
                    "kind": m.kind,
                    "amount": m.amount,
                    "currency": m.currency,
                    "reason": m.reason,
                    "approved_by": m.approved_by,
                    "customer_value": m.customer_value,
                    "outlier": flag,
                }
            )
        by_agent: dict[str, list[float]] = defaultdict(list)
        for m in members:
            if m.amount is not None:
                by_agent[m.agent].append(m.amount)
        out.append(
            {
                "topic": topic,
                "frustration": band,
                "count": len(members),
                "median_amount": mid,
                "by_agent": {a: round(sum(v) / len(v), 2) for a, v in sorted(by_agent.items())},
                "items": items,
            }
        )
    return out
