"""Redact emails, phone numbers and card numbers (Luhn-checked) from text.

>>> redact("Mail me at sam@example.com or call +44 20 7946 0958")
'Mail me at [email] or call [phone]'
"""

from __future__ import annotations

import logging
import re

__all__ = ["RedactingFilter", "luhn_ok", "redact"]

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 13-19 digits, optionally separated by single spaces or dashes.
_CARD = re.compile(r"(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])")
# International or national phone numbers: 9-15 digits with common separators.
_PHONE = re.compile(r"(?<![\w])(?:\+|00)?\(?\d[\d\s().-]{7,18}\d(?![\w])")


def luhn_ok(digits: str) -> bool:
    """Whether ``digits`` passes the Luhn checksum used by payment cards."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card(m: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", m.group(0))
    # Only Luhn-valid numbers are cards; other long numbers (orders) are left for the phone rule.
    return "[card]" if 13 <= len(digits) <= 19 and luhn_ok(digits) else m.group(0)


def _phone(m: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", m.group(0))
    return "[phone]" if 9 <= len(digits) <= 15 else m.group(0)


def redact(text: str) -> str:
    """``text`` with emails, Luhn-valid card numbers and phone numbers replaced.

    They become ``[email]``, ``[card]`` and ``[phone]``.
    """
    text = _EMAIL.sub("[email]", text)
    text = _CARD.sub(_card, text)
    return _PHONE.sub(_phone, text)


class RedactingFilter(logging.Filter):
    """A logging filter that redacts each record's message (installed when ``CALMLINE_REDACT=1``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True
