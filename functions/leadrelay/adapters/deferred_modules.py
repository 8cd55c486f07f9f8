"""Third-party modules a function imports with its dependencies but rarely uses, loaded on first use.

Three libraries import, at their own import, modules our functions almost never touch:

- ``simple_salesforce.api`` imports ``simple_salesforce.metadata`` for ``Salesforce.mdapi``, and that module
  imports zeep and lxml (the SOAP stack): about 40 ms and 7 MB;
- it imports ``simple_salesforce.bulk`` and ``.bulk2`` for ``Salesforce.bulk``/``bulk2`` (concurrent
  futures, csv, more-itertools): about 4 ms;
- PyJWT imports ``cryptography.x509`` to accept keys given as certificates (a page of regular expressions
  compiled at import): about 5 ms.

:func:`defer_rarely_used_modules` runs before anything of ours imports those libraries and registers a
:class:`DeferredModule` for each: the names the library reads from it at import (``SfdcMetadataApi``,
``SFBulkHandler``…) are stand-ins that load the real module when first called and return what the real one
returns; any other name asked of it loads the real module and comes from there. ``sf.mdapi``, ``sf.bulk``
and a JWT signed with a certificate's key work as before.

Each registration changes nothing when it cannot apply cleanly: the module (or, for simple-salesforce's, its
package) already imported — the stand-in would come too late — or not where this version keeps it.
``tests/test_cold_imports.py`` says zeep and the others stay out of every handler's import;
``tests/gateway/test_deferred_modules.py`` that the real modules still come.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import threading
import types
from collections.abc import Callable
from typing import Any

RARELY_USED: dict[str, tuple[str, ...]] = {
    "simple_salesforce.metadata": ("SfdcMetadataApi",),
    "simple_salesforce.bulk": ("SFBulkHandler",),
    "simple_salesforce.bulk2": ("SFBulk2Handler",),
    "cryptography.x509": (),
}
"""Module → the names its importer reads from it at import (each a class the importer only calls)."""
_loading = threading.RLock()


class DeferredModule(types.ModuleType):
    """The stand-in registered as a module until the real one is loaded: its constructors build the real
    module's objects, and any other public name asked of it loads the real module and comes from there."""

    def __init__(self, name: str, constructors: tuple[str, ...]) -> None:
        super().__init__(name, __doc__)
        self.stands_in_for = name
        """The module this stands in for (``python -m bench.coldstart`` registers the same in its floor)."""
        for constructor in constructors:
            setattr(self, constructor, _constructor(name, constructor))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system's and tools' probes: not a reason to load
            raise AttributeError(name)
        return getattr(real_module(self.stands_in_for), name)


def _constructor(module: str, name: str) -> type:
    def construct(cls: type, *args: Any, **kwargs: Any) -> Any:
        return getattr(real_module(module), name)(*args, **kwargs)

    new: Callable[..., Any] = construct
    return type(
        name, (), {"__new__": new, "__module__": module, "__doc__": f"Builds the real {module}.{name}."}
    )


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


def defer(name: str, constructors: tuple[str, ...] = ()) -> bool:
    """Register a stand-in for module ``name`` (``package.module``) if it is not imported yet, nor its
    package when the package imports it (simple-salesforce's do: ``constructors`` are the names it reads),
    and it is where this version keeps it; whether it was registered."""
    package = name.rpartition(".")[0]
    if name in sys.modules or (constructors and package in sys.modules):
        return False
    top = importlib.util.find_spec(name.partition(".")[0])  # a top-level spec: nothing is executed
    if top is None or not top.submodule_search_locations:
        return False
    where = os.path.join(next(iter(top.submodule_search_locations)), *name.split(".")[1:])
    if not (os.path.isfile(f"{where}.py") or os.path.isfile(os.path.join(where, "__init__.py"))):
        return False
    stand_in = DeferredModule(name, constructors)
    sys.modules[name] = stand_in
    if not constructors:  # a package that does not import it itself: bind it there as an import would
        setattr(importlib.import_module(package), name.rpartition(".")[2], stand_in)
    return True


def defer_rarely_used_modules() -> None:
    """Register a stand-in for every module in :data:`RARELY_USED` that can have one."""
    for name, constructors in RARELY_USED.items():
        defer(name, constructors)
