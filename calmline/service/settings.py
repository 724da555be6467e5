"""Service settings from ``CALMLINE_*`` environment variables (built when asked, never at import)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Every knob of ``calmline serve``; each is ``CALMLINE_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="CALMLINE_", extra="forbid")

    database_url: str = Field("sqlite:///calmline.db", description="SQLite file (default) or postgresql://...")
    admin_token: str | None = Field(
        None, description="Preset the first admin token (cl_<id>_<secret>) instead of printing one."
    )
    redact: bool = Field(
        False,
        description="Redact emails, phone, card and IBAN numbers in everything stored, logged, exported or sent.",
    )
    redact_region: str = Field(
        "GB",
        min_length=2,
        max_length=2,
        description="Default region (ISO 3166 alpha-2) for phone numbers written without a country code.",
    )
    redact_key: str | None = Field(
        None,
        description="Key of the hash that replaces a helpdesk conversation id holding personal data "
        "(default: the inbound webhook secret).",
    )
    max_body_bytes: int = Field(256_000, ge=1, description="Largest request body accepted (413 above).")
    max_text_chars: int = Field(
        20_000, ge=1, description="Longest message or coach draft accepted, in characters (422 above)."
    )
    still_here_s: float | None = Field(
        None,
        gt=0,
        le=30 * 86400,
        description="Seconds before a 'still here' update is due after an agent promised to check; overrides the "
        "playbook's timing.still_here_after on every channel (unset: the playbook decides, chat 60 s).",
    )
    follow_up_delay_s: float = Field(
        3 * 24 * 3600.0, ge=0, le=366 * 86400, description="Seconds after resolving a case before the follow-up."
    )
    shift_hours: float = Field(8.0, gt=0, le=7 * 24, description="Length of a shift for wellbeing exposure.")
    break_after: int | None = Field(
        None,
        ge=1,
        description="Overrides the playbook's care.break_after: abusive messages within care.window_minutes "
        "after which a break is suggested (unset: the playbook decides, 3 in 60 minutes).",
    )
    inbound_webhook_secret: str | None = Field(
        None, description="HMAC-SHA256 secret; the inbound webhook is off without it."
    )
    webhook_legacy_signatures: bool = Field(
        True,
        description="Also accept (inbound) and send (outbound) the deprecated X-Calmline-Signature "
        "(HMAC of the body alone, no timestamp); turn off once every sender signs with webhook-signature.",
    )
    alert_webhook_url: str | None = Field(None, description="Where alerts are POSTed; nothing is sent without it.")
    alert_webhook_secret: str | None = Field(None, description="Signs outbound alerts (X-Calmline-Signature).")
    alert_max_attempts: int | None = Field(
        None,
        ge=1,
        description="Optional cap on attempts per alert; by default an alert retries for CALMLINE_ALERT_RETRY_S.",
    )
    alert_backoff_s: float = Field(
        2.0, ge=0, le=3600, description="First retry delay of an alert in seconds; doubles on each attempt."
    )
    alert_max_backoff_s: float = Field(3600.0, ge=0, le=86400, description="Longest delay between two attempts.")
    alert_retry_s: float = Field(
        86400.0,
        ge=0,
        le=30 * 86400,
        description="How long after it was queued a failing alert is retried before it is marked failed "
        "(an admin can still replay it).",
    )
    alert_timeout_s: float = Field(10.0, gt=0, le=300, description="HTTP timeout of one alert attempt.")
    alert_concurrency: int = Field(4, ge=1, le=64, description="Alerts sent at once (per process).")
    chatwoot_webhook_secret: str | None = Field(
        None, description="Chatwoot webhook secret; POST /integrations/chatwoot/webhook is off without it."
    )
    chatwoot_url: str | None = Field(None, description="Chatwoot base URL for private notes (with the API token).")
    chatwoot_api_token: str | None = Field(None, description="Chatwoot API access token (sent as api_access_token).")
    chatwoot_note_events: str = Field(
        "boundary,escalation",
        description="Comma-separated: which results are posted back as private notes "
        "(guidance, boundary, escalation); empty posts none.",
    )
    chatwoot_team: str = Field("default", description="Calmline team of Chatwoot conversations with no mapped team.")
    chatwoot_teams: str = Field(
        "", description="Chatwoot team name to Calmline team, 'Billing=billing,Tier 2=t2'; unmapped use chatwoot_team."
    )
    chatwoot_max_age_s: float = Field(300.0, gt=0, description="Refuse Chatwoot deliveries signed longer ago.")
    zendesk_webhook_secret: str | None = Field(
        None, description="Zendesk webhook signing secret; POST /integrations/zendesk/webhook is off without it."
    )
    zendesk_url: str | None = Field(None, description="Zendesk base URL (https://SUBDOMAIN.zendesk.com) for notes.")
    zendesk_email: str | None = Field(None, description="The Zendesk agent whose API token posts the notes.")
    zendesk_api_token: str | None = Field(None, description="Zendesk API token (with zendesk_email, HTTP Basic).")
    zendesk_note_events: str = Field(
        "boundary,escalation",
        description="Comma-separated: which results are posted back as internal notes "
        "(guidance, boundary, escalation); empty posts none.",
    )
    zendesk_team: str = Field("default", description="Calmline team of Zendesk tickets with no mapped group.")
    zendesk_teams: str = Field(
        "", description="Zendesk group id to Calmline team, '360001=billing,360002=t2'; unmapped use zendesk_team."
    )
    zendesk_max_age_s: float = Field(300.0, gt=0, description="Refuse Zendesk deliveries signed longer ago.")
    message_threads: int = Field(
        4,
        ge=1,
        le=64,
        description="Threads that store and analyse posted messages at once (more only queue on the GIL).",
    )
    heavy_text_chars: int = Field(
        2_000,
        ge=1,
        description="Messages longer than this are analysed on a lane of their own (one thread), "
        "so a burst of long messages never delays ordinary ones.",
    )
    scheduler: bool = Field(True, description="Run the timer/alert scheduler thread in this process.")
    scheduler_interval_s: float = 1.0
    playbook: str | None = Field(None, description="Path of a playbook YAML (default: the shipped one).")
    channel: str = "chat"
    practice_personas: str | None = Field(
        None, description="A directory of your organisation's practice persona YAML files (added to the shipped ones)."
    )
    practice_supervisor_view: bool = Field(
        False, description="Let supervisors see their team's practice completion and scores (off by default)."
    )
    sse_poll_s: float = 0.25

    @model_validator(mode="after")
    def _redaction_needs_a_key(self) -> Self:
        """With redaction on, ids holding personal data are stored as a keyed hash: a known key would let
        anyone who reads the database recover them by trying candidates, so one must be set."""
        if self.redact and not (self.redact_key or self.inbound_webhook_secret):
            raise ValueError(
                "CALMLINE_REDACT is on, so set CALMLINE_REDACT_KEY (a long random secret, e.g. from "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`): it keys the hash that replaces "
                "helpdesk ids holding personal data (CALMLINE_INBOUND_WEBHOOK_SECRET is used when it is set)"
            )
        return self
