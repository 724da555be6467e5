"""The helpdesk adapter interface: verify a delivery, parse it into normalised events, post notes back.

An adapter knows one helpdesk's wire format and nothing of Calmline's store: the route turns its
:class:`InboundEvent` into the same ``post_message`` pipeline the generic inbound webhook uses, and
its :meth:`Adapter.note_request` into an HTTP request, queued in the alert outbox
(:mod:`calmline.cases.outbox`, event ``note.<helpdesk>``) and sent from the database with retries.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from calmline.integrations.signing import SignatureError

__all__ = ["Adapter", "InboundEvent", "NoteRequest", "Ref", "SignatureError", "note_builder", "note_payload"]


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


def json_body(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode()
