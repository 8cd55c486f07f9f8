"""E-mail addresses: one comparable form, the role-mailbox flag, and the company's web domain.

Lower case, ``+tag`` removed, dots folded only where the provider ignores them (Gmail). A role
mailbox (info@, sales@, eigyo@ …) is shared by many people: weak evidence. A free-mail or carrier
domain (gmail.com, yahoo.co.jp, docomo.ne.jp …) says nothing about the company.
"""

import unicodedata

from msgspec import Struct

from leadrelay.domain.matching import Strength

_DOT_BLIND = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
ROLE_MAILBOXES = frozenset(
    [
        "info",
        "admin",
        "contact",
        "contactus",
        "support",
        "help",
        "sales",
        "eigyo",
        "eigyou",
        "marketing",
        "pr",
        "press",
        "koho",
        "kouhou",
        "office",
        "webmaster",
        "postmaster",
        "hostmaster",
        "noreply",
        "no-reply",
        "donotreply",
        "inquiry",
        "inquiries",
        "toiawase",
        "otoiawase",
        "soumu",
        "somu",
        "jinji",
        "saiyo",
        "saiyou",
        "recruit",
        "hr",
        "keiri",
        "accounting",
        "billing",
        "service",
        "customer",
        "desk",
        "team",
        "hello",
        "mail",
        "general",
        "daihyo",
        "daihyou",
    ]
)
FREE_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.co.jp",
        "ymail.ne.jp",
        "yahoo.ne.jp",
        "yahoo.com",
        "hotmail.com",
        "hotmail.co.jp",
        "outlook.com",
        "outlook.jp",
        "live.jp",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "docomo.ne.jp",
        "ezweb.ne.jp",
        "au.com",
        "softbank.ne.jp",
        "i.softbank.jp",
        "disney.ne.jp",
        "ybb.ne.jp",
        "nifty.com",
        "biglobe.ne.jp",
        "ocn.ne.jp",
        "so-net.ne.jp",
        "excite.co.jp",
        "goo.jp",
        "infoseek.jp",
        "livedoor.com",
        "mail.com",
        "gmx.com",
        "yandex.com",
        "zoho.com",
        "willcom.com",
        "emnet.ne.jp",
    ]
)
# Second-level labels under which a country code registers names (sample.co.jp, sample.co.uk).
_SECOND_LEVEL = frozenset(
    ["co", "or", "ne", "ac", "go", "ed", "gr", "lg", "ad", "com", "net", "org", "gov", "edu"]
)


class EmailKey(Struct, frozen=True):
    """A normalised address and what it says about the person and the company."""

    address: str
    domain: str
    role_mailbox: bool
    free_mail: bool
    company_domain: str | None

    @property
    def strength(self) -> Strength:
        """Strong for a personal mailbox, weak for a role mailbox."""
        return Strength.WEAK if self.role_mailbox else Strength.STRONG


def registrable_domain(domain: str) -> str:
    """The organisation's domain: ``tokyo.sample.co.jp`` → ``sample.co.jp``."""
    labels = domain.split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def normalise_email(value: str) -> EmailKey | None:
    """The comparable form of an address, or None when ``value`` is not one (no key, no evidence)."""
    text = unicodedata.normalize("NFKC", value).strip().strip("<>").lower()
    local, at, domain = text.rpartition("@")
    domain = domain.rstrip(".")
    if not at or not local or "." not in domain or " " in text:
        return None
    local = local.split("+", 1)[0]
    if domain in _DOT_BLIND:
        domain = _DOT_BLIND[domain]
        local = local.replace(".", "")
    if not local:
        return None
    free = domain in FREE_MAIL_DOMAINS
    return EmailKey(
        address=f"{local}@{domain}",
        domain=domain,
        role_mailbox=local in ROLE_MAILBOXES,
        free_mail=free,
        company_domain=None if free else registrable_domain(domain),
    )
