# ruff: noqa: E501  (word tables read best unbroken)
"""The topic of a conversation: a noun phrase with its head noun, from the customer's words.

A topic is only taken when its head is a noun a support conversation is about
(``appointment``, ``card``, ``order``...), with up to two modifiers before it
(``physio appointment``, ``water meter reading``, ``overdraft fee``) and a reference
after it when there is one (``order 48213``). Anything else gives no topic, and the
reply falls back to a neutral wording rather than guessing (``your quick``).
"""

from __future__ import annotations

import re

__all__ = ["find_topic"]

_HEADS = frozenset(
    [
        "account",
        "accounts",
        "address",
        "allowance",
        "app",
        "appointment",
        "appointments",
        "balance",
        "basket",
        "battery",
        "bill",
        "billing",
        "bills",
        "booking",
        "bookings",
        "boiler",
        "broadband",
        "card",
        "cards",
        "charge",
        "charges",
        "claim",
        "connection",
        "contract",
        "course",
        "credit",
        "debit",
        "delivery",
        "deposit",
        "device",
        "dishwasher",
        "email",
        "emails",
        "fee",
        "fees",
        "flight",
        "flights",
        "form",
        "forms",
        "fridge",
        "heating",
        "installation",
        "insurance",
        "internet",
        "invoice",
        "invoices",
        "kettle",
        "laptop",
        "licence",
        "license",
        "line",
        "loan",
        "login",
        "meter",
        "mortgage",
        "order",
        "orders",
        "package",
        "parcel",
        "parcels",
        "password",
        "payment",
        "payments",
        "pension",
        "plan",
        "policy",
        "prescription",
        "price",
        "purchase",
        "reading",
        "refund",
        "renewal",
        "repair",
        "reservation",
        "roof",
        "router",
        "sofa",
        "signal",
        "statement",
        "subscription",
        "tariff",
        "ticket",
        "tickets",
        "transfer",
        "upgrade",
        "visa",
        "voucher",
        "wallet",
        "warranty",
        "washer",
        "website",
        "wifi",
        "wi-fi",
        "workspace",
        "food",
        "meal",
        "headphones",
        "laptop",
        "tv",
        "television",
        "contract",
    ]
)
_MULTI = re.compile(
    r"\b(single sign-on|direct debit|standing order|two-factor authentication|washing machine|phone bill|gift card|credit card|debit card|sim card)\b",
    re.I,
)
_CODED = frozenset({"order", "claim", "flight", "booking", "ticket", "invoice", "parcel", "reservation", "account"})
_DET = frozenset({"my", "our", "the", "this", "that", "your", "a", "an", "his", "her", "their"})
_NOT_MOD = frozenset(
    [
        "my",
        "our",
        "the",
        "this",
        "that",
        "your",
        "a",
        "an",
        "his",
        "her",
        "their",
        "its",
        "and",
        "or",
        "but",
        "for",
        "with",
        "from",
        "to",
        "of",
        "in",
        "on",
        "at",
        "by",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "not",
        "no",
        "new",
        "same",
        "other",
        "whole",
        "own",
        "only",
        "just",
        "still",
        "even",
        "also",
        "very",
        "really",
        "so",
        "too",
        "all",
        "any",
        "some",
        "every",
        "each",
        "another",
        "more",
        "most",
        "less",
        "quick",
        "clear",
        "last",
        "first",
        "second",
        "third",
        "next",
        "damn",
        "bloody",
        "stupid",
        "useless",
        "entire",
        "already",
        "again",
        "about",
        "again",
        "such",
        "what",
        "which",
        "when",
        "where",
        "why",
        "how",
        "who",
        "it",
        "i",
        "we",
        "you",
        "they",
        "he",
        "she",
        "me",
        "us",
        "them",
        # a modal or a verb before the noun ("will miss connection", "expect full refund")
        "will",
        "would",
        "can",
        "could",
        "should",
        "must",
        "expect",
        "expected",
        "miss",
        "missed",
        "need",
        "needs",
        "want",
        "wanted",
        # a preposition, a verb or a verdict is not part of the thing's name ("3 months after purchase",
        # "please order a size up", "great headphones", "I bought wifi")
        "after",
        "before",
        "under",
        "over",
        "into",
        "than",
        "then",
        "via",
        "per",
        "please",
        "bought",
        "buy",
        "got",
        "get",
        "stop",
        "nice",
        "great",
        "good",
        "bad",
        "poor",
        "cheap",
        "cheep",
        "horrible",
        "terrible",
        "awful",
        "worst",
        "best",
        "amazing",
        "awesome",
        "excellent",
        "lovely",
        "perfect",
    ]
)
#: a word right before the noun that makes it a verb ("don't purchase", "to order") or says there is none of it
#: ("no voucher"): no topic to restate then
_NOT_A_THING = frozenset(
    ["to", "please", "don't", "dont", "didn't", "can't", "cannot", "won't", "will", "would", "should", "no", "without"]
)
_CODE = re.compile(r"\s*(?:number|no\.?|#|ref(?:erence)?)?\s*[:#]?\s*([A-Za-z]{0,4}-?\d[\w-]{2,})")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*|\S")


