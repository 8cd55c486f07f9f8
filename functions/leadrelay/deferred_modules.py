"""Modules a function's dependencies import but it rarely uses, loaded on first use.

Five libraries import, at their own import, modules our functions almost never touch:

- ``simple_salesforce.api`` imports ``simple_salesforce.metadata`` for ``Salesforce.mdapi``, and that module
  imports zeep and lxml (the SOAP stack): about 40 ms and 7 MB;
- it imports ``simple_salesforce.bulk`` and ``.bulk2`` for ``Salesforce.bulk``/``bulk2`` (concurrent
  futures, csv, more-itertools): about 4 ms;
- PyJWT imports ``cryptography.x509`` to accept keys given as certificates (a page of regular expressions
  compiled at import): about 5 ms;
- boto3 imports s3transfer, which imports ``multiprocessing.managers`` for its process-pool downloader
  (the whole of ``multiprocessing``): about 5 ms of every function's cold start;
- phonenumbers imports its as-you-type formatter and its matcher of numbers in free text (regular
  expressions compiled at import): about 3 ms of the first event with a phone number.

:func:`defer_rarely_used_modules` runs when the ``leadrelay`` package is imported, before anything of
ours imports those libraries, and registers a :class:`DeferredModule` for each: the classes the library
reads from it at import (``SfdcMetadataApi``, ``BaseManager``…) are :class:`DeferredClass` stand-ins —
calling one, subclassing it or reading its attributes loads the real module and uses the real class —
and any other name asked of the module loads it and comes from there. ``sf.mdapi``, ``sf.bulk``, a JWT
signed with a certificate's key and s3transfer's process pool work as before.

Each registration changes nothing when it cannot apply cleanly: the module (or, for simple-salesforce's, its
package) already imported — the stand-in would come too late — or not where this version keeps it.
``tests/test_cold_imports.py`` says zeep and the others stay out of every handler's import;
``tests/test_deferred_modules.py`` that the real modules still come.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import threading
import types
from typing import Any

RARELY_USED: dict[str, tuple[str, ...]] = {
    "simple_salesforce.metadata": ("SfdcMetadataApi",),
    "simple_salesforce.bulk": ("SFBulkHandler",),
    "simple_salesforce.bulk2": ("SFBulk2Handler",),
    "cryptography.x509": (),
    "multiprocessing.managers": ("BaseManager",),
    "phonenumbers.asyoutypeformatter": ("AsYouTypeFormatter",),
    "phonenumbers.phonenumbermatcher": ("PhoneNumberMatch", "PhoneNumberMatcher", "Leniency"),
}
"""Module → the classes its importer reads from it at import."""
_loading = threading.RLock()


class DeferredModule(types.ModuleType):
    """The stand-in registered as a module until the real one is loaded: its classes are
    :class:`DeferredClass` stand-ins, and any other public name asked of it loads the real module and comes
    from there."""

    def __init__(self, name: str, classes: tuple[str, ...]) -> None:
        super().__init__(name, __doc__)
        self.stands_in_for = name
        """The module this stands in for (``python -m bench.coldstart`` registers the same in its floor)."""
        for class_name in classes:
            setattr(self, class_name, DeferredClass(name, class_name))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system's and tools' probes: not a reason to load
            raise AttributeError(name)
        return getattr(real_module(self.stands_in_for), name)


class DeferredClass:
    """A class of a deferred module as its importer holds it: calling it builds the real class's object,
    a class statement naming it as a base gets the real class (PEP 560), and its attributes, ``isinstance``
    and ``issubclass`` are the real class's — each loads the real module first."""

    def __init__(self, module: str, name: str) -> None:
        self._module = module
        self._name = name

    def real(self) -> type:
        """The real class (its module loaded now if it is not yet)."""
        real: type = getattr(real_module(self._module), self._name)
        return real

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
        return f"<deferred class {self._module}.{self._name}>"


def real_module(name: str) -> types.ModuleType:
    """The real module ``name``, imported the first time it is asked for (through the import system, so
    from the bytecode archive when there is one) and bound where an import would bind it."""
    with _loading:
        current = sys.modules.get(name)
        if current is not None and not isinstance(current, DeferredModule):
            return current
        del sys.modules[name]
        try:
            return importlib.import_module(name)
        except BaseException:
            if current is not None:
                sys.modules[name] = current
            raise


def defer(name: str, classes: tuple[str, ...] = ()) -> bool:
    """Register a stand-in for module ``name`` (``package.module``) if neither it nor its package is imported
    yet (a package may import it itself: simple-salesforce's do, reading ``classes`` from it), and it is
    where this version keeps it; whether it was registered."""
    package = name.rpartition(".")[0]
    if name in sys.modules or (classes and package in sys.modules):
        return False
    top = importlib.util.find_spec(name.partition(".")[0])  # a top-level spec: nothing is executed
    if top is None or not top.submodule_search_locations:
        return False
    where = os.path.join(next(iter(top.submodule_search_locations)), *name.split(".")[1:])
    if not (os.path.isfile(f"{where}.py") or os.path.isfile(os.path.join(where, "__init__.py"))):
        return False
    stand_in = DeferredModule(name, classes)
    sys.modules[name] = stand_in
    if not classes:  # a package that does not import it itself: bind it there as an import would
        setattr(importlib.import_module(package), name.rpartition(".")[2], stand_in)
    return True


def defer_rarely_used_modules() -> None:
    """Register a stand-in for every module in :data:`RARELY_USED` that can have one."""
    for name, classes in RARELY_USED.items():
        defer(name, classes)
