"""The log mask, as a property: every generated Japanese or international address and number is masked."""

from __future__ import annotations

import io
import json
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from leadrelay.handlers.webhook import handle
from leadrelay.ingress.masking import mask_pii

from tests.ingress.builders import FakeLambdaContext, api_event, generic_body, generic_headers
from tests.plugins.ingress import IngressAws

KANA_KANJI = st.sampled_from("山田太郎花子鈴木佐藤高橋渡辺伊藤さくらたろうはなこヤマダタロウサトウ")
ASCII_LOCAL = st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,18}[a-z0-9]", fullmatch=True)
JAPANESE_LOCAL = st.lists(st.text(KANA_KANJI, min_size=1, max_size=6), min_size=1, max_size=2).map(".".join)
QUOTED_LOCAL = st.from_regex(r"[a-z][a-z .@]{0,15}[a-z]", fullmatch=True).map(lambda text: f'"{text}"')
ASCII_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
IDN_LABEL = st.text(KANA_KANJI, min_size=1, max_size=5) | ASCII_LABEL.map(lambda label: f"xn--{label}")
TLD = st.sampled_from(["jp", "co.jp", "ne.jp", "com", "日本", "コム"])
CONTEXTS = [
    ("$.events[0].type: found '", "', which is not an activity type"),
    ("連絡先: ", " まで"),
    ("<", ">"),
]


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("ｔａｒｏ．ｙａｍａｄａ＠ｓａｍｐｌｅ－ｓｈｏｊｉ．ｃｏ．ｊｐ", "***@"),
        ("山田太郎@sample-shoji.co.jp", "***@sample-shoji.co.jp"),
        ("taro.yamada@サンプル商事.jp", "t***@サンプル商事.jp"),
        ('"taro yamada"@sample-shoji.co.jp', "t***@sample-shoji.co.jp"),
        ("０３－１２３４－５６７８", "***-****-5678"),
        ("03.1234.5678", "***-****-5678"),
        ("+81 90 1234 5678", "***-****-5678"),
    ],
)
def test_the_webhook_rejected_log_line_masks_what_the_caller_sent(
    ingress_aws: IngressAws, leadrelay_log: io.StringIO, value: str, kept: str
) -> None:
    body = generic_body(type=value)  # echoed in the reason: "found '…', which is not an activity type"
    response = handle(
        api_event("generic", body, generic_headers(body)), FakeLambdaContext(), ingress_aws.webhook_runtime()
    )  # type: ignore[arg-type]

    (line,) = [line for line in leadrelay_log.getvalue().splitlines() if "webhook rejected" in line]
    assert response["statusCode"] == 400
    assert value not in line
    assert json.dumps(value, ensure_ascii=False).strip('"') not in line
    assert f"found '{kept}" in json.loads(line)["reason"]


def full_width(text: str) -> str:
    """ASCII letters, digits and punctuation in full width (``ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ``)."""
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


@st.composite
def addresses(draw: st.DrawFn) -> tuple[str, str, str]:
    """``(address, local part, domain)``: ASCII, Japanese, quoted and full-width local parts; IDN domains."""
    local = draw(st.one_of(ASCII_LOCAL, JAPANESE_LOCAL, QUOTED_LOCAL))
    labels = draw(st.lists(ASCII_LABEL | IDN_LABEL, min_size=1, max_size=3))
    domain = ".".join([*labels, draw(TLD)])
    if not local.startswith('"') and draw(st.booleans()):
        local, domain = full_width(local), full_width(domain)
        return f"{local}＠{domain}", local, domain
    return f"{local}@{domain}", local, domain


def _split(digits: str, sizes: list[int]) -> list[str]:
    groups, start = [], 0
    for size in sizes:
        groups.append(digits[start : start + size])
        start += size
    return groups


