"""Personal data out of log lines: e-mail addresses and phone numbers are masked wherever they appear.

Names cannot be recognised reliably, so ingress never logs field values, payloads or names at all;
this mask is the safety net for what slips into a message (a reason, an identity key). It knows
the forms that reach Japanese systems, not only ASCII ones:

* e-mail addresses with full-width characters (``ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ``), Japanese or other
  non-ASCII local parts (``山田太郎@example.jp``), internationalised domains (``taro@例え.jp``), quoted
  local parts (``"taro yamada"@example.jp``, also as JSON writes it: ``\\"taro yamada\\"@…``), and an
  address cut short before its domain (``taro.yamada@``);
* phone numbers written with hyphens, spaces, dots, parentheses or nothing between the digits, in
  ASCII or full-width (``03-1234-5678``, ``03.1234.5678``, ``03(1234)5678``, ``０３－１２３４－５６７８``,
  ``09012345678``), nationally (a leading 0) or internationally (``+81 3 1234 5678``, ``+1 (415) 555-0132``).

An address keeps its domain and the first character of its local part when that is an ASCII letter
or digit (``t***@sample-shoji.co.jp``); a number keeps its last four digits (``***-****-5678``).
"""

from __future__ import annotations

import re
import unicodedata

_LOCAL_CHAR = r"[^\s\"'<>()\[\]{},;:=@＠\\]"
_LOCAL = (
    r'(?P<quoted>\\?"[^"\r\n]{1,64}?\\?")'  # "taro yamada" (or \"taro yamada\" inside a JSON string)
    rf"|(?<!{_LOCAL_CHAR})(?P<plain>{_LOCAL_CHAR}+)"  # taro.yamada, 山田太郎, ｔａｒｏ: the whole run
)
_DOMAIN = r"(?P<domain>\[[^\]\s]{1,64}\]|[\w-]{1,63}(?:[.．。｡][\w-]{1,63}){0,10})?"
_EMAIL = re.compile(rf"(?:{_LOCAL})[@＠]{_DOMAIN}")

_SEPARATORS = " \t\u3000-‐‑‒–—―−－ー.．()（）・"
_ALNUM = "0-9A-Za-z_０-９Ａ-Ｚａ-ｚ"
_PHONE = re.compile(
    rf"(?<![{_ALNUM}.．/#+＋\-])"  # not inside an id, a decimal, a path, a key or another number
    r"(?P<start>[(（]?[+＋][(（]?\d|[(（]?[0０]\d)"  # +81…, (+81)…, 03…, (03)…
    rf"(?:[{re.escape(_SEPARATORS)}]{{0,3}}\d){{6,15}}(?![{_ALNUM}])"
)
_MIN_DIGITS_INTERNATIONAL = 8
"""The fewest digits of a number written with ``+`` and its country code."""
_MIN_DIGITS_NATIONAL = 10
"""The fewest digits of a Japanese number written nationally (``03-1234-5678``, ``0120-123-456``)."""


def mask_pii(text: str) -> str:
    """``taro.yamada@sample-shoji.co.jp`` → ``t***@sample-shoji.co.jp``; phone numbers → ``***-****-5678``."""
    if "@" in text or "＠" in text:
        text = _EMAIL.sub(_email, text)
    return _PHONE.sub(_phone, text)


def _email(match: re.Match[str]) -> str:
    local = match.group("plain") or match.group("quoted").replace("\\", "").strip('"')
    first = local[:1] if local[:1].isascii() and local[:1].isalnum() else ""
    return f"{first}***@{match.group('domain') or ''}"


def _phone(match: re.Match[str]) -> str:
    text = match.group()
    digits = "".join(str(unicodedata.decimal(char)) for char in text if char.isdecimal())
    international = unicodedata.normalize("NFKC", match.group("start")).lstrip("(").startswith("+")
    if len(digits) < (_MIN_DIGITS_INTERNATIONAL if international else _MIN_DIGITS_NATIONAL):
        return text
    return "***-****-" + digits[-4:]
