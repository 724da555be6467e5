"""Calmline's webhook signatures, Standard Webhooks style, with the legacy form kept for a while.

Current form (inbound and outbound): three headers

- ``webhook-id``: the message id (outbound: the delivery's idempotency key; receivers drop repeats),
- ``webhook-timestamp``: Unix seconds when it was signed,
- ``webhook-signature``: ``v1,<base64 HMAC-SHA256(secret, "{id}.{timestamp}.{raw body}")>``; several
  space-separated values are allowed (key rotation), one matching is enough.

The timestamp is signed, so a captured request cannot be replayed after the tolerance window
(default 300 s either way). Deprecated form: ``X-Calmline-Signature: sha256=<hex HMAC of the body>``,
accepted while ``CALMLINE_WEBHOOK_LEGACY_SIGNATURES`` is on (the default until the deprecation ends).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping

__all__ = ["TOLERANCE_S", "SignatureError", "legacy_signature", "sign_headers", "standard_signature", "verify"]

TOLERANCE_S = 300


class SignatureError(ValueError):
    """A request whose signature is missing (``missing``) or wrong or stale (``bad``)."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


def legacy_signature(secret: str, body: bytes) -> str:
    """The deprecated header value: ``sha256=<hex HMAC-SHA256 of the raw body>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def standard_signature(secret: str, msg_id: str, timestamp: int | str, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256(secret, "{id}.{timestamp}.{body}")>``."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(secret.encode(), signed, hashlib.sha256).digest()).decode()


def sign_headers(
    secret: str, msg_id: str, body: bytes, *, now: float | None = None, legacy: bool = True
) -> dict[str, str]:
    """The signing headers of an outbound request (the legacy one too while ``legacy``)."""
    ts = int(time.time() if now is None else now)
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": standard_signature(secret, msg_id, ts, body),
    }
    if legacy:
        headers["X-Calmline-Signature"] = legacy_signature(secret, body)
    return headers


def _eq(given: str, expected: str) -> bool:
    # bytes: a header with non-ASCII characters is simply wrong (str compare_digest raises)
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode())


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    legacy: bool = True,
    tolerance_s: int = TOLERANCE_S,
    now: float | None = None,
) -> str:
    """Check a signed request; returns ``"v1"`` or ``"legacy"`` (which form matched), else raises."""
    sig = headers.get("webhook-signature", "")
    if sig:
        msg_id, ts = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "")
        if not msg_id or not ts:
            raise SignatureError("webhook-signature needs webhook-id and webhook-timestamp headers", missing=True)
        if not (ts.isascii() and ts.isdigit() and len(ts) <= 12):
            raise SignatureError("webhook-timestamp must be Unix seconds")
        current = time.time() if now is None else now
        if abs(current - int(ts)) > tolerance_s:
            raise SignatureError(f"webhook-timestamp is more than {tolerance_s} s from now: re-sign the request")
        expected = standard_signature(secret, msg_id, ts, body)
        if any(_eq(part, expected) for part in sig.split()):
            return "v1"
        raise SignatureError("bad webhook-signature: v1,<base64 HMAC-SHA256 of '{id}.{timestamp}.{body}'>")
    old = headers.get("x-calmline-signature", "")
    if old:
        if not legacy:
            raise SignatureError("X-Calmline-Signature is no longer accepted: sign with webhook-signature (v1)")
        if _eq(old, legacy_signature(secret, body)):
            return "legacy"
        raise SignatureError("bad signature: sign the raw body with HMAC-SHA256 and the shared secret")
    raise SignatureError(
        "missing signature: send webhook-id, webhook-timestamp and webhook-signature "
        "(v1,<base64 HMAC-SHA256 of '{id}.{timestamp}.{body}'>)",
        missing=True,
    )
