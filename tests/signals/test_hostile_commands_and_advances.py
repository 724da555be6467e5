"""Abuse typed at a chat agent that the rules missed: "shut up", sexual advances, gendered slurs.

Each fires on the form aimed at the agent and stays silent on the reported, idiomatic or
third-person form (written in our own words after phrasings seen in real public text).
"""

from __future__ import annotations

import pytest

from calmline.signals.reader import Reader

CASES = [
    # (text, labels that must fire, labels that must not)
    ("Shut up and listen to me.", {"abuse.insult"}, set()),
    ("Oh just shut up, you are no help.", {"abuse.insult"}, set()),
    ("Shut your mouth and fix my account.", {"abuse.insult"}, set()),
    ("shut the hell up", {"abuse.insult"}, set()),
    ("Shut up and take my money, this deal is great!", set(), {"abuse.insult"}),
    ("My neighbour told me to shut up last night.", set(), {"abuse.insult"}),
    ("Wait, what? Shut up? No way!", set(), {"abuse.insult"}),
    ("Can you shut it down and restart it?", set(), {"abuse.insult"}),
    ("We shut up shop at five on Fridays.", set(), {"abuse.insult"}),
    ("shut the f*ck up", {"abuse.insult"}, set()),
    ("shut your face", {"abuse.insult"}, set()),
    ("If you shut it, the app restarts.", set(), {"abuse.insult"}),
    ("You shut that door in my face yesterday.", set(), {"abuse.insult"}),
    ("Shut up, that's amazing news!", set(), {"abuse.insult"}),
    ("He told me: shut up and pay.", set(), {"abuse.insult"}),
    ("I want to have sex with you", {"abuse.harassment"}, set()),
    ("I'm gonna screw you over on the price, aren't I", set(), {"abuse.harassment"}),
    ("let's fuck off to the pub", set(), {"abuse.harassment"}),
    ("let's have sex after your shift", {"abuse.harassment"}, set()),
    ("talk dirty to me", {"abuse.harassment"}, set()),
    ("are u horny", {"abuse.harassment"}, set()),
    ("I need to sleep with the window open or I overheat.", set(), {"abuse.harassment"}),
    ("you stupid slut", {"abuse.harassment", "abuse.insult"}, set()),
    ("You're a cheap whore", {"abuse.harassment", "abuse.insult"}, set()),
    ("The caller called my sister a slag, I want it reported.", set(), {"abuse.harassment", "abuse.insult"}),
    ("ur a slut", {"abuse.harassment", "abuse.insult"}, set()),
    ("youre a whore", {"abuse.harassment", "abuse.insult"}, set()),
    ("did he call you a slut?", set(), {"abuse.harassment"}),
    # dismissive or death-wishing commands, and contempt, aimed at the agent
    ("Oh get lost, I'm done with you.", {"abuse.insult"}, set()),
    ("Just go and die.", {"abuse.insult"}, set()),
    ("Drop dead.", {"abuse.insult"}, set()),
    ("Why not go jump off a cliff", {"abuse.insult"}, set()),
    ("Up yours, pal", {"abuse.insult"}, set()),
    ("Honestly you disgust me", {"abuse.insult"}, set()),
    ("No one likes you, you know that?", {"abuse.insult"}, set()),
    ("My suitcase tends to get lost on connecting flights.", set(), {"abuse.insult"}),
    ("The driver told me to get lost when I asked.", set(), {"abuse.insult"}),
    ("Did the form get lost?", set(), {"abuse.insult"}),
    ("Take a hike in the park this afternoon.", set(), {"abuse.insult"}),
    ("My laptop battery will die before the call ends.", set(), {"abuse.insult"}),
    ("Die Rechnung ist falsch.", set(), {"abuse.insult"}),
    ("You make me sick with worry when the order is late.", set(), {"abuse.insult"}),
    ("Nobody likes you to wait, I get it.", set(), {"abuse.insult"}),
    ("Everyone hates queues.", set(), {"abuse.insult"}),
    # "just" after a subject is literal: things that "just get lost", a phone that will "just die"
    ("Parcels just get lost all the time with you.", set(), {"abuse.insult"}),
    ("Things just get lost, I guess.", set(), {"abuse.insult"}),
    ("The phone keeps turning off, it will just die.", set(), {"abuse.insult"}),
    ("You can get lost easily in the new menu.", set(), {"abuse.insult"}),
    ("Nobody cares about you guys' customers anymore.", set(), {"abuse.insult"}),
    ("Please, just die.", {"abuse.insult"}, set()),
    ("Just get lost.", {"abuse.insult"}, set()),
]


@pytest.mark.parametrize(("text", "must", "must_not"), CASES, ids=[c[0][:40] for c in CASES])
def test_aimed_at_the_agent_or_not(reader: Reader, text: str, must: set[str], must_not: set[str]) -> None:
    got = {s.label for s in reader.read(text).signals}
    assert must <= got, f"missing {sorted(must - got)} in {sorted(got)}"
    assert not (must_not & got), f"false alarm {sorted(must_not & got)}"
