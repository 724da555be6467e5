"""``seed_demo``: a small support team's morning, to show the console (``calmline serve --demo``).

Five conversations written for Calmline (calm, frustrated, abusive, escalated, waiting) go
through the same path as the REST API (stored, analysed, guidance, incidents, timers), so what
the console shows is what the service would show. Seeding twice adds nothing new but tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from calmline.cases import store
from calmline.cases.db import migrate
from calmline.cases.models import ConversationRow, utcnow
from calmline.cases.pipeline import escalate

__all__ = ["DEMO", "DemoSeed", "seed_demo"]

TEAM = "support"
AGENT, SECOND_AGENT, SUPERVISOR = "alex", "jordan", "sam"

#: (external id, agent, minutes ago it started, [(role, text)], extra step)
DEMO: list[tuple[str, str, int, list[tuple[str, str]], str | None]] = [
    (
        "demo-calm",
        AGENT,
        40,
        [
            ("customer", "Hi! Could I move my delivery from Tuesday to Thursday morning?"),
            ("agent", "Of course. I've moved it to Thursday between 9 and 12, and you'll get a confirmation email."),
            ("customer", "Lovely, thank you for the quick help."),
        ],
        None,
    ),
    (
        "demo-frustrated",
        AGENT,
        25,
        [
            ("customer", "My internet drops every evening this week and I work from home."),
            ("agent", "I'm sorry, that sounds really disruptive. Let me check the line tests for your address."),
            (
                "customer",
                "I already told the last person all of this. This is the third time I've explained it "
                "and nothing changes.",
            ),
        ],
        None,
    ),
    (
        "demo-abusive",
        AGENT,
        15,
        [
            ("customer", "Where is my refund? It's been two weeks since you collected the parcel."),
            ("agent", "I understand, let me look into the refund for you now."),
            ("customer", "You people are useless. Are you an idiot or just pretending?"),
        ],
        None,
    ),
    (
        "demo-escalated",
        SECOND_AGENT,
        30,
        [
            ("customer", "I was charged twice for the annual plan and I want a manager, now."),
            (
                "agent",
                "I can see both charges, and I'm sorry about that. A refund of the second one is above what "
                "I can approve, so I'm passing it to my supervisor.",
            ),
            ("customer", "If this isn't sorted today I'm contacting my lawyer."),
        ],
        "escalate",
    ),
    (
        "demo-waiting",
        SECOND_AGENT,
        9,
        [
            ("customer", "Hello? I sent my meter reading an hour ago and the bill still shows an estimate."),
            ("agent", "Thanks for waiting. Let me check with the billing team, one moment."),
            ("customer", "Still there? It's been ages and I have to leave for work soon."),
        ],
        None,
    ),
]


@dataclass(frozen=True, slots=True)
class DemoSeed:
    """What ``calmline serve --demo`` prints: where to go and the tokens to paste."""

    url_path: str
    token: str
    supervisor_token: str
    conversations: dict[str, str] = field(default_factory=dict)


def _services(app_or_settings: Any) -> Any:
    from calmline.service.app import build_services
    from calmline.service.deps import Services
    from calmline.service.settings import Settings

    if isinstance(app_or_settings, Services):
        return app_or_settings
    if isinstance(app_or_settings, Settings):
        return build_services(app_or_settings)
    services = getattr(getattr(app_or_settings, "state", None), "services", None)
    if services is None:
        raise TypeError("seed_demo takes a FastAPI app from create_app(), its Services, or Settings")
    return services


def seed_demo(app_or_settings: Any) -> DemoSeed:
    """Seed the demo team (idempotent) and return the console path and fresh login tokens.

    Args:
        app_or_settings: the app from :func:`calmline.service.create_app`, its ``Services``, or ``Settings``.
    """
    from calmline.service.routes.messages import post_message
    from calmline.service.schemas import MessageCreate

    services = _services(app_or_settings)
    migrate(services.engine)
    ids: dict[str, str] = {}
    sup = store.Actor(SUPERVISOR, "supervisor", TEAM)
    now = utcnow()
    for external, agent, minutes, turns, extra in DEMO:
        with services.factory() as s:
            existing = s.scalar(
                select(ConversationRow.id).where(ConversationRow.team == TEAM, ConversationRow.external_id == external)
            )
            if existing:
                ids[external] = existing
                continue
            conv, case = store.create_conversation(s, sup, agent=agent, team=TEAM, external_id=external)
            store.emit(
                s,
                "conversation",
                {"id": conv.id, "agent": agent, "case": case.number},
                conversation_id=conv.id,
                team=TEAM,
            )
            s.commit()
            ids[external] = conv.id
        actor = store.Actor(agent, "agent", TEAM)
        step = minutes / len(turns)
        for i, (role, text) in enumerate(turns):
            ts = now - timedelta(minutes=minutes - i * step)
            body = MessageCreate(
                client_id=f"{external}-{i}",
                role=role,
                text=text,
                ts=ts,
                author="Customer" if role == "customer" else agent,
            )
            post_message(services, actor, ids[external], body)
        if extra == "escalate":
            with services.factory() as s:
                conv_row = s.get(ConversationRow, ids[external])
                assert conv_row is not None
                esc = escalate(
                    s,
                    actor,
                    conv_row,
                    reason="double charge above the agent's refund limit",
                    to="supervisor",
                    policy=services.policy,
                )
                s.flush()
                store.schedule_timer(
                    s,
                    conv_row,
                    kind="callback",
                    owner=SUPERVISOR,
                    due_at=now + timedelta(minutes=20),
                    note=f"Call back about escalation {esc.id}.",
                )
                s.commit()
    with services.factory() as s:
        token = store.create_token(s, name=AGENT, role="agent", team=TEAM)[1]
        sup_token = store.create_token(s, name=SUPERVISOR, role="supervisor", team=TEAM)[1]
        s.commit()
    return DemoSeed(
        url_path=f"/console#/agent/{ids['demo-abusive']}", token=token, supervisor_token=sup_token, conversations=ids
    )
