"""Package attributes resolved on first use (PEP 562 ``__getattr__``), so that a cold start imports
only the modules it touches: ``leadrelay``, ``leadrelay.engine`` and ``leadrelay.pipeline`` name their
public classes without importing the modules that define them. It sits in the lowest layer so every
package can use it."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """The module ``__getattr__`` of ``package``: ``homes`` maps each name to the module defining it,
    imported when the name is first read; any other name is an ``AttributeError``."""

    def resolve(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(home), name)

    return resolve
