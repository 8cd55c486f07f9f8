"""Phone numbers: E.164 with Japan as the default region, extension stripped, switchboards flagged.

A switchboard (代表) reaches a whole company, so it is weak evidence for a person. We call a number
a switchboard when the text says so (代表, main), when the caller says so, when it is toll-free
(0120, 0800) or nationwide (0570), or when a fixed line ends in 0000 (03-1234-0000: the numbers
companies reserve for their main line). Mobiles and other direct lines are medium.

phonenumbers (58 modules, about 10 ms to import) is loaded with the first number normalised, not with
this module: a processor whose first batch holds only activities of known people never needs it
(docs/cold-start.md).
"""

import re
import unicodedata

from msgspec import Struct

from leadrelay.domain.matching import Strength

_EXTENSION = re.compile(r"(?:内線|\(内\)|ext\.?|extension|x|#)\s*[:.]?\s*(\d+)\s*$", re.IGNORECASE)
_SWITCHBOARD_WORDS = re.compile(r"代表|main|switchboard", re.IGNORECASE)


class PhoneKey(Struct, frozen=True):
    """A number in E.164, its stripped extension, and whether it is a switchboard."""

    e164: str
    extension: str | None
    mobile: bool
    switchboard: bool

    @property
    def strength(self) -> Strength:
        """Weak for a switchboard, medium otherwise (a line can be shared or handed on)."""
        return Strength.WEAK if self.switchboard else Strength.MEDIUM


def normalise_phone(value: str, *, region: str = "JP", switchboard: bool = False) -> PhoneKey | None:
    """The E.164 form of ``value`` (``03-1234-5678 内線123`` → ``+81312345678``), or None if not a number."""
    import phonenumbers
    from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

    text = unicodedata.normalize("NFKC", value).strip()
    said_switchboard = bool(_SWITCHBOARD_WORDS.search(text))
    text = _SWITCHBOARD_WORDS.sub("", text)
    extension = None
    found = _EXTENSION.search(text)
    if found:
        extension = found.group(1)
        text = text[: found.start()]
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    kind = phonenumbers.number_type(number)
    national = str(number.national_number)
    fixed = kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
    return PhoneKey(
        e164=phonenumbers.format_number(number, PhoneNumberFormat.E164),
        extension=extension or (str(number.extension) if number.extension else None),
        mobile=kind == PhoneNumberType.MOBILE,
        switchboard=switchboard
        or said_switchboard
        or kind in (PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST, PhoneNumberType.UAN)
        or (fixed and national.endswith("0000")),
    )
