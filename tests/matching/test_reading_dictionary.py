"""pykakasi's dictionary read per first character (``leadrelay.adapters.reading_dictionary``): the same
tables and the same readings as pykakasi loading it whole, and pykakasi's own loading when the shards
are missing or were built from another dictionary."""

from __future__ import annotations

import json
import logging
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from leadrelay.adapters.reading_dictionary import (
    PICKLE_NAME,
    ShardedKanwaTable,
    build_shards,
    install,
    pykakasi_data,
)

NAMES = [
    "山田太郎",
    "髙橋一郎",
    "渡邊 健",
    "齋藤さくら",
    "﨑山",
    "澤田",
    "佐々木 美咲",
    "長谷川",
    "株式会社サンプル商事",
    "㈱日本電気",
    "ヤマダ タロウ",
    "東京都千代田区丸の内",
]
READ = """
import json, sys
sys.path[:0] = {paths!r}
from leadrelay.domain.matching import readings
if {data!r}:
    from pathlib import Path
    from leadrelay.adapters import reading_dictionary
    readings.before_loading_dictionary(lambda: reading_dictionary.install(Path({data!r})))
names = {names!r}
print(json.dumps([[readings.hiragana(n), readings.romaji(n)] for n in names], ensure_ascii=False))
from pykakasi import kanji
print(type(kanji.Kanwa._shared_state["_jisyo_table"]).__name__)
"""


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of pykakasi's data directory with the shards built in it."""
    source = pykakasi_data()
    assert source is not None
    target = tmp_path_factory.mktemp("pykakasi-data")
    shutil.copy(source / PICKLE_NAME, target / PICKLE_NAME)
    build_shards(target)
    return target


def _read(data: Path | None) -> tuple[list[list[str]], str]:
    paths = [str(Path(__file__).resolve().parents[2] / "functions")]
    code = READ.format(paths=paths, data=str(data) if data else "", names=NAMES)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    readings, table = done.stdout.strip().splitlines()
    return json.loads(readings), table


def test_the_shards_hold_exactly_pykakasis_tables(data: Path) -> None:
    with (data / PICKLE_NAME).open("rb") as file:
        whole = pickle.load(file)  # noqa: S301 - pykakasi's own data file
    sharded = ShardedKanwaTable(data / "kanwadict4.shards")
    assert len(sharded) == len(whole)
    assert all(sharded.get(key) == table for key, table in whole.items())
    assert sharded.get(ord("a")) is None


def test_names_and_companies_read_the_same_through_the_shards_as_through_pykakasi_alone(data: Path) -> None:
    sharded, table = _read(data)
    whole, whole_table = _read(None)
    assert (table, whole_table) == ("ShardedKanwaTable", "dict")
    assert sharded == whole
    assert sharded[0] == ["やまだたろう", "yamadataro"]


def test_a_first_reading_loads_only_the_characters_it_needs(data: Path) -> None:
    table = ShardedKanwaTable(data / "kanwadict4.shards")
    for name in ("山田", "田中"):
        table.get(ord(name[0]))
    assert table.loaded() == 2 < len(table)


def test_without_the_shards_pykakasi_loads_its_own_dictionary_and_the_log_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shutil.copy(pykakasi_data() / PICKLE_NAME, tmp_path / PICKLE_NAME)  # type: ignore[operator]
    with caplog.at_level(logging.WARNING):
        assert install(tmp_path) is False
    assert "pykakasi loads its whole dictionary" in caplog.text


def test_shards_built_from_another_pykakasi_dictionary_are_refused(data: Path) -> None:
    other_size = (data / PICKLE_NAME).stat().st_size + 1
    with pytest.raises(ValueError, match="another pykakasi dictionary"):
        ShardedKanwaTable(data / "kanwadict4.shards", expected_source_size=other_size)
