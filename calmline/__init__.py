"""Calmline: read, guide and coach difficult customer-support conversations.

The library is the product; the CLI and the service are thin adapters::

    >>> import calmline
    >>> conv = calmline.Conversation.from_texts(("customer", "You useless idiot, where is my refund?"))
    >>> sorted(calmline.analyze(conv).turns[0].labels())
    ['abuse.insult', 'request.refund']
"""

from calmline.analyze import analyze, analyze_many, analyze_text
from calmline.coach import Review, coach
from calmline.errors import CalmlineError, ConfigError, InputError, InputFormatError, ModelError, RegistryError
from calmline.io import read_conversations
from calmline.playbook import Guidance, decide
from calmline.signals.reader import Reader
from calmline.types import (
    CUSTOMER_LABELS,
    EMOTIONS,
    Analysis,
    Conversation,
    ConversationState,
    Role,
    Signal,
    Span,
    Turn,
    TurnAnalysis,
)

__version__ = "0.1.0"

__all__ = [
    "CUSTOMER_LABELS",
    "EMOTIONS",
    "Analysis",
    "CalmlineError",
    "ConfigError",
    "Conversation",
    "ConversationState",
    "Guidance",
    "InputError",
    "InputFormatError",
    "ModelError",
    "Reader",
    "RegistryError",
    "Review",
    "Role",
    "Signal",
    "Span",
    "Turn",
    "TurnAnalysis",
    "__version__",
    "analyze",
    "analyze_many",
    "analyze_text",
    "coach",
    "decide",
    "read_conversations",
]
