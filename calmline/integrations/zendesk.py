"""Zendesk: signed event webhooks in (``X-Zendesk-Webhook-Signature``), internal notes out (the Tickets API).

Zendesk signs ``timestamp + raw body`` with HMAC-SHA256 and sends the base64 digest in
``X-Zendesk-Webhook-Signature``, the timestamp (ISO 8601 UTC) in
``X-Zendesk-Webhook-Signature-Timestamp``. Event webhooks carry ``type``
(``zen:event-type:ticket.comment_added``...), ``account_id``, ``subject`` (``zen:ticket:<id>``),
``detail`` (the ticket: ``id``, ``status``, ``assignee_id``, ``group_id``...) and ``event`` (for a
comment: ``comment.id``, ``body``, ``is_public``, ``author.is_staff``, ``author.name``; for a
change: ``current`` and ``previous``).

Notes go back as private comments: ``PUT /api/v2/tickets/{id}`` with
``{"ticket": {"comment": {"body": ..., "public": false}}}``, authenticated with an API token
(``{email}/token:{token}``, HTTP Basic).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from calmline.integrations.base import InboundEvent, NoteRequest, Ref, clean_name, json_body, message_time
from calmline.integrations.signing import TOLERANCE_S, SignatureError

__all__ = ["ZendeskAdapter", "sign"]

PREFIX = "zen:event-type:"
COMMENT = PREFIX + "ticket.comment_added"
#: ticket changes that are followed (the others are ignored)
CHANGES = {
    PREFIX + "ticket.status_changed": "status",
    PREFIX + "ticket.agent_assignment_changed": "agent",
    PREFIX + "ticket.group_assignment_changed": "team",
}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Zendesk-Webhook-Signature`` value for ``body`` signed at ``timestamp`` (the header's text)."""
    return base64.b64encode(hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()).decode()


def _when(ts: str) -> float:
    """The timestamp header as Unix seconds: ISO 8601 (what Zendesk sends) or plain seconds."""
    text = ts.strip()
    if text.isascii() and text.isdigit():  # str.isdigit() also takes "²", which float() refuses
        return float(text)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SignatureError("X-Zendesk-Webhook-Signature-Timestamp is not an ISO 8601 time") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def _id(value: Any, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip():
        raise ValueError(f"{what}: missing or not an id")
    text = str(value).strip()
    if len(text) > 40 or not text.isascii() or not text.replace("-", "").isalnum():
        raise ValueError(f"{what}: not an id")
    return text


def _optional_id(value: Any, what: str) -> str | None:
    return None if value in (None, "", 0, "0") else _id(value, what)


class ZendeskAdapter:
    name = "zendesk"

    def __init__(
        self,
        secret: str,
        *,
        url: str | None = None,
        email: str | None = None,
        api_token: str | None = None,
        max_age_s: float = TOLERANCE_S,
    ) -> None:
        self.secret, self.url, self.email, self.api_token = secret, url, email, api_token
        self.max_age_s = max_age_s

    def verify(self, headers: Mapping[str, str], body: bytes, *, now: float | None = None) -> None:
        lowered = {k.lower(): v for k, v in headers.items()}
        given = lowered.get("x-zendesk-webhook-signature")
        ts = lowered.get("x-zendesk-webhook-signature-timestamp")
        if not given or not ts:
            raise SignatureError(
                "X-Zendesk-Webhook-Signature and X-Zendesk-Webhook-Signature-Timestamp are required", missing=True
            )
        if abs((time.time() if now is None else now) - _when(ts)) > self.max_age_s:
            raise SignatureError(
                f"the Zendesk timestamp is more than {self.max_age_s:g} s from now (stale or replayed)"
            )
        if not hmac.compare_digest(given.strip().encode(), sign(self.secret, ts, body).encode()):
            raise SignatureError("X-Zendesk-Webhook-Signature does not match")

    def parse(self, payload: Any) -> InboundEvent:
        if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
            raise ValueError("a Zendesk event is a JSON object with a 'type'")
        kind = clean_name(payload["type"], 80) or "(none)"  # echoed in the answer: printable text only
        if kind != COMMENT and kind not in CHANGES:
            return InboundEvent("ignored", kind, reason=f"event {kind!r} is not used")
        detail, event = payload.get("detail"), payload.get("event")
        if not isinstance(detail, dict) or not isinstance(event, dict):
            raise ValueError("detail and event: JSON objects required")
        ref = Ref(self.name, _id(payload.get("account_id"), "account_id"), _id(detail.get("id"), "detail.id"))
        agent = _optional_id(detail.get("assignee_id"), "detail.assignee_id")
        group = _optional_id(detail.get("group_id"), "detail.group_id")
        if kind in CHANGES:
            what = CHANGES[kind]
            current = event.get("current")
            if what == "agent":
                agent = _optional_id(current, "event.current")
            elif what == "team":
                group = _optional_id(current, "event.current")
            status = current if what == "status" else detail.get("status")
            return InboundEvent(
                "conversation",
                kind,
                ref=ref,
                agent=f"zendesk:{agent}" if agent else None,
                team=group,
                status=(clean_name(status, 32) or "").lower() or None,
                changed=(what,),
            )
        return self._comment(kind, payload, event, ref, agent, group)

    def _comment(
        self, kind: str, payload: dict[str, Any], event: dict[str, Any], ref: Ref, agent: str | None, group: str | None
    ) -> InboundEvent:
        comment = event.get("comment")
        if not isinstance(comment, dict):
            raise ValueError("event.comment: a JSON object required")
        if comment.get("is_public") is not True:
            return InboundEvent("ignored", kind, reason="internal note (ours or an agent's)")
        body = comment.get("body")
        if body is None or (isinstance(body, str) and not body.strip()):
            return InboundEvent("ignored", kind, reason="no text (an attachment only)")
        if not isinstance(body, str):
            raise ValueError("event.comment.body: not text")
        author = comment.get("author")
        author = author if isinstance(author, dict) else {}
        ts = message_time(payload.get("time"), "time")
        return InboundEvent(
            "message",
            kind,
            ref=ref,
            message_id=_id(comment.get("id"), "event.comment.id"),
            role="agent" if author.get("is_staff") is True else "customer",
            text=body,
            author=clean_name(author.get("name")),
            ts=ts,
            agent=f"zendesk:{agent}" if agent else None,
            team=group,
        )

    def note_request(self, ref: Ref, text: str) -> NoteRequest | None:
        if not (self.url and self.email and self.api_token):
            return None
        auth = base64.b64encode(f"{self.email}/token:{self.api_token}".encode()).decode()
        body = json_body({"ticket": {"comment": {"body": text, "public": False}}})
        headers = {"Content-Type": "application/json", "Authorization": f"Basic {auth}"}
        return NoteRequest(f"{self.url.rstrip('/')}/api/v2/tickets/{ref.conversation}", headers, body, method="PUT")
