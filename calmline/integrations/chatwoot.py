"""Chatwoot: signed webhooks in (``X-Chatwoot-Signature``), private notes out (the messages API).

Chatwoot signs ``"{X-Chatwoot-Timestamp}.{raw body}"`` with HMAC-SHA256 and sends
``X-Chatwoot-Signature: sha256=<hex>``; the timestamp is Unix seconds. Message events carry the
message (``id``, ``content``, ``message_type``, ``private``, ``sender``), ``account`` and the
``conversation`` (whose ``id`` is the display id the API uses). Conversation events are the
conversation itself plus ``event`` (and ``changed_attributes`` on updates); the assignee and team
are in ``meta.assignee`` / ``meta.team``. ``message_updated`` (an edit, or a status-only update)
has the same payload as ``message_created`` and becomes an ``edit`` event; a deleted message
(``content_attributes.deleted``) is ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from typing import Any

from calmline.integrations.base import InboundEvent, NoteRequest, Ref, clean_name, json_body, message_time
from calmline.integrations.signing import TOLERANCE_S, SignatureError

__all__ = ["ChatwootAdapter", "sign"]

MESSAGE_EVENTS = frozenset({"message_created", "message_updated"})
CONVERSATION_EVENTS = frozenset({"conversation_created", "conversation_updated", "conversation_status_changed"})
#: Chatwoot's message_type enum, as numbers in some payloads
_TYPES = {0: "incoming", 1: "outgoing", 2: "activity", 3: "template"}


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The ``X-Chatwoot-Signature`` value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={mac}"


def _id(value: Any, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip():
        raise ValueError(f"{what}: missing or not an id")
    text = str(value).strip()
    if len(text) > 40 or not text.isascii() or not text.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"{what}: not an id")
    return text


def _name(person: Any) -> str | None:
    if not isinstance(person, dict):
        return None
    for key in ("name", "email"):
        value = clean_name(person.get(key))
        if value:
            return value
    return None


class ChatwootAdapter:
    name = "chatwoot"

    def __init__(
        self,
        secret: str,
        *,
        url: str | None = None,
        api_token: str | None = None,
        max_age_s: float = TOLERANCE_S,
    ) -> None:
        self.secret, self.url, self.api_token, self.max_age_s = secret, url, api_token, max_age_s

    def verify(self, headers: Mapping[str, str], body: bytes, *, now: float | None = None) -> None:
        lowered = {k.lower(): v for k, v in headers.items()}
        given, ts = lowered.get("x-chatwoot-signature"), lowered.get("x-chatwoot-timestamp")
        if not given or not ts:
            raise SignatureError("X-Chatwoot-Signature and X-Chatwoot-Timestamp are required", missing=True)
        try:
            when = int(ts.strip())
        except ValueError:
            raise SignatureError("X-Chatwoot-Timestamp is not Unix seconds") from None
        if abs((time.time() if now is None else now) - when) > self.max_age_s:
            raise SignatureError(f"X-Chatwoot-Timestamp is more than {self.max_age_s:g} s from now (stale or replayed)")
        if not hmac.compare_digest(given.strip().encode(), sign(self.secret, when, body).encode()):
            raise SignatureError("X-Chatwoot-Signature does not match")

    def parse(self, payload: Any) -> InboundEvent:
        if not isinstance(payload, dict) or not isinstance(payload.get("event"), str):
            raise ValueError("a Chatwoot event is a JSON object with an 'event'")
        event = clean_name(payload["event"], 80) or "(none)"  # echoed in the answer: printable text only
        if event in MESSAGE_EVENTS:
            return self._message(event, payload)
        if event in CONVERSATION_EVENTS:
            return self._conversation(event, payload)
        return InboundEvent("ignored", event, reason=f"event {event!r} is not used")

    def _ref(self, conv: Any, payload: dict[str, Any]) -> Ref:
        if not isinstance(conv, dict):
            raise ValueError("conversation: missing")
        account = payload.get("account")
        acc: Any = account.get("id") if isinstance(account, dict) else None
        if acc is None:  # conversation events: the account is on the messages listed
            msgs = conv.get("messages")
            first = msgs[0] if isinstance(msgs, list) and msgs else None
            acc = first.get("account_id") if isinstance(first, dict) else None
        # the display id the API uses: ``id`` in the payloads Chatwoot sends, ``display_id`` in its documented sample
        display = conv.get("display_id") if conv.get("display_id") is not None else conv.get("id")
        return Ref(self.name, _id(acc, "account.id"), _id(display, "conversation.id"))

    def _message(self, event: str, p: dict[str, Any]) -> InboundEvent:
        kind = p.get("message_type")
        kind = _TYPES.get(kind, kind) if isinstance(kind, int) and not isinstance(kind, bool) else kind
        if kind not in ("incoming", "outgoing", "activity", "template"):
            raise ValueError(f"message_type: {kind!r} is not a Chatwoot message type")
        if p.get("private") is True:
            return InboundEvent("ignored", event, reason="private note (ours or an agent's)")
        if kind in ("activity", "template"):
            return InboundEvent("ignored", event, reason=f"{kind} message")
        attrs = p.get("content_attributes")
        if isinstance(attrs, dict) and attrs.get("deleted") is True:
            return InboundEvent("ignored", event, reason="a deleted message (what was read stays on record)")
        content = p.get("content")
        if content is None or (isinstance(content, str) and not content.strip()):
            return InboundEvent("ignored", event, reason="no text (an attachment only)")
        if not isinstance(content, str):
            raise ValueError("content: not text")
        ref = self._ref(p.get("conversation"), p)
        meta = p["conversation"].get("meta")
        ts = message_time(p.get("created_at"), "created_at")
        return InboundEvent(
            "edit" if event == "message_updated" else "message",
            event,
            ref=ref,
            message_id=_id(p.get("id"), "id"),
            role="customer" if kind == "incoming" else "agent",
            text=content,
            author=_name(p.get("sender")),
            ts=ts,
            agent=_name(meta.get("assignee")) if isinstance(meta, dict) else None,
            team=_team(meta),
        )

    def _conversation(self, event: str, p: dict[str, Any]) -> InboundEvent:
        if p.get("messages") == [] and not isinstance(p.get("account"), dict):
            # no message yet (created by the API, or notes only): nothing names the account; the
            # conversation is made by its first message, whose payload carries it
            return InboundEvent("ignored", event, reason="a conversation without messages (no account id yet)")
        ref = self._ref(p, p)
        meta = p.get("meta")
        changed = p.get("changed_attributes")
        names: list[str] = []
        if isinstance(changed, list):  # [{"status": {"previous_value": ..., "current_value": ...}}, ...]
            names = [k for item in changed if isinstance(item, dict) for k in item]
        elif isinstance(changed, dict):
            names = list(changed)
        status = p.get("status")
        return InboundEvent(
            "conversation",
            event,
            ref=ref,
            agent=_name(meta.get("assignee")) if isinstance(meta, dict) else None,
            team=_team(meta),
            status=clean_name(status, 32),
            changed=tuple(str(n) for n in names),
        )

    def note_request(self, ref: Ref, text: str) -> NoteRequest | None:
        if not (self.url and self.api_token):
            return None
        path = f"/api/v1/accounts/{ref.account}/conversations/{ref.conversation}/messages"
        body = json_body({"content": text, "message_type": "outgoing", "private": True})
        headers = {"Content-Type": "application/json", "api_access_token": self.api_token}
        return NoteRequest(self.url.rstrip("/") + path, headers, body)


def _team(meta: Any) -> str | None:
    team = meta.get("team") if isinstance(meta, dict) else None
    return clean_name(team.get("name")) if isinstance(team, dict) else None
