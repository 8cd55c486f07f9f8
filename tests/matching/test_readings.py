"""Readings: pykakasi's dictionary loads on the first name in kanji or kana, never for romaji alone."""

import subprocess
import sys

import pykakasi
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from leadrelay.domain.matching.readings import hiragana, needs_dictionary, romaji

from tests.tiers import examples

PRINTABLE_ASCII = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=24)


@settings(max_examples=examples(400))
@given(PRINTABLE_ASCII)
def test_pykakasi_reads_printable_ascii_as_itself(text: str) -> None:
    """What lets romaji names skip the dictionary: its readings of them are the text unchanged."""
    parts = pykakasi.Kakasi().convert(text)  # type: ignore[no-untyped-call]
    assert not needs_dictionary(text)
    assert "".join(part["hepburn"] for part in parts) == text
    assert "".join(part["hira"] for part in parts) == text


def test_kanji_kana_and_accented_names_need_the_dictionary_and_still_meet_their_romaji() -> None:
    assert all(needs_dictionary(name) for name in ("山田", "やまだ", "ヤマダ", "Müller", "a\tb"))
    assert romaji("山田 太郎") == romaji("やまだ たろう") == romaji("Yamada Taro") == "yamadataro"
    assert romaji("サンプル商事") == romaji("Sanpuru Shoji")
    assert hiragana("Taro 2") == "Taro 2"
    assert hiragana("ヤマダ") == "やまだ"


PROBE = """
import sys
from leadrelay.rulefiles.bundle import load_rule_bundle
from leadrelay.domain.matching.readings import dictionary_loaded
rules = load_rule_bundle("../rules").match
assert rules is not None
print(dictionary_loaded())
rules.record("Lead", {"FirstName": "Taro", "LastName": "Yamada", "Company": "Sample Shoji K.K."})
print(dictionary_loaded())
rules.record("Lead", {"LastName": "山田", "Company": "サンプル商事"})
print(dictionary_loaded())
"""


@pytest.mark.slow  # a fresh interpreter process
def test_the_dictionary_loads_on_the_first_japanese_name_not_when_the_rules_compile() -> None:
    loaded = subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, cwd="functions"
    ).stdout.split()
    assert loaded == ["False", "False", "True"]
