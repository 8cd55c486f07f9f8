"""simple-salesforce's Metadata API client, loaded when it is first used rather than at import.

``simple_salesforce.api`` imports ``simple_salesforce.metadata`` for the ``Salesforce.mdapi`` property, and
that module imports zeep and lxml (the SOAP stack): about 40 ms and 7 MB of every cold start of the
processor and the SLA monitor, which never call the Metadata API. :func:`defer_metadata_api` runs before
anything of ours imports simple-salesforce and registers a stand-in for ``simple_salesforce.metadata``
whose ``SfdcMetadataApi`` loads the real module from its own file on first construction and returns the
real client; ``sf.mdapi`` and ``sf.deploy`` work as before, and any other name asked of the module (a
later simple-salesforce importing more from it) loads it too.

It changes nothing when it cannot apply cleanly: simple-salesforce already imported (the stand-in would
come too late) or its ``metadata.py`` not where this version keeps it. ``tests/test_cold_imports.py``
says zeep stays out of every handler's import; ``tests/gateway/test_metadata_api.py`` that the client
still comes.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import types
from pathlib import Path
from typing import Any

MODULE = "simple_salesforce.metadata"
_loading = threading.Lock()


class DeferredModule(types.ModuleType):
    """The stand-in registered as ``simple_salesforce.metadata`` until the real module is loaded. Any
    other public name asked of it (a later simple-salesforce importing more from the module) loads the
    real module and comes from there."""

    stands_in_for = MODULE
    """The module this stands in for (``python -m bench.coldstart`` registers the same in its floor)."""

    def __init__(self, source: Path) -> None:
        super().__init__(MODULE, __doc__)
        self.source = source
        self.SfdcMetadataApi = SfdcMetadataApi

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system's and tools' probes: not a reason to load
            raise AttributeError(name)
        return getattr(metadata_module(), name)


def metadata_module() -> types.ModuleType:
    """The real ``simple_salesforce.metadata``, loaded from its file the first time it is asked for."""
    with _loading:
        current = sys.modules[MODULE]
        if not isinstance(current, DeferredModule):
            return current
        spec = importlib.util.spec_from_file_location(MODULE, current.source)
        if spec is None or spec.loader is None:  # pragma: no cover - a .py file always has a loader
            raise ImportError(f"cannot load {MODULE} from {current.source}")
        real = importlib.util.module_from_spec(spec)
        sys.modules[MODULE] = real
        try:
            spec.loader.exec_module(real)
        except BaseException:
            sys.modules[MODULE] = current
            raise
        setattr(sys.modules["simple_salesforce"], "metadata", real)  # noqa: B010 - what an import would bind
        return real


class SfdcMetadataApi:
    """Constructs simple-salesforce's real ``SfdcMetadataApi`` (what ``Salesforce.mdapi`` calls)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        return metadata_module().SfdcMetadataApi(*args, **kwargs)


def defer_metadata_api() -> None:
    """Register the stand-in for ``simple_salesforce.metadata``, if simple-salesforce is not yet imported
    and keeps its Metadata API client where this module expects it."""
    if "simple_salesforce" in sys.modules or MODULE in sys.modules:
        return
    package = importlib.util.find_spec("simple_salesforce")  # a top-level spec: nothing is executed
    if package is None or not package.submodule_search_locations:
        return
    source = Path(next(iter(package.submodule_search_locations))) / "metadata.py"
    if source.is_file():
        sys.modules[MODULE] = DeferredModule(source)
