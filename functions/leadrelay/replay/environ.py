"""The functions read their configuration from the environment; replay sets it for the block it runs."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from leadrelay.settings import ENV_PREFIX, Settings


@contextmanager
def patched_environ(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of the block, then restore the previous values."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def settings_environ(settings: Settings) -> dict[str, str]:
    """``settings`` as the ``LEADRELAY_*`` variables the functions read (unset fields left out)."""
    values = settings.model_dump(exclude_none=True, exclude={"function_version"})
    return {f"{ENV_PREFIX}{name.upper()}": str(value) for name, value in values.items()}
