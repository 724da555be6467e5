"""Decide the agent's next moves: a playbook in YAML and a pure ``decide`` function.

>>> from calmline.playbook import decide, load_playbook
>>> guidance = decide(analysis, playbook=load_playbook("our_playbook.yaml"))  # doctest: +SKIP
"""

from calmline.playbook.config import Playbook, load_playbook
from calmline.playbook.engine import decide
from calmline.playbook.ladder import replay_ladder
from calmline.playbook.model import MOVE_IDS, Escalation, Guidance, LadderState, LadderStep, Move

__all__ = [
    "MOVE_IDS",
    "Escalation",
    "Guidance",
    "LadderState",
    "LadderStep",
    "Move",
    "Playbook",
    "decide",
    "load_playbook",
    "replay_ladder",
]
