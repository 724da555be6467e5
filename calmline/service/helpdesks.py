"""The helpdesk adapters the settings turn on, and where their private notes go (the outbox's note builders)."""

from __future__ import annotations

from calmline.cases.outbox import NoteBuilder
from calmline.integrations.base import note_builder
from calmline.integrations.chatwoot import ChatwootAdapter
from calmline.service.settings import Settings

__all__ = ["chatwoot", "note_targets"]


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


def note_targets(settings: Settings) -> dict[str, NoteBuilder]:
    """For each helpdesk with outbound notes configured (URL and credentials), the builder of its notes."""
    out: dict[str, NoteBuilder] = {}
    cw = chatwoot(settings)
    if cw is not None and cw.url and cw.api_token:
        out[cw.name] = note_builder(cw)
    return out
