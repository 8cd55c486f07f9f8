"""Personal data out of log lines: e-mail addresses and phone numbers are masked wherever they appear.

Names cannot be recognised reliably, so ingress never logs field values, payloads or names at all;
this mask is the safety net for what slips into a message (a reason, an identity key).
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_PHONE = re.compile(
    # 03-1234-5678, +81 3 1234 5678
    r"(?<![\w:#.])(?:\+\d{1,3}[- ]?)?\(?0?\d{1,4}\)?[- ]\d{1,4}[- ]\d{3,4}(?![\w])"
    r"|(?<![\w:#.])(?:\+\d{2}|0)\d{9,10}(?!\w)"  # 09012345678, +819012345678
)


def mask_pii(text: str) -> str:
    """``taro.yamada@sample-shoji.co.jp`` → ``t***@sample-shoji.co.jp``; phone numbers → ``***-****-5678``."""
    text = _EMAIL.sub(r"\1***@\2", text)
    return _PHONE.sub(lambda match: "***-****-" + re.sub(r"\D", "", match.group())[-4:], text)
