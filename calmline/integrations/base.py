"""The helpdesk adapter interface: verify a delivery, parse it into normalised events, post notes back.

An adapter knows one helpdesk's wire format and nothing of Calmline's store: the route turns its
:class:`InboundEvent` into the same ``post_message`` pipeline the generic inbound webhook uses, and
its :meth:`Adapter.note_request` into an HTTP request, queued in the alert outbox
(:mod:`calmline.cases.outbox`, event ``note.<helpdesk>``) and sent from the database with retries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from calmline.integrations.signing import SignatureError

__all__ = [
    "Adapter",
    "InboundEvent",
    "NoteRequest",
    "Ref",
    "SignatureError",
    "clean_name",
    "message_time",
    "note_builder",
    "note_payload",
]


@dataclass(frozen=True, slots=True)
class Ref:
    """Where a conversation lives in the helpdesk: integration, account and the helpdesk's conversation id."""

    integration: str
    account: str
    conversation: str

    @property
    def external_id(self) -> str:
        """The key stored on Calmline's conversation (unique per integration and account)."""
        return f"{self.integration}:{self.account}:{self.conversation}"


@dataclass(frozen=True, slots=True)
class InboundEvent:
    """One delivery, normalised.

    ``kind``: ``message`` (store and analyse ``text`` as ``role``), ``edit`` (the message
    ``message_id`` now reads ``text``), ``conversation`` (follow the ``agent``/``team``/``status``
    that are set; ``changed`` names what changed) or ``ignored`` (``reason`` says why).
    """

    kind: Literal["message", "edit", "conversation", "ignored"]
    event: str
    reason: str = ""
    ref: Ref | None = None
    message_id: str = ""
    role: Literal["customer", "agent"] = "customer"
    text: str = ""
    author: str | None = None
    ts: float | None = None
    agent: str | None = None
    team: str | None = None
    status: str | None = None
    changed: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class NoteRequest:
    url: str
    headers: dict[str, str]
    body: bytes
    method: str = "POST"


class Adapter(Protocol):
    """What a helpdesk integration provides."""

    name: str

    def verify(self, headers: Mapping[str, str], body: bytes, *, now: float | None = None) -> None:
        """Raise :class:`SignatureError` (``missing`` set when unsigned) unless the delivery is authentic and fresh."""

    def parse(self, payload: Any) -> InboundEvent:
        """The normalised event; ``ValueError`` for a payload of a known event that is malformed."""

    def note_request(self, ref: Ref, text: str) -> NoteRequest | None:
        """The request that posts ``text`` as a private note, or ``None`` when outbound is not configured."""


def note_payload(ref: Ref, text: str, *, conversation_id: str) -> dict[str, Any]:
    """What the outbox stores for one note (no URL or credential: those come from the settings at send time)."""
    return {
        "integration": ref.integration,
        "account": ref.account,
        "conversation": ref.conversation,
        "external_id": ref.external_id,
        "conversation_id": conversation_id,
        "text": text,
    }


def note_builder(adapter: Adapter) -> Callable[[dict[str, Any]], NoteRequest | None]:
    """The outbox's builder for ``adapter``'s notes: the request from a stored :func:`note_payload`."""

    def build(payload: dict[str, Any]) -> NoteRequest | None:
        try:
            ref = Ref(adapter.name, str(payload["account"]), str(payload["conversation"]))
            text = str(payload["text"])
        except KeyError:
            return None
        return adapter.note_request(ref, text)

    return build


#: the times a helpdesk message may carry, Unix seconds (1970 to 2100 UTC, like the API's ``ts``)
EARLIEST_S, LATEST_S = 0.0, 4102444800.0


def message_time(value: Any, what: str) -> float | None:
    """A helpdesk's message time as Unix seconds: a number or ISO 8601 text; ``None`` when absent.

    ``ValueError`` (answered 422) for a time that is not one, or outside 1970-2100 UTC.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"{what}: not a time")
    if isinstance(value, (int, float)):
        try:
            seconds = float(value)
        except OverflowError:  # an integer of 309 digits or more
            raise ValueError(f"{what}: the time is out of range (1970-2100 UTC)") from None
    elif isinstance(value, str):
        from datetime import UTC, datetime

        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace(" UTC", "+00:00"))
            seconds = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
        except (ValueError, OverflowError):
            raise ValueError(f"{what}: {value[:40]!r} is not an ISO 8601 time") from None
    else:
        raise ValueError(f"{what}: not a time")
    if not EARLIEST_S <= seconds < LATEST_S:
        raise ValueError(f"{what}: the time is out of range (1970-2100 UTC)")
    return seconds


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]+")


def clean_name(value: Any, limit: int = 120) -> str | None:
    """A name, team or status from a payload, safe to store and echo: text without control characters
    or lone surrogates, trimmed to ``limit``; ``None`` when it is not text or nothing is left."""
    if not isinstance(value, str):
        return None
    text = _UNPRINTABLE.sub(" ", value).strip()[:limit].strip()
    return text or None


def json_body(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode()
