"""The helpdesk adapters the settings turn on, and where their private notes go (the outbox's note builders)."""

from __future__ import annotations

from calmline.cases.outbox import NoteBuilder
from calmline.integrations.base import Ref, note_builder
from calmline.integrations.chatwoot import ChatwootAdapter
from calmline.integrations.zendesk import ZendeskAdapter
from calmline.service.settings import Settings

__all__ = ["chatwoot", "note_targets", "team_for", "zendesk"]


def chatwoot(settings: Settings) -> ChatwootAdapter | None:
    """The Chatwoot adapter, or ``None`` while ``CALMLINE_CHATWOOT_WEBHOOK_SECRET`` is unset."""
    if not settings.chatwoot_webhook_secret:
        return None
    return ChatwootAdapter(
        settings.chatwoot_webhook_secret,
        url=settings.chatwoot_url,
        api_token=settings.chatwoot_api_token,
        max_age_s=settings.chatwoot_max_age_s,
    )


def zendesk(settings: Settings) -> ZendeskAdapter | None:
    """The Zendesk adapter, or ``None`` while ``CALMLINE_ZENDESK_WEBHOOK_SECRET`` is unset."""
    if not settings.zendesk_webhook_secret:
        return None
    return ZendeskAdapter(
        settings.zendesk_webhook_secret,
        url=settings.zendesk_url,
        email=settings.zendesk_email,
        api_token=settings.zendesk_api_token,
        max_age_s=settings.zendesk_max_age_s,
    )


def team_for(mapping: str, default: str, helpdesk_team: str | None) -> str:
    """The Calmline team of a helpdesk team (name or id, matched case-insensitively) under ``'a=x,b=y'``."""
    pairs = (item.split("=", 1) for item in mapping.split(",") if "=" in item)
    table = {k.strip().lower(): v.strip() for k, v in pairs if k.strip() and v.strip()}
    return table.get((helpdesk_team or "").strip().lower(), default)


def note_targets(settings: Settings) -> dict[str, NoteBuilder]:
    """For each helpdesk with outbound notes configured (URL and credentials), the builder of its notes."""
    out: dict[str, NoteBuilder] = {}
    for adapter in (chatwoot(settings), zendesk(settings)):
        if adapter is not None and adapter.note_request(Ref(adapter.name, "0", "0"), "") is not None:
            out[adapter.name] = note_builder(adapter)
    return out
