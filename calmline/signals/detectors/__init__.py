"""The built-in detectors. Importing this package registers them."""

from __future__ import annotations

from calmline.registry import register
from calmline.signals.detectors._patterns import PatternDetector
from calmline.signals.detectors.profanity import ProfanityDetector
from calmline.signals.detectors.tone import SarcasmDetector, YellingDetector

__all__ = ["DEFAULT_DETECTORS", "PatternDetector", "ProfanityDetector", "SarcasmDetector", "YellingDetector"]


def _pattern_detector(name: str, label: str, lexicon: str) -> type[PatternDetector]:
    cls = type(
        f"PatternDetector[{label}]",
        (PatternDetector,),
        {"lexicon_name": lexicon, "labels": (label,), "__doc__": f"{label}: rules from lexicons/{lexicon}.yaml."},
    )
    return register(name)(cls)


InsultDetector = _pattern_detector("abuse.insult.v1", "abuse.insult", "abuse_insult")
HarassmentDetector = _pattern_detector("abuse.harassment.v1", "abuse.harassment", "abuse_harassment")
PersonalThreatDetector = _pattern_detector("threat.personal.v1", "threat.personal", "threat_personal")
LegalThreatDetector = _pattern_detector("threat.legal.v1", "threat.legal", "threat_legal")
PublicThreatDetector = _pattern_detector("threat.public.v1", "threat.public", "threat_public")
ChurnDetector = _pattern_detector("threat.churn.v1", "threat.churn", "threat_churn")
ManagerRequestDetector = _pattern_detector("request.manager.v1", "request.manager", "request_manager")
RefundRequestDetector = _pattern_detector("request.refund.v1", "request.refund", "request_refund")
RepeatingDetector = _pattern_detector("customer.repeating.v1", "customer.repeating", "customer_repeating")
WaitingDetector = _pattern_detector("customer.waiting.v1", "customer.waiting", "customer_waiting")

#: The detectors the default pipeline runs, in order.
DEFAULT_DETECTORS: tuple[str, ...] = (
    "abuse.insult.v1",
    "abuse.profanity.v1",
    "abuse.yelling.v1",
    "abuse.harassment.v1",
    "threat.personal.v1",
    "threat.legal.v1",
    "threat.public.v1",
    "threat.churn.v1",
    "request.manager.v1",
    "request.refund.v1",
    "customer.repeating.v1",
    "customer.waiting.v1",
    "customer.sarcasm.v1",
)
