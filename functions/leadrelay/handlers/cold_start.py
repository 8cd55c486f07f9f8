"""Python's cyclic garbage collector during a Lambda cold start.

A cold start creates a few hundred thousand long-lived objects — modules, classes, pydantic schemas,
compiled rules, clients — and none of them is garbage. The collector does not know that: it walks
them again and again while they are being created (about 190 collections, one of them over the whole
heap, for the processor's import alone: 30–40 ms of a cold start spent finding nothing).

So in a Lambda execution environment (``AWS_LAMBDA_FUNCTION_NAME`` is set, as Lambda sets it) the
collector is paused when the first handler module is imported (``leadrelay/handlers/__init__.py``),
and resumed when the handler has served its first event (:func:`resumes_collection`), after
:func:`gc.freeze` has moved everything the cold start built into the permanent generation, where
later collections never look again (CPython's advice for long-lived startup state). Reference
counting frees ordinary garbage all the while; only reference cycles made during the cold start wait,
and they are few and bounded by one invocation (the processor's first batch: about 0.4 MB of cycles
for 1,000 events, and the same traced peak as with the collector running). Elsewhere (tests, the
CLI, the demo) nothing changes.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Mapping
from functools import wraps
from typing import ParamSpec, TypeVar

LAMBDA_ENVIRONMENT_VARIABLE = "AWS_LAMBDA_FUNCTION_NAME"
"""Set by Lambda in every execution environment (and by ``bench.coldstart`` for its children)."""

Params = ParamSpec("Params")
Answer = TypeVar("Answer")


def pause_collection(environ: Mapping[str, str] = os.environ) -> bool:
    """Pause the cyclic collector if this process is a Lambda execution environment; whether it did."""
    if LAMBDA_ENVIRONMENT_VARIABLE not in environ:
        return False
    gc.disable()
    return True


def resume_collection() -> None:
    """Freeze what the cold start built and resume the collector, if :func:`pause_collection` paused it
    (a collector that is running is left alone: nothing is frozen)."""
    if gc.isenabled():
        return
    gc.freeze()
    gc.enable()


def resumes_collection(handler: Callable[Params, Answer]) -> Callable[Params, Answer]:
    """``handler``, resuming the collector when its first call returns or raises (later calls pass
    straight through)."""
    served: list[bool] = []

    @wraps(handler)
    def serve(*args: Params.args, **kwargs: Params.kwargs) -> Answer:
        try:
            return handler(*args, **kwargs)
        finally:
            if not served:
                served.append(True)
                resume_collection()

    return serve
