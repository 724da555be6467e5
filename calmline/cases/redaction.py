"""Redact personal data from text: emails, IBANs, payment cards and phone numbers.

>>> redact("Mail me at sam@example.com or call +44 20 7946 0958")
'Mail me at [email] or call [phone]'
>>> redact("Case CL-000123, order 5512345678, parcel 1Z999AA10123456784 (tracking 7489 2349 8221)")
'Case CL-000123, order 5512345678, parcel 1Z999AA10123456784 (tracking 7489 2349 8221)'

What is replaced, in this order:

1. emails -> ``[email]``;
2. IBANs (country code, check digits, 11-30 letters or digits, spaces allowed; the ISO 7064
   mod-97 checksum must hold) -> ``[iban]``;
3. payment card numbers (13-19 digits, single spaces or dashes allowed, Luhn-valid) -> ``[card]``;
   a reference that happens to pass these checks is redacted too: privacy wins;
4. phone numbers -> ``[phone]``: a phone-shaped span (digit groups with separators, or a run
   that starts with ``+``, ``00`` or a trunk ``0``) that the ``phonenumbers`` library reads as a
   possible number, in international form or in the default region's national form
   (:func:`configure`, ``CALMLINE_REDACT_REGION``; default ``GB``).

Left alone: case numbers (``CL-000123``), numbers introduced as a reference (``order``,
``parcel``, ``tracking``, ``invoice``, ``ticket``, ``ref``... with an optional ``no.``/``#``),
UPU (``RR123456785GB``) and UPS (``1Z...``) parcel ids, dates, times, IP addresses, amounts.
Every pattern is a regular expression without nested unbounded repetition: linear in the text.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from urllib.parse import unquote

import phonenumbers

__all__ = [
    "RedactingFilter",
    "configure",
    "external_ref",
    "iban_ok",
    "install_log_redaction",
    "luhn_ok",
    "redact",
    "redact_data",
]

_region = "GB"

# Starts only where a word starts (the lookbehind): scanning from inside a long run would be quadratic.
# The at sign may be percent-encoded (a pasted link: 'track?email=sam%40example.com') or full-width.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+(?:@|%40|\uff20)[\w-]+(?:\.[\w-]+)+")
# A space between digit groups: text pasted from web pages, emails and helpdesk HTML has no-break,
# narrow no-break, figure and thin spaces there (French numbers are written with them).
_SP = "[ \u00a0\u2007\u2009\u202f]"
# Country code, 2 check digits, then 11-30 letters/digits in groups (of 4, as printed) or in one run.
_IBAN = re.compile(
    rf"(?<![\w-])[A-Za-z]{{2}}\d{{2}}(?:{_SP}?[A-Za-z0-9]{{4}}){{2,7}}(?:{_SP}?[A-Za-z0-9]{{1,3}})?(?![\w-])"
)
# 13-19 digits, optionally separated by single spaces or dashes.
_CARD = re.compile(rf"(?<![\w-])(?:\d(?:{_SP}|-)?){{12,18}}\d(?![\w-])")
# References that look like numbers: case numbers, numbers after a reference word, parcel ids.
_REFERENCE = re.compile(
    r"\bCL-\d{1,12}\b"
    r"|\b[A-Z]{2}\d{9}[A-Z]{2}\b"  # UPU S10 (Royal Mail, La Poste, ...)
    r"|\b1Z[0-9A-Z]{16}\b"  # UPS
    r"|(?i:\b(?:order|parcel|package|tracking|shipment|consignment|waybill|invoice|reference|ref|ticket|case|booking"
    r"|confirmation|return|rma)s?(?:[ ]?(?:no\.?|nr\.?|number|num|id|code|#))?[ ]?[:#.]?[ ]?)"
    r"[A-Za-z]{0,4}\d[A-Za-z0-9]*(?:(?:-|[ ](?=\d))[A-Za-z0-9]+){0,6}",
)
# Phone-shaped: an optional + or (, then 1-6 digits, then up to 6 more groups after a separator. Not
# after a colon (a time, 10:30), unless a word ends there ('Tel:07700 900123', 'tel:+44...').
_PHONE = re.compile(
    rf"(?:(?<=[^\W\d_]:)|(?<![\w+:/.(-]))(?:\+|\()?\d{{1,14}}\)?"
    rf"(?:(?:{_SP}|[.-]|[ ]?-[ ]?)(?:\(\d{{1,5}}\)\d{{0,10}}|\d{{1,10}})){{0,6}}(?![\w:/-])"
)
_DATE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b|^\d{1,2}:\d{2}")
_IP = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_MASK = "\x00{}\x00"
_UNMASK = re.compile(r"\x00(\d+)\x00")


def configure(*, region: str) -> None:
    """Set the default region (ISO 3166 alpha-2) for phone numbers written without a country code."""
    global _region
    code = region.upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown phone region {region!r} (expected an ISO 3166 alpha-2 code such as GB, DE, US)")
    _region = code


def luhn_ok(digits: str) -> bool:
    """Whether ``digits`` passes the Luhn checksum used by payment cards."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_ok(candidate: str) -> bool:
    """Whether ``candidate`` (spaces allowed) is an IBAN: 15-34 characters and the mod-97 check holds."""
    s = re.sub(r"\s", "", candidate).upper()
    if not 15 <= len(s) <= 34 or not s[:2].isalpha() or not s[2:4].isdigit():
        return False
    rotated = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in rotated)) % 97 == 1


