"""Text matching the ``keyword`` and ``regex`` operators share: keyword patterns, memoised text tests.

Keyword patterns run on RE2, as rule regexes do (``engine.regex_guard``): linear in the text, and
compiled in C++ — the 14 keyword lists of the shipped rules compile in under 1 ms, where Python's
``re`` took about 5 ms of every cold start.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import re2

from leadrelay.engine.regex_guard import CompiledRegex
from leadrelay.engine.values import fold

_CJK_RANGES = (
    ("\u3000", "\u30ff"),  # CJK punctuation, hiragana, katakana
    ("\u3400", "\u4dbf"),  # kanji: extension A
    ("\u4e00", "\u9fff"),  # kanji
    ("\uf900", "\ufaff"),  # kanji: compatibility forms
    ("\uac00", "\ud7af"),  # hangul
)
# A letter or digit of an alphabetic script (text is case-folded first). Japanese has no spaces,
# so kana and kanji do not count: "CTO" matches in "取締役CTO".
_WORD_CHARS = "0-9a-z_\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"
_WORD_CHAR = re.compile(f"[{_WORD_CHARS}]")
# RE2 has no lookaround: a word boundary is the text's edge or a character that is not a word
# character (a search only asks whether a keyword occurs, so consuming that character is harmless).
_NOT_AFTER_WORD = f"(?:^|[^{_WORD_CHARS}])"
_NOT_BEFORE_WORD = f"(?:[^{_WORD_CHARS}]|$)"


@lru_cache(maxsize=512)
def keyword_pattern(keywords: tuple[str, ...]) -> CompiledRegex:
    """One regex for a keyword list: whole words for Latin keywords, substrings for CJK ones.

    Keywords are grouped by which ends need a word boundary, so the pattern holds at most a
    few boundary classes however many keywords there are (cheap to compile at cold start).
    """
    groups: dict[tuple[bool, bool], list[str]] = {}
    for keyword in sorted({fold(word) for word in keywords}, key=len, reverse=True):
        edges = (False, False) if _has_cjk(keyword) else (_is_word(keyword[0]), _is_word(keyword[-1]))
        groups.setdefault(edges, []).append(re.escape(keyword))
    parts = [
        (_NOT_AFTER_WORD if before else "")
        + "(?:"
        + "|".join(words)
        + ")"
        + (_NOT_BEFORE_WORD if after else "")
        for (before, after), words in groups.items()
    ]
    pattern: CompiledRegex = re2.compile("|".join(parts))  # literals only: RE2 compiles any of them
    return pattern


def _has_cjk(keyword: str) -> bool:
    # Read when a pattern is built, never per text: a regex class this wide costs `re` 3 ms to compile.
    return any(low <= char <= high for char in keyword for low, high in _CJK_RANGES)


def _is_word(char: str) -> bool:
    return _WORD_CHAR.fullmatch(char) is not None


def memoised(test: Callable[[str], bool], limit: int = 4096) -> Callable[[str], bool]:
    """``test`` with its results remembered for the last few thousand texts.

    Titles, URLs and campaign names repeat across leads and across the rules of one rule set,
    so a text test (keyword, regex) usually costs one dict lookup. Pure: same text, same answer.
    """
    results: dict[str, bool] = {}

    def remembered(text: str) -> bool:
        known = results.get(text)
        if known is None:
            known = test(text)
            if len(results) >= limit:
                results.clear()
            results[text] = known
        return known

    return remembered
