"""Modules a function's dependencies import but it rarely uses, loaded on first use.

Libraries import, at their own import, modules our functions almost never touch:

- ``simple_salesforce.api`` imports ``simple_salesforce.metadata`` for ``Salesforce.mdapi``, and that module
  imports zeep and lxml (the SOAP stack): about 40 ms and 7 MB;
- it imports ``simple_salesforce.bulk`` and ``.bulk2`` for ``Salesforce.bulk``/``bulk2`` (concurrent
  futures, csv, more-itertools): about 4 ms;
- PyJWT imports ``cryptography.x509`` to accept keys given as certificates (a page of regular expressions
  compiled at import): about 5 ms;
- boto3 imports ``boto3.compat``, which imports s3transfer's transfer manager (for the S3 client's
  ``upload_file`` and the like, which leadrelay never calls: ``adapters/aws_clients.py`` creates
  botocore's clients): about 4 ms and 15 modules;
- s3transfer, when something loads it, imports ``multiprocessing.managers`` for its process-pool
  downloader (the whole of ``multiprocessing``): about 5 ms;
- phonenumbers imports its as-you-type formatter and its matcher of numbers in free text (regular
  expressions compiled at import): about 3 ms of the first event with a phone number;
- pydantic's plugin loader and urllib3's HTTP/2 support import ``importlib.metadata`` (for entry points
  pydantic never reads with its plugins off, as the template turns them off, and for ``h2``'s version),
  and with it ``zipfile``, ``csv``, ``importlib.resources`` and more of the standard library: about 7 ms
  of every function's import;
- requests imports charset_normalizer (its mypyc-compiled detector and tables) to guess the encoding of a
  response that declares none, which neither Salesforce nor AWS sends: about 3 ms of the processor's and
  the SLA monitor's import (the stand-in carries the package's ``__version__``, which requests checks);
- pykakasi imports its deprecated v1 API (``pykakasi.legacy``, with ``deprecated`` and wrapt) beside the
  v2 ``Kakasi`` leadrelay uses, and rapidfuzz its ``process`` module (extract, cdist) beside the
  distances leadrelay uses: a few milliseconds of the first event with a name in kanji.

:func:`defer_rarely_used_modules` runs when the ``leadrelay`` package is imported, before anything of
ours imports those libraries, and registers a :class:`DeferredModule` for each. The names the library
reads from it at import (``SfdcMetadataApi``, ``BaseManager``, ``Leniency``…) are :class:`DeferredObject`
stand-ins: calling one, subclassing it or reading its attributes loads the real module and uses the real
one. Any other name asked of the module loads it and comes from there. A stand-in is not itself a class:
an ``except`` clause naming one (pykakasi's v1 exceptions) would need the real class; leadrelay catches
none of them. ``sf.mdapi``, ``sf.bulk``, a JWT
signed with a certificate's key and s3transfer's process pool work as before.

A registration changes nothing when it cannot apply cleanly: the module already imported, or its package
when the package imports it itself (simple-salesforce's, phonenumbers'), or the module not where this
version keeps it. A module its package does not import is bound on the package if that is imported
already (``importlib``-style access); ``from package import module`` finds it either way.
``tests/test_cold_imports.py`` says zeep and the others stay out of every handler's import;
``tests/test_deferred_modules.py`` that the real modules still come.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import os
import sys
import threading
import types
from typing import Any, NamedTuple


class Deferral(NamedTuple):
    """How a module is stood in for."""

    names: tuple[str, ...] = ()
    r"""What its importers read from it at their import (classes, functions): :class:`DeferredObject`\ s."""
    imported_by_its_package: bool = False
    """Its package imports it: the stand-in must be registered before the package is imported."""
    private_submodules: bool = False
    """A package whose submodules only it imports (``importlib.metadata``'s): its stand-in is not a package
    to the import system, so ``from package import name`` reads ``name`` from it instead of loading the
    package to look for a submodule of that name."""
    version_file: str | None = None
    """The package's file that sets its ``__version__`` (charset_normalizer's ``version.py``): the stand-in
    carries that version, read from the file without running it, because importers check it at their own
    import (requests warns on every import when it cannot read charset_normalizer's)."""


RARELY_USED: dict[str, Deferral] = {
    "simple_salesforce.metadata": Deferral(("SfdcMetadataApi",), imported_by_its_package=True),
    "simple_salesforce.bulk": Deferral(("SFBulkHandler",), imported_by_its_package=True),
    "simple_salesforce.bulk2": Deferral(("SFBulk2Handler",), imported_by_its_package=True),
    "boto3.compat": Deferral(("_warn_deprecated_python", "collections_abc"), imported_by_its_package=True),
    "cryptography.x509": Deferral(),
    "importlib.metadata": Deferral(("entry_points", "version"), private_submodules=True),
    "charset_normalizer": Deferral(private_submodules=True, version_file="version.py"),
    "multiprocessing.managers": Deferral(("BaseManager",)),
    "phonenumbers.asyoutypeformatter": Deferral(("AsYouTypeFormatter",), imported_by_its_package=True),
    "phonenumbers.phonenumbermatcher": Deferral(
        ("PhoneNumberMatch", "PhoneNumberMatcher", "Leniency"), imported_by_its_package=True
    ),
    "pykakasi.legacy": Deferral(
        (
            "InvalidFlagValueException",
            "InvalidModeValueException",
            "UnknownOptionsException",
            "UnsupportedRomanRulesException",
            "kakasi",
            "wakati",
        ),
        imported_by_its_package=True,
    ),
    "rapidfuzz.process": Deferral(imported_by_its_package=True),
}
"""The modules stood in for, and how."""
_loading = threading.RLock()


class DeferredModule(types.ModuleType):
    """The stand-in registered as a module until the real one is loaded: the names its importers read at
    their import are :class:`DeferredObject` stand-ins, and any other public name asked of it loads the real
    module and comes from there."""

    __version__: str
    """The package's version, when its :class:`Deferral` names the file that declares it."""

    def __init__(
        self, name: str, names: tuple[str, ...], *, package: bool = False, version: str | None = None
    ) -> None:
        super().__init__(name, __doc__)
        if version is not None:
            self.__version__ = version
        self.stands_in_for = name
        """The module this stands in for (``python -m bench.coldstart`` registers the same in its floor)."""
        self.is_package = package
        """Whether it stands in for a package: importing one of its submodules loads it first."""
        for attribute in names:
            setattr(self, attribute, DeferredObject(name, attribute))

    def __getattr__(self, name: str) -> Any:
        if name == "__path__" and self.is_package:  # a submodule is being imported: the package first
            return real_module(self.stands_in_for).__path__
        if name.startswith("__"):  # the import system's and tools' probes: not a reason to load
            raise AttributeError(name)
        return getattr(real_module(self.stands_in_for), name)


class DeferredObject:
    """A class or function of a deferred module as its importer holds it: calling it calls the real one, a
    class statement naming it as a base gets the real class (PEP 560), and its attributes, ``isinstance``
    and ``issubclass`` are the real one's — each loads the real module first."""

    def __init__(self, module: str, name: str) -> None:
        self._module = module
        self._name = name

    def real(self) -> Any:
        """The real class or function (its module loaded now if it is not yet)."""
        return getattr(real_module(self._module), self._name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.real()(*args, **kwargs)

    def __mro_entries__(self, bases: tuple[object, ...]) -> tuple[type]:
        return (self.real(),)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.real(), name)

    def __instancecheck__(self, instance: object) -> bool:
        return isinstance(instance, self.real())

    def __subclasscheck__(self, subclass: type) -> bool:
        return issubclass(subclass, self.real())

    def __repr__(self) -> str:
        return f"<deferred {self._module}.{self._name}>"


def real_module(name: str) -> types.ModuleType:
    """The real module ``name``, imported the first time it is asked for (through the import system, so
    from the bytecode archive when there is one) and bound where an import would bind it."""
    with _loading:
        current = sys.modules.get(name)
        if current is not None and not isinstance(current, DeferredModule):
            return current
        sys.modules.pop(name, None)
        try:
            return importlib.import_module(name)
        except BaseException:
            if current is not None:
                sys.modules[name] = current
            raise


def defer(name: str, how: Deferral) -> bool:
    """Register a stand-in for module ``name`` (``package.module``) if it is not imported yet — nor its
    package, when the package imports it — and it is where this version keeps it; whether it was
    registered. When the package does not import it and is already imported, the stand-in is bound there
    as an import would bind the module."""
    package, _, leaf = name.rpartition(".")
    if name in sys.modules or (how.imported_by_its_package and package in sys.modules):
        return False
    top = importlib.util.find_spec(name.partition(".")[0])  # a top-level spec: nothing is executed
    if top is None or not top.submodule_search_locations:
        return False
    where = os.path.join(next(iter(top.submodule_search_locations)), *name.split(".")[1:])
    is_package = os.path.isfile(os.path.join(where, "__init__.py"))
    if not (is_package or os.path.isfile(f"{where}.py")):
        return False
    version = None
    if how.version_file is not None:
        version = declared_version(os.path.join(where, how.version_file))
        if version is None:
            return False
    package_stand_in = is_package and not how.private_submodules
    stand_in = DeferredModule(name, how.names, package=package_stand_in, version=version)
    sys.modules[name] = stand_in
    if not how.imported_by_its_package and package in sys.modules:
        setattr(sys.modules[package], leaf, stand_in)
    return True


def declared_version(path: str) -> str | None:
    """The string a module's source assigns to ``__version__`` (parsed, not run); ``None`` when the file is
    missing or assigns it no plain string."""
    try:
        with open(path, encoding="utf-8") as source:
            tree = ast.parse(source.read(), path)
    except (OSError, SyntaxError, ValueError):
        return None
    for statement in tree.body:
        if isinstance(statement, ast.Assign | ast.AnnAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            value = statement.value
            if any(isinstance(t, ast.Name) and t.id == "__version__" for t in targets) and (
                isinstance(value, ast.Constant) and isinstance(value.value, str)
            ):
                return value.value
    return None


def defer_rarely_used_modules() -> None:
    """Register a stand-in for every module in :data:`RARELY_USED` that can have one."""
    for name, how in RARELY_USED.items():
        defer(name, how)
