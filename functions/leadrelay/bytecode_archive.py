"""The artifact's bytecode in one file, read by one finder: a cold start without a file lookup per module.

A function's cold start imports about 900 modules. Found and loaded the usual way, each costs a few
directory lookups, an ``open``, a ``stat`` and a ``read`` of its ``.pyc`` before it is unmarshalled — about
a third of the processor's import time on this machine (``docs/cold-start.md``). The build
(``functions/Makefile``) therefore writes every compiled module of the artifact into ``bytecode.archive`` at
its root, indexed by module name, and removes the ``.pyc`` files it holds. At cold start
``leadrelay/__init__.py`` calls :func:`install_shipped_archive`: it reads the index of top-level names and
puts :class:`ArchiveFinder` on ``sys.meta_path`` just before the path finder, so a module in the archive is
read with one ``pread`` of an open file (a package's entries are read with its first module).

What a module sees is what the path finder would have given it: the same ``__file__`` (its source, shipped
beside), ``__path__`` (the package's real directory: extension modules, data files and anything not in the
archive are found there as before), ``importlib.resources``, ``pkgutil.get_data``, source lines in
tracebacks. The archive holds only what the path finder would have loaded from the artifact's sources: a
module shadowed by an extension module, a name of the standard library, anything outside a regular package
and the two modules that install the archive (:data:`INSTALLERS`) are left to it, with their ``.pyc``.

Nothing is installed — and imports work as before, from the sources — when there is no archive (tests,
local runs), it was written by another Python version (bytecode is per version) or its index cannot be
read. Standard library only: it runs before anything else is imported, and as the build's script
(``python -P leadrelay/bytecode_archive.py ARTIFACT_DIR --move``).
"""

from __future__ import annotations

import _imp
import importlib.util
import marshal
import os
import sys
from collections.abc import Iterator, Sequence
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec, PathFinder
from pathlib import Path
from types import CodeType, ModuleType
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from importlib.abc import Loader, MetaPathFinder
    from importlib.resources.readers import FileReader

ARCHIVE_NAME = "bytecode.archive"
INSTALLERS = ("leadrelay", "leadrelay.bytecode_archive")
"""The modules imported before the archive is installed: never in it, their ``.pyc`` stay beside them."""
_HEADER = len(importlib.util.MAGIC_NUMBER) + 8  # the magic number, then the index's length
_PYC_HEADER = 16  # PEP 552: magic, flags, and a hash or a timestamp and size

Entry = tuple[str, bool, int, int]
"""A module's source file (relative to the archive's directory), whether it is a package, and where its
marshalled code lies in the archive (offset after the index, length)."""


class ArchiveLoader:
    """Loads one module's code from the archive; everything else (data, source) from its directory."""

    def __init__(self, archive: Archive, entry: Entry, path: str) -> None:
        self.archive = archive
        self.entry = entry
        self.path = path
        """The module's source file: ``importlib.resources`` reads the package's directory from it."""

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        """The default module object."""
        return None

    def exec_module(self, module: ModuleType) -> None:
        """Run the module's code from the archive in its namespace."""
        exec(self.get_code(module.__name__), module.__dict__)  # noqa: S102 - the artifact's own bytecode

    def get_code(self, fullname: str) -> CodeType:
        """The module's code object, naming its shipped source file (as a ``.pyc`` loaded beside it would)."""
        code = _loads(self.archive.code_bytes(self.entry))
        _imp._fix_co_filename(code, self.path)  # type: ignore[attr-defined]  # as SourceLoader.get_code does
        return cast("CodeType", code)

    def get_source(self, fullname: str) -> str | None:
        """The module's source, when it is shipped (tracebacks and ``inspect`` read it)."""
        try:
            return importlib.util.decode_source(self.get_data(self.path))
        except OSError:
            return None

    def get_data(self, path: str) -> bytes:
        """A file's bytes (``pkgutil.get_data`` reads a package's data files through its loader)."""
        with open(path, "rb") as data:
            return data.read()

    def get_filename(self, fullname: str) -> str:
        """The module's source file."""
        return self.path

    def is_package(self, fullname: str) -> bool:
        """Whether the module is a package."""
        return self.entry[1]

    def get_resource_reader(self, fullname: str) -> FileReader:
        """The package's files, read from its directory (``importlib.resources``)."""
        from importlib.resources.readers import FileReader  # when a package is first asked for its files

        return FileReader(self)  # type: ignore[arg-type]  # it reads only .path


