"""``python -m bench.matching``: normalisations/s for synthetic person and company names.

Builds N names of each kind (default 20,000) from pools of real family names, given names, company
stems and legal forms, written in kanji, kana, half-width kana or romaji, in either order. Prints,
never asserts: the import time of the matching package, normalisations/s with every cache cleared
(the first sight of each name: what a batch of new records costs) and with warm caches (names
repeat), and a reference measured in the same run: plain NFKC + lower on the same strings.
"""

from __future__ import annotations

import argparse
import random
import time
import unicodedata
from collections.abc import Callable, Sequence

_started = time.perf_counter()
from leadrelay.domain.matching import company, person, readings, text  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - _started

FAMILIES = [
    ("山田", "ヤマダ", "Yamada"),
    ("髙橋", "タカハシ", "Takahashi"),
    ("佐藤", "サトウ", "Sato"),
    ("鈴木", "スズキ", "Suzuki"),
    ("渡邊", "ワタナベ", "Watanabe"),
    ("齋藤", "サイトウ", "Saito"),
    ("山﨑", "ヤマザキ", "Yamazaki"),
    ("中村", "ナカムラ", "Nakamura"),
    ("小林", "コバヤシ", "Kobayashi"),
]
GIVENS = [
    ("太郎", "タロウ", "Taro"),
    ("花子", "ハナコ", "Hanako"),
    ("一郎", "イチロウ", "Ichiro"),
    ("美咲", "ミサキ", "Misaki"),
    ("健", "ケン", "Ken"),
    ("翔太", "ショウタ", "Shota"),
    ("愛", "アイ", "Ai"),
]
STEMS = [
    ("サンプル商事", "ｻﾝﾌﾟﾙｼｮｳｼﾞ", "Sample Shoji"),
    ("東京製作所", "ﾄｳｷｮｳｾｲｻｸｼｮ", "Tokyo Seisakusho"),
    ("未来技研", "ﾐﾗｲｷﾞｹﾝ", "Mirai Giken"),
    ("日本物流", "ﾆﾎﾝﾌﾞﾂﾘｭｳ", "Nihon Butsuryu"),
]
JP_FORMS = ["株式会社{}", "{}株式会社", "㈱{}", "{}(株)", "有限会社{}", "ｶ){}", "{}"]
EN_FORMS = ["{} K.K.", "{} Co., Ltd.", "{} Inc.", "The {} Corp.", "{}"]


def person_names(count: int, rng: random.Random) -> list[str]:
    """``count`` person names in mixed scripts, orders and spacing; about a fifth distinct."""
    out = []
    for _ in range(count):
        family, given, script = rng.choice(FAMILIES), rng.choice(GIVENS), rng.randrange(3)
        suffix = str(rng.randrange(60)) if script == 2 else ""
        separator = rng.choice([" ", "\u3000", ""]) if script < 2 else " "
        first, second = (
            (family[script], given[script]) if rng.random() < 0.7 else (given[script], family[script])
        )
        out.append(f"{first}{separator}{second}{suffix}")
    return out


def company_names(count: int, rng: random.Random) -> list[str]:
    """``count`` company names with a Japanese or English legal form; a branch number keeps many distinct."""
    out = []
    for _ in range(count):
        stem, script = rng.choice(STEMS), rng.randrange(3)
        branch = str(rng.randrange(400))
        form = rng.choice(EN_FORMS if script == 2 else JP_FORMS)
        out.append(form.format(f"{stem[script]}{branch}"))
    return out


def clear_caches() -> None:
    """Forget every cached reading and key, as a fresh process would."""
    for cached in (
        text.fold,
        readings.hiragana,
        readings.romaji,
        person.normalise_person,
        company.normalise_company,
    ):
        cached.cache_clear()


def rate(function: Callable[[str], object], values: list[str]) -> float:
    """Calls per second of ``function`` over ``values``."""
    started = time.perf_counter()
    for value in values:
        function(value)
    return len(values) / (time.perf_counter() - started)


def reference(value: str) -> str:
    """Plain NFKC + lower: the floor any normaliser pays."""
    return unicodedata.normalize("NFKC", value).lower()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.matching", description=__doc__)
    parser.add_argument("--count", type=int, default=20_000, help="names of each kind (default 20,000)")
    args = parser.parse_args(argv)
    rng = random.Random(12)
    kinds = {
        "person": (person.normalise_person, person_names(args.count, rng)),
        "company": (company.normalise_company, company_names(args.count, rng)),
    }
    print(f"import leadrelay.domain.matching: {IMPORT_SECONDS * 1000:.0f} ms")
    started = time.perf_counter()
    readings.romaji("準備")  # builds pykakasi's converter: once per process, outside the timings
    print(f"first reading (pykakasi converter built): {(time.perf_counter() - started) * 1000:.0f} ms")
    for kind, (normalise, values) in kinds.items():
        clear_caches()
        cold = rate(normalise, values)
        warm = rate(normalise, values)
        floor = rate(reference, values)
        print(
            f"{kind}: {len(values):,} names ({len(set(values)):,} distinct): cold {cold:,.0f}/s "
            f"({1e6 / cold:.0f} µs each), warm {warm:,.0f}/s; reference NFKC+lower {floor:,.0f}/s "
            f"(cold is {floor / cold:.0f}x the reference)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
