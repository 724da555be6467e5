"""Score a draft reply: the agent labels with evidence, a rubric score, what is missing, a better draft.

>>> from calmline import Conversation
>>> from calmline.coach import coach
>>> review = coach("Calm down.", analysis)  # doctest: +SKIP
"""

from calmline.coach.checks import AGENT_LABELS, detect
from calmline.coach.rubric import Rubric, load_rubric
from calmline.coach.scorer import Missing, Review, coach

__all__ = ["AGENT_LABELS", "Missing", "Review", "Rubric", "coach", "detect", "load_rubric"]
