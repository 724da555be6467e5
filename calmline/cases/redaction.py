"""Redact emails, phone numbers and card numbers (Luhn-checked) from text.

>>> redact("Mail me at sam@example.com or call +44 20 7946 0958")
'Mail me at [email] or call [phone]'
"""

from __future__ import annotations

import logging
import re

__all__ = ["RedactingFilter", "install_log_redaction", "luhn_ok", "redact"]

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 13-19 digits, optionally separated by single spaces or dashes.
_CARD = re.compile(r"(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])")
# Phone-shaped numbers only: international (a leading +) or digit groups with separators, e.g.
# "+44 20 7946 0958", "(415) 555-0123", "020 7946 0958"; 10-15 digits. A plain run of digits (an order
# number) is not a phone number, and neither is a date or a time ("2026-01-01 10:00").
_PHONE = re.compile(r"(?<![\w+:/.(-])(?:\+\d[\d().\s-]{7,20}\d|\(?\d{2,5}\)?(?:[ .-]\(?\d{2,5}\)?){1,5})(?![\w:/-])")
_DATE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b")
_IP = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")


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
    found = m.group(0)
    digits = re.sub(r"\D", "", found)
    if not 10 <= len(digits) <= 15 or (not found.startswith("+") and (_DATE.match(found) or _IP.match(found))):
        return found
    return "[phone]"


def redact(text: str) -> str:
    """``text`` with emails, Luhn-valid card numbers and phone numbers replaced.

    They become ``[email]``, ``[card]`` and ``[phone]``.
    """
    text = _EMAIL.sub("[email]", text)
    text = _CARD.sub(_card, text)
    return _PHONE.sub(_phone, text)


def _redact_arg(value: object) -> object:
    return redact(value) if isinstance(value, str) else value


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Redact a log record in place: its message and string arguments, traceback and stack."""
    if not getattr(record, "calmline_redacted", False):
        record.calmline_redacted = True
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redact_arg(v) for k, v in record.args.items()}
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:  # a formatter uses exc_text rather than formatting the exception again
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
    return record


class RedactingFilter(logging.Filter):
    """A logging filter (for a handler or a logger) that redacts each record and its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


_installed = False


def install_log_redaction() -> None:
    """Redact every log record this process creates (installed when ``CALMLINE_REDACT=1``).

    Done where records are made (the log record factory), so records of child loggers
    (``calmline.service``...) and of any handler or formatter, set up before or after, are
    covered, tracebacks included. Idempotent.
    """
    global _installed
    if _installed:
        return
    _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        return redact_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