def _iban(m: re.Match[str]) -> str:
    return "[iban]" if iban_ok(m.group(0)) else m.group(0)


def _card(m: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", m.group(0))
    return "[card]" if 13 <= len(digits) <= 19 and luhn_ok(digits) else m.group(0)


def _is_phone(found: str, region: str) -> bool:
    found = re.sub(r"\s", " ", found)  # phonenumbers reads ASCII spaces only
    digits = re.sub(r"\D", "", found)
    separated = bool(re.search(r"[\s().-]", found.strip("+")))
    international = found.startswith("+") or digits.startswith("00")
    if not 9 <= len(digits) <= (17 if digits.startswith("00") else 15):
        return False
    if not separated and not international and not digits.startswith("0"):
        return False  # a bare run of digits (an order number, an amount) is not a phone number
    if _DATE.match(found) or _IP.match(found):
        return False
    try:
        if found.startswith("+"):
            number = phonenumbers.parse(found, None)
        elif digits.startswith("00"):
            number = phonenumbers.parse("+" + digits[2:], None)
        else:
            number = phonenumbers.parse(found, region)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_possible_number(number))


def redact(text: str, *, region: str | None = None) -> str:
    """``text`` with emails, IBANs, Luhn-valid card numbers and phone numbers replaced.

    They become ``[email]``, ``[iban]``, ``[card]`` and ``[phone]``; references stay (see the module).
    ``region``: the default phone region (else the configured one).
    """
    if not text:
        return text
    text = _EMAIL.sub("[email]", text.replace("\x00", "\ufffd"))
    text = _IBAN.sub(_iban, text)
    text = _CARD.sub(_card, text)
    kept: list[str] = []

    def keep(m: re.Match[str]) -> str:
        kept.append(m.group(0))
        return _MASK.format(len(kept) - 1)

    text = _REFERENCE.sub(keep, text)
    where = region or _region
    text = _PHONE.sub(lambda m: "[phone]" if _is_phone(m.group(0), where) else m.group(0), text)
    return _UNMASK.sub(lambda m: kept[int(m.group(1))], text) if kept else text


def redact_data(value: object) -> object:
    """A JSON-like value (dicts, lists, strings) with every string redacted; keys are kept."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_data(v) for v in value]
    return value


def external_ref(external_id: str, key: str | None, *, region: str | None = None) -> str:
    """A helpdesk conversation id as stored when redaction is on.

    Ids are matching keys: one that holds no personal data (``zendesk-4711``) is kept as it is;
    one that does (an email, a phone number) becomes ``h:`` and a keyed SHA-256 HMAC, so the next
    message with that id still finds its conversation while the id itself is never stored.
    """
    if redact(external_id, region=region) == external_id:
        return external_id
    digest = hmac.new((key or "calmline").encode(), external_id.encode("utf-8", "replace"), hashlib.sha256)
    return "h:" + digest.hexdigest()[:40]


def _log_text(value: str) -> str:
    """Log text redacted after percent-decoding (``sam%40example.com`` in a logged URL is an email)."""
    if "%" in value:
        value = unquote(value, errors="replace")
    return redact(value)


def _redact_arg(value: object) -> object:
    return _log_text(value) if isinstance(value, str) else value


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Redact a log record in place: its message and string arguments, traceback and stack."""
    if not getattr(record, "calmline_redacted", False):
        record.calmline_redacted = True
        if isinstance(record.msg, str) and not record.args:
            record.msg = _log_text(record.msg)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)  # a format string: decoding would break its % directives
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redact_arg(v) for k, v in record.args.items()}
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:  # a formatter uses exc_text rather than formatting the exception again
            record.exc_text = _log_text(record.exc_text)
        if record.stack_info:
            record.stack_info = _log_text(record.stack_info)
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
