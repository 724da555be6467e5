"""Issue #15: one clock for hold and still-here: the playbook is the source, the setting overrides it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from calmline.cases.models import MessageRow
from calmline.cases.pipeline import Policy, policy_playbook, still_here_due
from calmline.playbook import decide
from calmline.playbook.config import default_playbook
from calmline.types import Conversation, Role, Turn

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _agent(text: str) -> MessageRow:
    return MessageRow(conversation_id="c", client_id="m", role="agent", text=text)


def _overdue(policy: Policy, after_s: float) -> bool:
    conv = Conversation(
        "c",
        (
            Turn(Role.CUSTOMER, "Where is my order 88123?", ts=NOW - timedelta(seconds=30)),
            Turn(Role.AGENT, "Let me check that for you.", ts=NOW),
        ),
    )
    g = decide(conv, playbook=policy_playbook(policy), now=NOW + timedelta(seconds=after_s))
    return "still_here" in g.move_ids()


def test_timer_and_guidance_follow_the_playbook():
    limit = default_playbook().timing.still_here_after["chat"]
    policy = Policy()
    assert still_here_due(_agent("Let me check that for you."), policy, NOW) == NOW + timedelta(seconds=limit)
    assert _overdue(policy, limit) and not _overdue(policy, limit - 1)
    # near miss: no promise to check, no timer
    assert still_here_due(_agent("Your parcel arrives on Friday."), policy, NOW) is None


def test_the_setting_overrides_the_playbook_for_both():
    policy = Policy(still_here_s=120)
    assert still_here_due(_agent("I'll look into it."), policy, NOW) == NOW + timedelta(seconds=120)
    assert _overdue(policy, 120) and not _overdue(policy, 90)  # 90 s: past the playbook's 60, not the setting's 120
    assert policy_playbook(policy).timing.still_here_after["chat"] == 120


def test_email_uses_its_own_limit():
    policy = Policy()
    day = default_playbook().timing.still_here_after["email"]
    assert still_here_due(_agent("Let me check."), policy, NOW, "email") == NOW + timedelta(seconds=day)
