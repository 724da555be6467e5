"""Patterns found reading suggestions for real customer messages (tweets, reviews): each with its near miss.

The messages here are paraphrases written for the tests, not copies of any data set.
"""

from __future__ import annotations

from calmline.playbook import decide
from playbook._build import build


def _reply(*items, **kw) -> str:  # type: ignore[no-untyped-def]
    return decide(build(*items, **kw)).suggested_reply


def test_venting_with_nothing_to_name_is_acknowledged_not_just_questioned():
    for text in (
        "You lot are hopeless, a whole afternoon wasted and nobody could do a simple job.",
        "Honestly the worst service I have ever had. Never again.",
    ):
        reply = _reply(("customer", text, {}, 0.8))
        first = reply.split(". ")[0]
        assert "?" not in first and ("sorry" in first.lower() or "hear how" in first.lower()), reply
        assert "first notice the problem with this" not in reply, reply
    # near miss: with something to name, the acknowledgement names it instead of saying "this"
    named = _reply(("customer", "My router keeps dropping every evening and I'm fed up with it.", {}, 0.8))
    assert "your router" in named and "sorry this has been" not in named and "how frustrating this" not in named
