"""`leadrelay dedup`: an export's duplicates as pairs and clusters; bad rows named and skipped."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from leadrelay_tools.cli.main import main

RULES = Path(__file__).resolve().parents[2] / "rules"
HEADER = "Id,LastName,FirstName,Company,Email,Phone\n"
YAMADA = "00Q1,山田,太郎,株式会社サンプル商事,taro.yamada@sample-shoji.co.jp,03-1234-5678\n"
YAMADA_CARD = "00Q2,ヤマダ,タロウ,㈱サンプル商事,Taro.Yamada@sample-shoji.co.jp,0312345678\n"
SATO = "00Q3,佐藤,花子,株式会社みらい製作所,hanako.sato@mirai-seisakusho.co.jp,\n"


def dedup(
    tmp_path: Path, source: Path, capsys: pytest.CaptureFixture[str], *options: str
) -> tuple[int, list[list[str]], str]:
    pairs, clusters = tmp_path / "pairs.csv", tmp_path / "clusters.csv"
    argv = [
        "dedup",
        "--input",
        str(source),
        "--output",
        str(pairs),
        "--clusters",
        str(clusters),
        "--rules",
        str(RULES),
        "--workers",  # one process: these tests specify what is found (the worker test compares 1 and 2)
        "1",
        *options,
    ]
    code = main(argv)
    captured = capsys.readouterr()
    rows = list(csv.reader(pairs.open(encoding="utf-8"))) if pairs.exists() else []
    return code, rows, captured.out + captured.err


def test_a_business_card_and_a_form_of_one_person_are_one_match_and_one_cluster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "leads.csv"
    source.write_bytes(("\ufeff" + HEADER + YAMADA + YAMADA_CARD + SATO).encode("utf-8"))

    code, rows, out = dedup(tmp_path, source, capsys)

    assert code == 0
    assert rows[0] == ["id_a", "id_b", "score", "outcome", "reasons"]
    assert [[*row[:2], row[3]] for row in rows[1:]] == [["00Q1", "00Q2", "match"]]
    assert list(csv.reader((tmp_path / "clusters.csv").open(encoding="utf-8"))) == [
        ["cluster", "id"],
        ["1", "00Q1"],
        ["1", "00Q2"],
    ]
    assert "3 records read (UTF-8), 0 rows skipped; 1 matches" in out


def test_a_shift_jis_export_is_detected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "leads.csv"
    source.write_bytes((HEADER + YAMADA + YAMADA_CARD.replace("㈱", "(株)")).encode("cp932"))

    code, rows, out = dedup(tmp_path, source, capsys)

    assert code == 0
    assert len(rows) == 2
    assert "records read (CP932)" in out


def test_a_bad_row_is_named_and_skipped_and_the_run_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "leads.jsonl"
    good = [
        dict(zip(HEADER.strip().split(","), line.strip().split(","), strict=True))
        for line in (YAMADA, YAMADA_CARD)
    ]
    lines = [
        json.dumps(good[0], ensure_ascii=False),
        '{"Id": "00Q9", "LastName": ',
        json.dumps(good[1], ensure_ascii=False),
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")

    code, rows, out = dedup(tmp_path, source, capsys)

    assert code == 0
    assert "skipped row 2: not JSON" in out
    assert "2 records read (UTF-8), 1 rows skipped; 1 matches" in out
    assert len(rows) == 2


def test_a_row_with_more_values_than_the_header_is_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(
        HEADER + YAMADA + "00Q8,壊れた,行,株式会社,a@b.jp,03,余分\n" + YAMADA_CARD, encoding="utf-8"
    )

    code, _, out = dedup(tmp_path, source, capsys)

    assert code == 0
    assert "skipped row 3: more values than the header has columns" in out


def test_a_missing_input_is_one_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, out = dedup(tmp_path, tmp_path / "nowhere.csv", capsys)

    assert code == 2
    assert out.strip() == f"leadrelay dedup: {tmp_path / 'nowhere.csv'}: no such file"


def test_more_records_than_one_run_holds_is_one_sentence_naming_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(HEADER + YAMADA + YAMADA_CARD + SATO, encoding="utf-8")

    code, _, out = dedup(tmp_path, source, capsys, "--max-records", "2")

    assert code == 2
    assert out.count("\n") == 1
    assert "Traceback" not in out
    assert out.startswith(
        "leadrelay dedup: more than 2 records: one run compares at most 2 (--max-records, at most"
    )
    assert "8,388,608" in out
    assert "split the input" in out


def test_max_records_past_what_the_index_can_number_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(HEADER + YAMADA, encoding="utf-8")

    code, _, out = dedup(tmp_path, source, capsys, "--max-records", "8388609")

    assert (code, out.strip()) == (2, "leadrelay dedup: --max-records is 1 to 8,388,608")


@pytest.mark.slow  # volume: several worker processes / a thousand records
def test_one_worker_and_two_workers_write_the_same_pairs_and_clusters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench.dedup.synth import generate

    leads = generate(2_500, seed=5).records
    source = tmp_path / "leads.csv"
    with source.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(
            out, ["Id", "LastName", "FirstName", "Company", "Email", "Phone", "PostalCode"]
        )
        writer.writeheader()
        writer.writerows({key: lead[key] for key in writer.fieldnames} for lead in leads)
    written = []
    for workers in ("1", "2"):
        pairs, clusters = tmp_path / f"pairs{workers}.csv", tmp_path / f"clusters{workers}.csv"
        argv = ["dedup", "--input", str(source), "--output", str(pairs), "--clusters", str(clusters)]
        assert main([*argv, "--rules", str(RULES), "--workers", workers]) == 0
        written.append((pairs.read_text(encoding="utf-8"), clusters.read_text(encoding="utf-8")))

    assert written[0] == written[1]
    assert written[0][0].count("\n") > 100
    assert "2,500 records read (UTF-8), 0 rows skipped" in capsys.readouterr().out


def test_the_encoding_can_be_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "leads.csv"
    source.write_bytes((HEADER + YAMADA + YAMADA_CARD.replace("㈱", "(株)")).encode("shift_jis"))
    pairs = tmp_path / "pairs.csv"

    code = main(
        [
            "dedup",
            "--input",
            str(source),
            "--output",
            str(pairs),
            "--rules",
            str(RULES),
            "--encoding",
            "shift_jis",
        ]
    )

    assert code == 0
    assert "2 records read (shift_jis)" in capsys.readouterr().out


def test_an_unknown_encoding_is_one_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(HEADER + YAMADA, encoding="utf-8")

    code = main(
        ["dedup", "--input", str(source), "--output", str(tmp_path / "p.csv"), "--encoding", "klingon"]
    )

    assert code == 2
    assert (
        capsys.readouterr().err.strip()
        == f"leadrelay dedup: {source}: unknown encoding (unknown encoding: klingon)"
    )


def test_a_value_over_a_mebibyte_is_a_broken_row_named_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(
        HEADER + YAMADA + f'00Q7,長い,値,"{"株" * 1_100_000}",x@y.jp,\n' + YAMADA_CARD, encoding="utf-8"
    )

    code, _, out = dedup(tmp_path, source, capsys)

    assert code == 0
    assert "skipped row 3: broken CSV (field larger than field limit" in out
    assert "2 records read (UTF-8), 1 rows skipped; 1 matches" in out