@st.composite
def japanese_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """``(number as written, its digits)``: 03-1234-5678, 090 1234 5678, 03.1234.5678, 03(1234)5678 …"""
    area = draw(st.sampled_from(["3", "6", "45", "90", "80", "70", "50", "120", "466", "3"]))
    rest = 10 - 1 - len(area) if area not in {"90", "80", "70", "50"} else 11 - 1 - len(area)
    local = draw(st.from_regex(rf"[1-9][0-9]{{{rest - 1}}}", fullmatch=True))
    digits = "0" + area + local
    first, middle, last = _split(digits, [1 + len(area), len(local) - 4, 4])
    style = draw(st.sampled_from(["-", " ", ".", "", "()"]))
    written = f"{first}({middle}){last}" if style == "()" else style.join([first, middle, last])
    return (full_width(written).replace("\uff0d", "－") if draw(st.booleans()) else written), digits


@st.composite
def international_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """``(number as written, its digits)``: +81 3 1234 5678, +1 (415) 555-0132, +44-20-7946-0958 …"""
    country = draw(st.from_regex(r"[1-9][0-9]{0,2}", fullmatch=True))
    national = draw(st.from_regex(r"[1-9][0-9]{6,10}", fullmatch=True))
    cut = draw(st.integers(min_value=1, max_value=3))
    area, subscriber = national[:cut], national[cut:]
    separator = draw(st.sampled_from([" ", "-", "."]))
    parts = [
        f"+{country}",
        f"({area})" if draw(st.booleans()) else area,
        *_split(subscriber, [3, len(subscriber) - 3]),
    ]
    return separator.join(part for part in parts if part), country + national


def _masked_middle(text: str, context: tuple[str, str]) -> str:
    prefix, suffix = context
    masked = mask_pii(prefix + text + suffix)
    assert masked.startswith(prefix), masked
    assert masked.endswith(suffix), masked
    return masked[len(prefix) : len(masked) - len(suffix)]


@given(address=addresses(), context=st.sampled_from(CONTEXTS))
def test_every_generated_address_keeps_only_its_domain_and_an_ascii_initial(
    address: tuple[str, str, str], context: tuple[str, str]
) -> None:
    text, local, domain = address

    middle = _masked_middle(text, context)

    assert local.strip('"') not in middle.removesuffix(domain)
    assert middle.endswith(f"***@{domain}")


@given(address=addresses())
def test_addresses_are_masked_inside_a_json_log_line_too(address: tuple[str, str, str]) -> None:
    text, local, domain = address
    line = json.dumps({"message": "webhook rejected", "reason": f"found {text!r}"}, ensure_ascii=False)

    reason = json.loads(mask_pii(line))["reason"]

    masked = reason.removeprefix("found ").removesuffix(f"{domain}'")  # a local part "ou" is in "found"
    assert local.strip('"') not in masked


@given(number=japanese_numbers() | international_numbers(), context=st.sampled_from(CONTEXTS))
def test_every_generated_phone_number_keeps_only_its_last_four_digits(
    number: tuple[str, str], context: tuple[str, str]
) -> None:
    written, digits = number

    middle = _masked_middle(written, context)

    assert written not in middle
    assert re.sub(r"\D", "", unicodedata.normalize("NFKC", middle)) == digits[-4:]


def test_an_address_with_a_local_part_of_thousands_of_characters_is_masked_whole() -> None:
    assert mask_pii("t" * 3000 + "@sample-shoji.co.jp は長すぎます") == "t***@sample-shoji.co.jp は長すぎます"


def test_ids_times_and_sizes_in_log_lines_are_left_alone() -> None:
    line = (
        '{"timestamp":"2026-11-21 05:17:00,123+0000","lead":"00Q5f00000AbCdEEAV",'
        '"key":"hubspot:62515:1:1746:1246965","request":"52fdfc07-2182-154f-163f-5f0f9a621d72",'
        '"message":"body is 10485774 bytes; the limit is 1048576","took":0.000123456789,"ip":"54.174.31.10"}'
    )

    assert mask_pii(line) == line
