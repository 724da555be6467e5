"""Composing one suggested reply from the chosen moves.

Each move's phrasing fragments come from the playbook; the values come from this
conversation (:class:`~calmline.playbook._facts.Facts`). The fragment is picked
deterministically (a hash of conversation id, turn index and move), skipping any
sentence an agent already sent in this conversation, so no sentence repeats.
Facts that are unknown stay as placeholders the agent fills in (``{ticket}``).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Mapping
from functools import lru_cache

from calmline.playbook._facts import Facts
from calmline.playbook.config import Playbook
from calmline.playbook.model import MOVE_IDS

__all__ = ["compose_reply", "reply_values", "sentences"]

_PLACE = re.compile(r"\{(\w+)\}")
_SPLIT = re.compile(r"(?<=[.!?])\s+")


class _Unknown(Exception):
    pass


def sentences(text: str) -> list[str]:
    """Split ``text`` into sentences, normalised for comparison."""
    return list(_sentences(text))


@lru_cache(maxsize=4096)
def _sentences(text: str) -> tuple[str, ...]:
    # every reply is checked against all the agent's earlier messages: each is split once
    return tuple(s.strip().lower() for s in _SPLIT.split(text) if s.strip())


_TEAMS = {
    "order": "our delivery team",
    "parcel": "our delivery team",
    "delivery": "our delivery team",
    "claim": "our claims team",
    "flight": "our bookings team",
    "booking": "our bookings team",
    "appointment": "our bookings team",
    "refund": "our refunds team",
    "fee": "our billing team",
    "bill": "our billing team",
    "debit": "our billing team",
    "charge": "our billing team",
    "card": "our card services team",
    "account": "our accounts team",
    "broadband": "our network team",
    "router": "our technical team",
    "internet": "our network team",
    "wifi": "our network team",
    "connection": "our network team",
    "address": "our delivery team",
    "payment": "our billing team",
    "invoice": "our billing team",
}


#: a "card" another word names as something other than a payment card ("memory card", "SIM card"): not card services
_OTHER_CARD = re.compile(
    r"\b(?:memory|sd|microsd|micro sd|graphics|video|sound|network|sim|greeting|birthday|christmas|business|id|"
    r"library|report|key|scratch|game|playing|trading|boarding|sd memory)\s+card\b"
)


def _team(facts: Facts) -> str:
    if facts.head == "card" and _OTHER_CARD.search(facts.topic.lower()):
        return "the team who handles it"
    return _TEAMS.get(facts.head, "the team who handles it")


_RAISABLE = frozenset({"refund", "claim", "complaint", "charge", "charges", "fee", "fees", "debit"})
_REF_TAIL = re.compile(r"\s+(?:reference\s+|number\s+|#\s*|no\.?\s*)?[A-Za-z]{0,4}-?\d[\w-]*$")


def _said_once(values: Mapping[str, str], parts: list[str]) -> Mapping[str, str]:
    """The values for the next fragment: a reference already in the reply is not repeated."""
    ref, short = values.get("_ref"), values.get("_topic_short")
    if not ref or not short or not any(ref in p for p in parts):
        return values
    full = values["topic"]
    return {k: (v.replace(full, short) if isinstance(v, str) else v) for k, v in values.items()}


def reply_values(
    facts: Facts,
    *,
    refund: bool,
    over_limit: bool = False,
    resolved: bool = False,
    behaviour: str = "the language",
    channel: str = "chat",
) -> dict[str, str]:
    """The values the phrasing fragments may use, from the facts of this conversation."""
    values = {
        "topic": facts.topic,
        **({"subject": facts.topic} if facts.topic != "this" else {}),
        # nothing to name at all: the acknowledgement says "this" rather than being dropped
        **({"situation": "this"} if facts.topic == "this" and not facts.issue else {}),
        "feeling": facts.feeling,
        "feeling_person": facts.feeling_person,
        "behaviour": behaviour,
        "reply_route": "reply to this email" if channel == "email" else "message us here",
    }
    if facts.issue:
        values["issue"] = facts.issue
        if not facts.is_request:
            values["problem"] = facts.issue
        if facts.question:
            values["question"] = facts.issue
    if facts.orders:
        values["order"] = facts.orders[0]
    if facts.amounts:
        values["amount"] = facts.amounts[0]
    team = _team(facts)
    if over_limit:
        action = "send your refund request to the team who can approve it"
    elif refund:
        action = f"process the refund of {facts.amounts[0]}" if facts.amounts else "raise the refund request"
    elif facts.topic != "this" and facts.head in _RAISABLE:
        action = f"raise {facts.topic} with {team}"  # a claim, a charge, a refund: things one raises
    elif facts.topic != "this":
        action = f"ask {team} to look into {facts.topic}"  # an address or a router is looked into, not raised
    elif facts.orders:
        action = f"ask {team} to look into reference {facts.orders[0]}"
    else:
        action = "raise this with the team who handles it"
    values["action"] = action
    short = _REF_TAIL.sub("", facts.topic)
    if short != facts.topic:
        values["_ref"] = facts.topic[len(short) :].strip()  # said once: later fragments name the topic without it
        values["_topic_short"] = short
    values["summary"] = f"I'll {action}, and you'll hear from us within {{timeframe}}"
    if resolved:
        thing = facts.topic if facts.topic != "this" else "everything"
        values["summary"] = f"{thing} is sorted, and it's all noted on case {{ticket}}"
    return values


def render(fragment: str, values: Mapping[str, str], keep: frozenset[str]) -> str:
    """Fill ``fragment``; placeholders in ``keep`` stay when unknown, others raise."""

    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in values:
            return values[name]
        if name in keep:
            return m.group(0)
        raise _Unknown(name)

    out = _PLACE.sub(repl, fragment)
    out = _PLACE.sub(repl, out) if "{" in out and out != fragment else out  # values may hold placeholders
    return out[:1].upper() + out[1:]


def pick(
    move_id: str,
    fragments: tuple[str, ...],
    values: Mapping[str, str],
    keep: frozenset[str],
    *,
    seed: str,
    used: set[str],
) -> str | None:
    """The first fragment, from a deterministic start, whose sentences are all new."""
    if not fragments:
        return None
    # Successive customer turns (the seed ends with their count) rotate through the
    # fragments, so a move recommended again later is phrased differently.
    base, _, count = seed.rpartition(":")
    turn = int(count) if count.isdigit() else 0
    rendered = []
    for fragment in fragments:
        try:
            rendered.append(render(fragment, values, keep))
        except _Unknown:
            continue
    if not rendered:
        return None
    start = (zlib.crc32(f"{base}:{move_id}".encode()) + turn) % len(rendered)
    for k in range(len(rendered)):
        text = rendered[(start + k) % len(rendered)]
        if not any(s in used for s in sentences(text)):
            used.update(sentences(text))
            return text
    return None


def compose_reply(
    playbook: Playbook,
    move_ids: Iterable[str],
    values: Mapping[str, str],
    *,
    seed: str,
    previous_agent_texts: Iterable[str],
    rung: int = 0,
    fog: bool = False,
) -> str:
    """Combine the chosen moves into one reply, in conversation order."""
    used: set[str] = set()
    for text in previous_agent_texts:
        used.update(_sentences(text))
    keep = playbook.placeholders
    chosen = set(move_ids)
    # One restatement is enough; an escalation already says what happens next.
    if "acknowledge" in chosen and "problem" in values and "keep_paraphrase" not in values:
        chosen.discard("paraphrase")
    if "escalate" in chosen:
        chosen.discard("next_steps")
    if "close" in chosen:
        chosen.discard("ticket_contact")
    parts: list[str] = []
    for move_id in MOVE_IDS:
        if move_id not in chosen:
            continue
        if move_id == "boundary":
            rule = playbook.move("boundary")
            if fog and rule is not None and rung < 4:
                part = pick("fog", rule.phrases, values, keep, seed=seed, used=used)
                parts += [part] if part else []
            if rung >= 1:
                part = pick(f"rung{rung}", playbook.ladder.rungs.get(rung, ()), values, keep, seed=seed, used=used)
                parts += [part] if part else []
            if rung >= 4:  # the conversation ends here: nothing else belongs in the reply
                break
            continue
        rule = playbook.move(move_id)
        if rule is None:
            continue
        part = pick(move_id, rule.phrases, _said_once(values, parts), keep, seed=seed, used=used)
        if part:
            parts.append(part)
    return " ".join(parts)