class Archive:
    """An open archive: the index of its top-level names, each one's modules read when first asked for (a
    function never reads the entries of the packages it does not import), and the file code is read from."""

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        try:
            head = os.pread(self._fd, _HEADER, 0)
            if head[: len(importlib.util.MAGIC_NUMBER)] != importlib.util.MAGIC_NUMBER:
                raise ValueError(f"{path} was written by another Python version")
            length = int.from_bytes(head[-8:], "little")
            self._tops: dict[str, tuple[int, int]] = _loads(os.pread(self._fd, length, _HEADER))
        except BaseException:
            os.close(self._fd)
            raise
        self._base = _HEADER + length
        self._entries: dict[str, dict[str, Entry]] = {}
        self.directory = str(path.parent)

    def entry(self, name: str) -> Entry | None:
        """Module ``name``'s entry, or ``None`` when the archive does not hold it."""
        top = name.partition(".")[0]
        entries = self._entries.get(top)
        if entries is None:
            span = self._tops.get(top)
            if span is None:
                return None
            entries = self._entries[top] = _loads(self._read(*span))
        return entries.get(name)

    def code_bytes(self, entry: Entry) -> bytes:
        """The marshalled code of the module at ``entry``."""
        return self._read(entry[2], entry[3])

    def _read(self, offset: int, length: int) -> bytes:
        return os.pread(self._fd, length, self._base + offset)


class ArchiveFinder:
    """A ``sys.meta_path`` finder for the modules in one archive."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        """The module's spec when the archive holds it, else ``None`` (the next finder looks)."""
        entry = self.archive.entry(fullname)
        if entry is None:
            return None
        origin = os.path.join(self.archive.directory, entry[0])
        loader = ArchiveLoader(self.archive, entry, origin)
        spec = ModuleSpec(fullname, cast("Loader", loader), origin=origin, is_package=entry[1])
        spec.has_location = True
        if entry[1]:
            spec.submodule_search_locations = [os.path.dirname(origin)]
        return spec

    def invalidate_caches(self) -> None:
        """Nothing cached beyond the archive's index, which does not change."""


def install(path: Path) -> ArchiveFinder | None:
    """Put a finder for the archive at ``path`` before the path finder; ``None`` (and nothing installed)
    when there is no archive there, it was written by another Python version or its index is unreadable."""
    try:
        finder = ArchiveFinder(Archive(path))
    except (OSError, ValueError, EOFError, TypeError):  # marshal's errors for a truncated or foreign index
        return None
    position = next((i for i, f in enumerate(sys.meta_path) if f is PathFinder), len(sys.meta_path))
    sys.meta_path.insert(position, cast("MetaPathFinder", finder))
    return finder


def install_shipped_archive() -> ArchiveFinder | None:
    """Install the archive the build writes at the artifact's root (beside the ``leadrelay`` package)."""
    return install(Path(__file__).resolve().parent.parent / ARCHIVE_NAME)