def _modifiers(words: list[str]) -> list[str]:
    out: list[str] = []
    for w in reversed(words[-2:]):
        low = w.lower()
        if not low.isalpha() or low in _NOT_MOD or low.endswith(("ly", "ed", "ing", "'s")) or len(low) < 3:
            break
        out.insert(0, low if not w.isupper() or len(w) > 4 else w)
    return out


def find_topic(text: str) -> tuple[str, str]:
    """The first noun-phrase topic in ``text`` and its head noun, or ``("", "")``."""
    m = _MULTI.search(text)
    best: tuple[int, str, str] | None = None
    if m:
        best = (m.start(), m.group(1).lower(), m.group(1).lower().split()[-1])
    tokens = list(_TOKEN.finditer(text))
    found: list[tuple[int, str, str, bool]] = []
    i = 0
    while i < len(tokens):
        low = tokens[i].group(0).lower()
        if low not in _HEADS:
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and tokens[j + 1].group(0).lower() in _HEADS:
            j += 1  # a compound: "water meter reading"
        before = [t.group(0) for t in tokens[max(0, i - 3) : i]]
        mods = _modifiers(before)
        first = i - len(mods)
        lead = [t.group(0).lower() for t in tokens[max(0, first - 5) : first]]
        code = _CODE.match(text, tokens[j].end()) if tokens[j].group(0).lower() in _CODED else None
        if not (_DET & set(lead)) and not code and first > 0 and tokens[first - 1].group(0).isalpha():
            i = j + 1
            continue  # a bare noun in passing: only with a determiner or a reference
        prev = tokens[first - 1].group(0).lower() if first > 0 else ""
        if not code and (prev in _NOT_A_THING or prev == "your" or lead[-3:] == ["not", "even", "a"]):
            # "don't purchase", "no voucher", "not even a voucher": nothing of theirs; the customer's "your
            # website" is ours, so the reply cannot call it theirs
            i = j + 1
            continue
        words = [*mods, *(t.group(0).lower() for t in tokens[i : j + 1])]
        phrase = " ".join(words) + (" " + code.group(1) if code else "")
        found.append((tokens[i].start(), phrase, words[-1], code is not None))
        i = j + 1
    if found:
        coded = [f for f in found if f[3] and f[2] != "account"]
        pick = coded[0] if coded else found[0]
        if best is None or pick[0] < best[0] or pick[3]:
            best = (pick[0], pick[1], pick[2])
    if best is None:
        return "", ""
    phrase = re.sub(r"\btv\b", "TV", best[1].replace("wi-fi", "Wi-Fi").replace("wifi", "Wi-Fi"))
    return phrase, best[2]
