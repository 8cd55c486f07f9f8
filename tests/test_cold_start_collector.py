"""The garbage collector during a Lambda cold start (``leadrelay.handlers.cold_start``): paused from the
first handler import to the end of the first event in a Lambda execution environment only, then resumed
with the cold start's objects frozen out of its way. ``python -m bench.coldstart`` measures the gain."""

import gc
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from leadrelay.handlers.cold_start import pause_collection, resume_collection, resumes_collection

HANDLERS = (
    "leadrelay.handlers.processor",
    "leadrelay.handlers.webhook",
    "leadrelay.handlers.salesforce_events",
    "leadrelay.handlers.sla_monitor",
)


@pytest.fixture
def collector() -> Iterator[None]:
    """Whatever a test does to the collector is undone after it (running, nothing frozen)."""
    yield
    gc.unfreeze()
    gc.enable()


def test_outside_lambda_the_collector_is_not_paused(collector: None) -> None:
    assert pause_collection({"HOME": "/home/sato"}) is False
    assert gc.isenabled()


def test_in_a_lambda_execution_environment_the_collector_is_paused(collector: None) -> None:
    assert pause_collection({"AWS_LAMBDA_FUNCTION_NAME": "leadrelay-processor"}) is True
    assert not gc.isenabled()


def test_resuming_freezes_what_the_cold_start_built(collector: None) -> None:
    gc.disable()
    cold_start_objects = [{"会社": "株式会社山田製作所"} for _ in range(100)]

    resume_collection()

    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(cold_start_objects)


def test_a_collector_that_was_never_paused_is_left_alone(collector: None) -> None:
    resume_collection()

    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_the_collector_resumes_when_the_first_event_has_been_served(collector: None) -> None:
    gc.disable()
    handler = resumes_collection(lambda event, context: {"statusCode": 200})

    assert handler({}, None) == {"statusCode": 200}
    assert gc.isenabled()


def test_the_collector_resumes_when_the_first_event_fails(collector: None) -> None:
    def broken(event: dict[str, str], context: object) -> None:
        raise RuntimeError("rules/scoring.json: invalid")

    gc.disable()
    with pytest.raises(RuntimeError):
        resumes_collection(broken)({}, None)
    assert gc.isenabled()


def test_later_events_do_not_touch_the_collector(collector: None) -> None:
    handler = resumes_collection(lambda event, context: "served")
    handler({}, None)
    gc.disable()  # paused by someone else after the first event

    handler({}, None)

    assert not gc.isenabled()


@pytest.mark.parametrize("module", HANDLERS)
def test_every_lambda_entry_point_resumes_the_collector(module: str) -> None:
    handler = importlib.import_module(module).handler

    assert handler.__wrapped__ is not None
    assert handler.__module__ == module


COLLECTIONS = "sum(generation['collections'] for generation in gc.get_stats())"


@pytest.mark.slow  # a fresh interpreter
@pytest.mark.parametrize("module", HANDLERS)
def test_importing_a_handler_in_lambda_pauses_the_collector_for_its_whole_import(module: str) -> None:
    probe = (
        f"import gc, importlib, json, leadrelay.handlers; before = {COLLECTIONS}; "
        f"importlib.import_module({module!r}); "
        f"print(json.dumps({{'enabled': gc.isenabled(), 'collections': {COLLECTIONS} - before}}))"
    )
    environ = {**os.environ, "AWS_LAMBDA_FUNCTION_NAME": "leadrelay-bench"}
    command = [sys.executable, "-c", probe]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd="functions", env=environ)  # noqa: S603

    assert json.loads(done.stdout) == {"enabled": False, "collections": 0}
