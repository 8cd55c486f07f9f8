"""The artifact's bytecode in one archive (cold start, issue 15): modules import from it as from their .pyc.

Each behaviour runs in a fresh interpreter: installing the archive changes ``sys.meta_path``.
"""

from __future__ import annotations

import compileall
import json
import subprocess
import sys
from pathlib import Path

import pytest
from leadrelay import bytecode_archive
from leadrelay.bytecode_archive import ARCHIVE_NAME, main, write_archive

ARCHIVER = Path(bytecode_archive.__file__)
CART = '''"""名寄せ済みの商談カート."""
TOTAL = 3


def checkout():
    raise ValueError("カートが空です")
'''


def site(root: Path) -> Path:
    """A small artifact: a package with a module and a data file, a top-level module."""
    (root / "shop" / "data").mkdir(parents=True)
    (root / "shop" / "__init__.py").write_text('NAME = "株式会社サンプル"\n', encoding="utf-8")
    (root / "shop" / "cart.py").write_text(CART, encoding="utf-8")
    (root / "shop" / "prices.json").write_text('{"plan": 100}', encoding="utf-8")
    (root / "shop" / "data" / "__init__.py").write_text("", encoding="utf-8")
    (root / "helpers.py").write_text("VALUE = 42\n", encoding="utf-8")
    compileall.compile_dir(
        root, quiet=1, invalidation_mode=compileall.py_compile.PycInvalidationMode.UNCHECKED_HASH
    )
    return root


def in_fresh_interpreter(artifact: Path, code: str) -> dict[str, object]:
    """Run ``code`` with ``artifact`` first on ``sys.path`` and its archive installed; its JSON answer."""
    program = (
        "import json, sys\n"
        f"sys.path[:0] = [{str(artifact)!r}, {str(ARCHIVER.parent.parent)!r}]\n"
        "from pathlib import Path\n"
        "from leadrelay.bytecode_archive import install, ArchiveLoader\n"
        f"finder = install(Path({str(artifact / ARCHIVE_NAME)!r}))\n"
        f"{code}\n"
    )
    command = [sys.executable, "-I", "-B", "-c", program]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - fixed code
    assert done.returncode == 0, done.stderr[-2000:]
    answer: dict[str, object] = json.loads(done.stdout)
    return answer


def built_and_run(tmp_path: Path, code: str) -> tuple[Path, dict[str, object]]:
    """The small artifact built as the build builds it (its ``.pyc`` moved into the archive), and the
    answer of ``code`` run in it."""
    artifact = site(tmp_path)
    main([str(artifact), "--move"])
    return artifact, in_fresh_interpreter(artifact, code)


def test_a_package_and_its_module_import_from_the_archive_with_their_shipped_files(tmp_path: Path) -> None:
    artifact, answer = built_and_run(
        tmp_path,
        "import shop.cart\n"
        "print(json.dumps({'loader': type(shop.cart.__loader__).__name__, 'file': shop.cart.__file__,\n"
        "  'path': shop.__path__, 'name': shop.NAME, 'total': shop.cart.TOTAL}))",
    )

    assert not list(artifact.rglob("*.pyc"))
    assert answer == {
        "loader": "ArchiveLoader",
        "file": str(artifact / "shop" / "cart.py"),
        "path": [str(artifact / "shop")],
        "name": "株式会社サンプル",
        "total": 3,
    }


def test_a_packages_data_files_are_read_from_its_directory(tmp_path: Path) -> None:
    _, answer = built_and_run(
        tmp_path,
        "import importlib.resources, pkgutil, shop\n"
        "prices = importlib.resources.files('shop').joinpath('prices.json')\n"
        "print(json.dumps({'resources': prices.read_text(),\n"
        "  'pkgutil': pkgutil.get_data('shop', 'prices.json').decode()}))",
    )

    assert answer == {"resources": '{"plan": 100}', "pkgutil": '{"plan": 100}'}


def test_a_traceback_through_archived_code_names_the_shipped_source_and_shows_its_line(
    tmp_path: Path,
) -> None:
    artifact, answer = built_and_run(
        tmp_path,
        "import traceback, shop.cart\n"
        "try:\n    shop.cart.checkout()\n"
        "except ValueError:\n    print(json.dumps({'trace': traceback.format_exc()}))",
    )

    assert f'File "{artifact / "shop" / "cart.py"}", line 6, in checkout' in str(answer["trace"])
    assert 'raise ValueError("カートが空です")' in str(answer["trace"])


def test_the_first_root_holding_a_name_wins_as_on_sys_path(tmp_path: Path) -> None:
    first, second = site(tmp_path / "first"), site(tmp_path / "second")
    (second / "extra.py").write_text("VALUE = 'second'\n", encoding="utf-8")
    compileall.compile_file(second / "extra.py", quiet=1)

    archived = write_archive(tmp_path / ARCHIVE_NAME, [first, second])

    assert first / "shop" / "__pycache__" in {path.parent for path in archived}
    assert not any(path.is_relative_to(second / "shop") for path in archived)
    assert second / "__pycache__" in {path.parent for path in archived}  # extra.py: only in the second


def test_what_the_path_finder_would_not_load_from_source_is_left_out(tmp_path: Path) -> None:
    artifact = site(tmp_path)
    (artifact / "shop" / "speedups.py").write_text("SLOW = True\n", encoding="utf-8")
    (artifact / "shop" / "speedups.cpython-313-aarch64-linux-gnu.so").write_bytes(b"")  # wins on Lambda
    (artifact / "json.py").write_text("SHADOW = True\n", encoding="utf-8")  # a standard library name
    (artifact / "loose").mkdir()  # no __init__.py: a namespace package
    (artifact / "loose" / "part.py").write_text("X = 1\n", encoding="utf-8")
    (artifact / "leadrelay").mkdir()  # the installers: imported before the archive exists
    (artifact / "leadrelay" / "__init__.py").write_text("", encoding="utf-8")
    (artifact / "leadrelay" / "bytecode_archive.py").write_text("", encoding="utf-8")
    compileall.compile_dir(artifact, quiet=1)

    archived = {path.name.partition(".")[0] for path in write_archive(artifact / ARCHIVE_NAME, [artifact])}

    assert archived == {"__init__", "cart", "helpers"}  # shop, shop.data, shop.cart, helpers


def test_nothing_is_installed_without_an_archive_or_with_one_from_another_python_or_truncated(
    tmp_path: Path,
) -> None:
    artifact = site(tmp_path)
    main([str(artifact)])
    foreign = tmp_path / "foreign.archive"
    foreign.write_bytes(b"\x00\x00\r\n" + (artifact / ARCHIVE_NAME).read_bytes()[4:])
    truncated = tmp_path / "truncated.archive"
    truncated.write_bytes((artifact / ARCHIVE_NAME).read_bytes()[:20])

    answer = in_fresh_interpreter(
        artifact,
        "print(json.dumps({'shipped': finder is not None,\n"
        f"  'missing': install(Path({str(tmp_path / 'none.archive')!r})) is not None,\n"
        f"  'foreign': install(Path({str(foreign)!r})) is not None,\n"
        f"  'truncated': install(Path({str(truncated)!r})) is not None}}))",
    )

    assert answer == {"shipped": True, "missing": False, "foreign": False, "truncated": False}


@pytest.mark.parametrize("argument", ["--move", None])
def test_only_the_build_removes_the_archived_bytecode(tmp_path: Path, argument: str | None) -> None:
    artifact = site(tmp_path)

    main([str(artifact), *([argument] if argument else [])])

    assert bool(list(artifact.rglob("*.pyc"))) is (argument is None)
