"""Add conversation summaries up into totals that merge across processes, then build the report."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from calmline.insights.summary import Summary
from calmline.insights.topics import cluster_topics

__all__ = ["TOPIC_SAMPLE", "Totals", "build_report"]

TOPIC_SAMPLE = 3000  # difficult conversations kept for clustering (the same ones however the run is split)
_EXAMPLES = 3


def _key(conv_id: str) -> str:
    return hashlib.sha256(conv_id.encode()).hexdigest()[:16]


def _week(day: str | None) -> str | None:
    if not day:
        return None
    y, w, _ = date.fromisoformat(day).isocalendar()
    return f"{y}-W{w:02d}"


@dataclass
class _Agent:
    conversations: int = 0
    difficult: int = 0
    brought_back: int = 0
    boundary_held: int = 0
    resolved_calm: int = 0
    boundary: int = 0
    abuse: int = 0
    nudges: int = 0
    breaks: int = 0
    team: str | None = None
    weeks: Counter[str] = field(default_factory=Counter)
    shifts: Counter[str] = field(default_factory=Counter)
    examples: list[tuple[float, str, list[str]]] = field(default_factory=list)


@dataclass
class Totals:
    """Mergeable aggregates: ``add`` one summary, ``merge`` another process's totals."""

    conversations: int = 0
    difficult: int = 0
    escalated: int = 0
    boundary: int = 0
    repeating: int = 0
    days: dict[str, list[float]] = field(default_factory=dict)  # day -> [n, sum mean, sum peak, difficult]
    friction_kinds: Counter[str] = field(default_factory=Counter)
    friction_jump: dict[str, float] = field(default_factory=dict)
    phrases: Counter[str] = field(default_factory=Counter)
    customers: Counter[str] = field(default_factory=Counter)
    agents: dict[str, _Agent] = field(default_factory=dict)
    sample: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> difficult conversation

    def add(self, s: Summary) -> None:
        self.conversations += 1
        self.difficult += s["difficult"]
        self.escalated += s["escalated"]
        self.boundary += s["boundary"]
        self.repeating += s["repeating"]
        if s["day"]:
            d = self.days.setdefault(s["day"], [0.0, 0.0, 0.0, 0.0])
            d[0] += 1
            d[1] += s["mean"]
            d[2] += s["peak"]
            d[3] += s["difficult"]
        for f in s["friction"]:
            self.friction_kinds[f["kind"]] += 1
            self.friction_jump[f["kind"]] = self.friction_jump.get(f["kind"], 0.0) + f["jump"]
            self.phrases[f"{f['kind']}|{f['phrase']}"] += 1
        if s["customer"]:
            self.customers[s["customer"]] += 1
        if s["agent"]:
            self._add_agent(s["agent"], s)
        if s["difficult"]:
            keep = ("id", "day", "text", "excerpt", "escalated", "repeating", "customer", "team", "agent", "peak")
            self.sample[_key(s["id"])] = {k: v for k, v in s.items() if k in keep}
            self._trim()

    def _add_agent(self, name: str, s: Summary) -> None:
        a = self.agents.setdefault(name, _Agent())
        a.conversations += 1
        a.difficult += s["difficult"]
        a.brought_back += s["brought_back"]
        a.boundary_held += s["boundary_held"]
        a.resolved_calm += s["resolved_calm"]
        a.boundary += s["boundary"]
        a.abuse += s["abuse"]
        a.nudges += s["nudges"]
        a.breaks += s["breaks"]
        a.team = a.team or s["team"]
        week = _week(s["day"])
        if week:
            a.weeks[week] += s["abuse"]
        if s["shift"]:
            a.shifts[s["shift"]] += s["abuse"]
        if s["brought_back"] or s["boundary_held"]:
            a.examples.append((round(s["peak"] - s["last"], 4), s["id"], s["exchange"]))
            a.examples.sort(key=lambda e: (-e[0], e[1]))
            del a.examples[_EXAMPLES:]

    def _trim(self, *, now: bool = False) -> None:
        """Keep the TOPIC_SAMPLE smallest keys; trimmed at twice the size so each add stays O(log n) amortised."""
        if len(self.sample) > (TOPIC_SAMPLE if now else 2 * TOPIC_SAMPLE):
            for key in sorted(self.sample)[TOPIC_SAMPLE:]:
                del self.sample[key]

    def merge(self, other: Totals) -> Totals:
        for name in ("conversations", "difficult", "escalated", "boundary", "repeating"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for day, vals in other.days.items():
            mine = self.days.setdefault(day, [0.0, 0.0, 0.0, 0.0])
            for i, v in enumerate(vals):
                mine[i] += v
        self.friction_kinds.update(other.friction_kinds)
        for kind, jump in other.friction_jump.items():
            self.friction_jump[kind] = self.friction_jump.get(kind, 0.0) + jump
        self.phrases.update(other.phrases)
        self.customers.update(other.customers)
        for name, theirs in other.agents.items():
            a = self.agents.setdefault(name, _Agent())
            for f in ("conversations", "difficult", "brought_back", "boundary_held", "resolved_calm", "boundary"):
                setattr(a, f, getattr(a, f) + getattr(theirs, f))
            a.abuse += theirs.abuse
            a.nudges += theirs.nudges
            a.breaks += theirs.breaks
            a.team = a.team or theirs.team
            a.weeks.update(theirs.weeks)
            a.shifts.update(theirs.shifts)
            a.examples = sorted(a.examples + theirs.examples, key=lambda e: (-e[0], e[1]))[:_EXAMPLES]
        self.sample.update(other.sample)
        self._trim()
        return self


def _rate(n: float, d: float) -> float:
    return round(n / d, 4) if d else 0.0


def build_report(t: Totals) -> dict[str, Any]:
    """The report's figures, JSON-ready; every figure says what it counts."""
    days = sorted(t.days)
    timeline = [
        {
            "day": d,
            "conversations": int(t.days[d][0]),
            "mean_frustration": _rate(t.days[d][1], t.days[d][0]),
            "mean_peak": _rate(t.days[d][2], t.days[d][0]),
            "difficult": int(t.days[d][3]),
        }
        for d in days
    ]
    repeat_customers = sum(1 for c in t.customers.values() if c > 1)
    return {
        "overview": {
            "conversations": t.conversations,
            "difficult": t.difficult,
            "escalated": t.escalated,
            "with_boundary_incident": t.boundary,
            "period": [days[0], days[-1]] if days else None,
            "difficult_means": "peak frustration >= 0.6, an escalation, abuse or a threat, or the customer repeating",
        },
        "timeline": timeline,
        "topics": _topics(t, days),
        "friction": _friction(t),
        "repeats": {
            "had_to_repeat_rate": _rate(t.repeating, t.conversations),
            "had_to_repeat": t.repeating,
            "repeat_contact_rate": _rate(repeat_customers, len(t.customers)),
            "repeat_contact_customers": repeat_customers,
            "known_customers": len(t.customers),
            "means": "had to repeat = a customer turn said they already explained; repeat contact = "
            "the same customer in more than one conversation",
        },
        "recognition": _recognition(t),
        "wellbeing": _wellbeing(t),
    }


def _topics(t: Totals, days: list[str]) -> list[dict[str, Any]]:
    t._trim(now=True)
    items = [t.sample[k] for k in sorted(t.sample)]
    labels, names = cluster_topics([i["id"] for i in items], [i["text"] for i in items])
    mid = days[len(days) // 2] if days else None
    groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for item, label in zip(items, labels, strict=True):
        groups[label].append(item)
    out: list[dict[str, Any]] = []
    for label, members in groups.items():
        early = sum(1 for m in members if mid and m["day"] and m["day"] < mid)
        late = sum(1 for m in members if mid and m["day"] and m["day"] >= mid)
        trend = "rising" if late > early * 1.25 + 1 else "falling" if early > late * 1.25 + 1 else "steady"
        ex = sorted(members, key=lambda m: (-m["peak"], m["id"]))[:3]
        repeats = sum(m["repeating"] for m in members)
        out.append(
            {
                "name": names[label],
                "count": len(members),
                "trend": trend,
                "first_half": early,
                "second_half": late,
                "escalation_share": _rate(sum(m["escalated"] for m in members), t.escalated),
                "repeat_share": _rate(repeats, len(members)),
                "examples": [{"id": m["id"], "excerpt": m["excerpt"]} for m in ex],
            }
        )
    out.sort(key=lambda x: (-int(x["count"]), str(x["name"])))
    return out


def _friction(t: Totals) -> dict[str, Any]:
    kinds = [
        {"kind": k, "jumps": n, "mean_jump": _rate(t.friction_jump.get(k, 0.0), n)}
        for k, n in sorted(t.friction_kinds.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    phrases = [
        {"kind": key.split("|", 1)[0], "phrase": key.split("|", 1)[1], "jumps": n}
        for key, n in sorted(t.phrases.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    ]
    return {
        "by_kind": kinds,
        "top_phrases": phrases,
        "means": "customer frustration rose by 0.2 or more right after an agent reply of this kind",
    }


def _recognition(t: Totals) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for name, a in t.agents.items():
        total = a.brought_back + a.boundary_held + a.resolved_calm
        if total == 0:
            continue  # recognition only: an agent with nothing to recognise is not listed
        out.append(
            {
                "agent": name,
                "team": a.team,
                "brought_back": a.brought_back,
                "boundary_held": a.boundary_held,
                "resolved_without_escalation": a.resolved_calm,
                "difficult_conversations": a.difficult,
                "brought_back_rate": _rate(a.brought_back, a.difficult),
                "examples": [{"id": i, "drop": d, "exchange": ex} for d, i, ex in a.examples],
            }
        )
    out.sort(
        key=lambda r: (-int(r["brought_back"] + r["boundary_held"] + r["resolved_without_escalation"]), r["agent"])
    )
    return out[:10]


def _wellbeing(t: Totals) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for name in sorted(t.agents):
        a = t.agents[name]
        weeks = sorted(a.weeks.items())
        trend = "steady"
        if len(weeks) >= 2:
            first, last = weeks[0][1], weeks[-1][1]
            trend = "rising" if last > first else "falling" if last < first else "steady"
        out.append(
            {
                "agent": name,
                "team": a.team,
                "conversations": a.conversations,
                "abuse_signals": a.abuse,
                "boundary_share": _rate(a.boundary, a.conversations),
                "per_week": dict(weeks),
                "per_shift": dict(sorted(a.shifts.items())),
                "trend": trend,
                "nudges": a.nudges,
                "breaks": a.breaks,
                "care": _care(a),
            }
        )
    return out


def _care(a: _Agent) -> str:
    if a.abuse == 0:
        return "No abuse aimed at this agent in the period."
    worst = max(a.shifts.values(), default=0)
    if worst >= 3 or a.boundary >= max(3, a.conversations // 4):
        return "A heavy load of abuse: check in, offer a break and a lighter queue for the next shift."
    return "Some abuse in the period: a quick check-in is worth it."