def write_archive(destination: Path, roots: Sequence[Path]) -> list[Path]:
    """Write every compiled module under ``roots`` (in ``sys.path`` order: the first one holding a name
    wins) into ``destination``; the ``.pyc`` files it holds. The modules must be compiled already
    (``compileall``), for the Python running this."""
    archived: list[Path] = []
    modules: dict[str, Entry] = {}
    chunks: list[bytes] = []
    offset = 0
    for root in roots:
        for name, source, is_package in _compiled_modules(root):
            if name in modules or name in INSTALLERS:
                continue
            compiled = Path(importlib.util.cache_from_source(str(source)))
            if not compiled.is_file():
                continue
            code = compiled.read_bytes()[_PYC_HEADER:]
            relative = os.path.relpath(source, destination.parent)
            modules[name] = (relative, is_package, offset, len(code))
            chunks.append(code)
            archived.append(compiled)
            offset += len(code)
    packages: dict[str, dict[str, Entry]] = {}
    for name, entry in modules.items():
        packages.setdefault(name.partition(".")[0], {})[name] = entry
    tops: dict[str, tuple[int, int]] = {}
    for top, entries in packages.items():  # each top-level name's entries, after the code
        chunk = marshal.dumps(entries)
        tops[top] = (offset, len(chunk))
        chunks.append(chunk)
        offset += len(chunk)
    index = marshal.dumps(tops)
    with open(destination, "wb") as archive:
        archive.write(importlib.util.MAGIC_NUMBER + len(index).to_bytes(8, "little") + index)
        archive.writelines(chunks)
    return archived


def archived_modules(path: Path) -> dict[str, Entry]:
    """Every module an archive holds, with its entry, whatever Python wrote it (the build's checks)."""
    with open(path, "rb") as archive:
        length = int.from_bytes(archive.read(_HEADER)[-8:], "little")
        tops: dict[str, tuple[int, int]] = _loads(archive.read(length))
        modules: dict[str, Entry] = {}
        for offset, size in tops.values():
            archive.seek(_HEADER + length + offset)
            modules.update(_loads(archive.read(size)))
    return modules


def _loads(data: bytes) -> Any:
    return marshal.loads(data)  # noqa: S302 - the archive the build wrote from the artifact's own bytecode


def _compiled_modules(root: Path, package: tuple[str, ...] = ()) -> Iterator[tuple[str, Path, bool]]:
    """``(name, source, is_package)`` of what the path finder would load from source files in ``root``:
    regular packages and their modules, never a name shadowed by an extension module or a package, nor a
    name of the standard library."""
    directory = root.joinpath(*package)
    entries = sorted(directory.iterdir())
    packages = {p.name for p in entries if p.is_dir() and (p / "__init__.py").is_file()}
    extensions = {p.name.partition(".")[0] for p in entries if p.name.endswith(tuple(EXTENSION_SUFFIXES))}
    for entry in entries:
        stem = entry.name
        if entry.suffix == ".py" and entry.is_file():
            stem = entry.name[:-3]
            if stem == "__init__" or stem in packages or not stem.isidentifier():
                continue
        elif stem not in packages:
            continue
        if not package and stem in sys.stdlib_module_names:
            continue
        name = ".".join((*package, stem))
        if stem in packages:  # a package comes before an extension module of its name, as for the path finder
            yield name, entry / "__init__.py", True
            yield from _compiled_modules(root, (*package, stem))
        elif stem not in extensions:
            yield name, entry, False


def main(argv: Sequence[str]) -> None:
    """``ARTIFACT_DIR [ROOT …] [--move]``: write ``ARTIFACT_DIR/bytecode.archive`` from the roots (in
    ``sys.path`` order; the artifact itself by default); ``--move`` (the build) then deletes the ``.pyc``
    files it holds, leaving those of the modules only the path finder loads."""
    arguments = [argument for argument in argv if argument != "--move"]
    artifact = Path(arguments[0]).resolve()
    roots = [Path(root).resolve() for root in arguments[1:]] or [artifact]
    archived = write_archive(artifact / ARCHIVE_NAME, roots)
    if "--move" in argv:
        for compiled in archived:
            compiled.unlink()
        for cache in {compiled.parent for compiled in archived}:
            if not any(cache.iterdir()):
                cache.rmdir()
    print(f"{ARCHIVE_NAME}: {len(archived)} modules")


if __name__ == "__main__":  # the build: python -P leadrelay/bytecode_archive.py ARTIFACT_DIR --move
    main(sys.argv[1:])
