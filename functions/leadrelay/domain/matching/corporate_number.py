"""法人番号 (corporate number): 13 digits, the first a check digit over the other twelve.

The National Tax Agency's formula (法人番号の指定等に関する省令 第二条): with Pn the n-th digit of the
12-digit base counted from its last digit and Qn = 1 for odd n, 2 for even n, the check digit is
9 - ((Σ Pn × Qn) mod 9), always 1–9. A valid number is a strong key: one number, one legal entity.
"""

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐‑–—ー]+")


def check_digit(base: str) -> int:
    """The check digit of a 12-digit base number (会社法人等番号)."""
    if len(base) != 12 or not base.isascii() or not base.isdigit():
        raise ValueError(f"a corporate number's base is 12 digits, got {base!r}")
    total = sum(
        int(digit) * (2 if position % 2 == 0 else 1) for position, digit in enumerate(reversed(base), start=1)
    )
    return 9 - total % 9


def normalise_corporate_number(value: str) -> str | None:
    """The 13 ASCII digits of a valid 法人番号 (full-width digits and separators allowed), else None."""
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit():
        return None
    return digits if int(digits[0]) == check_digit(digits[1:]) else None
