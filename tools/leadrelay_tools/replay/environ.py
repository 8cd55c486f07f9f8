"""Replay's process: moto's fake AWS credentials for the block it runs, and quiet function logs."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager


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


QUIET_LOGGERS = ("leadrelay", "aws_lambda_powertools", "botocore", "urllib3")


@contextlib.contextmanager
def quiet_functions(verbose: bool = False) -> Iterator[None]:
    """The functions log JSON lines and EMF metrics to stdout; send them to stderr, or drop them."""
    levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    if not verbose:
        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        with contextlib.redirect_stdout(sys.stderr if verbose else _Discard()):
            yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


class _Discard:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None
