"""Practice: role-play with simulated difficult customers, judged by the coach and the reader, offline.

>>> from calmline.practice import load_personas, PracticeSession, debrief
>>> s = PracticeSession(load_personas()["sarcastic"], seed=1)  # doctest: +SKIP
>>> s.reply("I'm sorry you lost two days off work waiting for the sofa.")  # doctest: +SKIP
"""

from calmline.practice.debrief import debrief
from calmline.practice.engine import MAX_REPLY_CHARS, Effect, Exchange, PracticeError, PracticeSession
from calmline.practice.persona import Persona, Scenario, default_personas, load_persona, load_personas

__all__ = [
    "MAX_REPLY_CHARS",
    "Effect",
    "Exchange",
    "Persona",
    "PracticeError",
    "PracticeSession",
    "Scenario",
    "debrief",
    "default_personas",
    "load_persona",
    "load_personas",
]
