"""Masking personal data (e-mail addresses, phone numbers) in text that goes to logs.

Salesforce error messages can quote the values they reject (``invalid email address: …``), and
identity keys carry e-mail addresses, so everything the processor logs passes through here.
"""

from __future__ import annotations

import logging
import re

_EMAIL = re.compile(r"([A-Za-z0-9._%+\-]{1,64})@([A-Za-z0-9.\-]+\.[A-Za-z]{2,})")
_PHONE = re.compile(r"(?<![\w-])\+?\d[\d\- ()]{7,}\d(?![\w-])")


def mask_email(match: re.Match[str]) -> str:
    """``taro.yamada@sample-shoji.co.jp`` → ``t***@sample-shoji.co.jp`` (the domain helps triage)."""
    return f"{match.group(1)[0]}***@{match.group(2)}"


def mask_pii(text: str) -> str:
    """``text`` with e-mail local parts and phone numbers masked."""
    return _PHONE.sub("***-****-****", _EMAIL.sub(mask_email, text))


class PiiMaskingFilter(logging.Filter):
    """A logging filter that masks e-mail addresses and phone numbers in every record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace the record's message with its masked rendering (arguments folded in)."""
        if isinstance(record.msg, str):
            record.msg = mask_pii(record.getMessage())
            record.args = None
        return True
