"""What each function's handler module imports: a cold start pays for every module, so a handler loads
only what its first event can need (issue 15; ``python -m bench.coldstart`` measures the time).

Each handler is imported in a fresh interpreter and ``sys.modules`` is read: the ingress functions never
load the Salesforce or HubSpot clients, the processing core or the matching libraries; the processor
loads the HubSpot SDK with the first HubSpot lookup, pykakasi's dictionary with the first name in
kanji or kana, phonenumbers with the first phone number, rapidfuzz with the first comparison and
jpholiday with the first business-day calculation, not at import.
"""

import importlib.util
import json
import os
import subprocess
import sys

import pytest
from leadrelay.deferred_modules import RARELY_USED

pytestmark = pytest.mark.slow  # fresh interpreter processes: the gate runs them, the inner loop does not

PROCESSING = (
    "simple_salesforce",
    "zeep",
    "jwt",
    "hubspot",
    "pykakasi",
    "jaconv",
    "phonenumbers",
    "rapidfuzz",
    "leadrelay.domain.matching",
    "leadrelay.pipeline",
    "leadrelay.engine.ruleset",
    "leadrelay.domain.deadletter",
    "leadrelay.domain.decision_log",
)
"""What only the processor needs."""
LATER = ("hubspot", "pykakasi", "phonenumbers", "rapidfuzz", "jpholiday")
"""What the processor loads when an event first needs it."""


def after_importing(handler: str, expression: str) -> list[str]:
    """``expression`` (module names, as a list) evaluated in a fresh interpreter that imported ``handler``,
    with pydantic's plugins off as the template's Globals turn them off (no entry points are read)."""
    probe = f"import json, sys, {handler}; print(json.dumps({expression}))"
    done = subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd="functions",
        env={**os.environ, "PYDANTIC_DISABLE_PLUGINS": "__all__"},
    )
    return list(json.loads(done.stdout))


def loaded(handler: str, candidates: tuple[str, ...]) -> list[str]:
    return after_importing(handler, f"[m for m in {candidates!r} if m in sys.modules]")


OTHER_INGRESS = {
    "leadrelay.handlers.webhook": ("leadrelay.ingress.salesforce", "leadrelay.ingress.loops"),
    "leadrelay.handlers.salesforce_events": (
        "leadrelay.ingress.mapping",
        "leadrelay.adapters.secrets",
        "aws_lambda_powertools.event_handler",
    ),
}
"""What one ingress function never needs from the other: the Salesforce parsing, the webhook mappings."""


@pytest.mark.parametrize("handler", list(OTHER_INGRESS))
def test_an_ingress_handler_loads_nothing_only_the_processor_or_the_other_ingress_function_needs(
    handler: str,
) -> None:
    assert loaded(handler, PROCESSING + OTHER_INGRESS[handler]) == []


def test_the_processor_loads_the_hubspot_sdk_and_matching_libraries_when_an_event_needs_them() -> None:
    assert loaded("leadrelay.handlers.processor", LATER) == []


def test_the_processor_reads_its_sqs_batch_without_asyncio_or_powertools_event_classes() -> None:
    unused = (
        "asyncio",
        "aws_lambda_powertools.utilities.batch",
        "aws_lambda_powertools.utilities.data_classes",
    )
    assert loaded("leadrelay.handlers.processor", unused) == []


def test_pykakasi_loads_without_asyncio() -> None:
    """pykakasi imports ``deprecated``, which imports wrapt: 2.2 and later import asyncio (capped)."""
    assert loaded("pykakasi", ("asyncio",)) == []


AUTHORING = (
    "leadrelay.rulefiles.validate",
    "leadrelay.rulefiles.kinds",
    "leadrelay.rulefiles.world_check",
    "leadrelay.rulefiles.rulecases",
    "leadrelay.rulefiles.routingcases",
    "leadrelay.rulefiles.dedupcases",
    "leadrelay.ingress.mapping_model",
)
"""What only an author's tools need: checking every kind of rule file, the rule-test and mapping models."""


@pytest.mark.parametrize("handler", ["leadrelay.handlers.processor", "leadrelay.handlers.sla_monitor"])
def test_the_rule_loading_functions_load_nothing_only_an_authors_checks_need(handler: str) -> None:
    assert loaded(handler, AUTHORING) == []


def test_the_sla_monitor_loads_neither_the_batch_pipeline_nor_the_processors_object_graph() -> None:
    processing = (
        "leadrelay.pipeline.batch",
        "leadrelay.bootstrap.processor",
        "leadrelay.adapters.activity_store",
    )
    assert loaded("leadrelay.handlers.sla_monitor", processing) == []


@pytest.mark.parametrize("handler", ["leadrelay.handlers.processor", "leadrelay.handlers.sla_monitor"])
def test_the_salesforce_functions_load_simple_salesforce_without_its_soap_stack(handler: str) -> None:
    assert loaded(handler, ("simple_salesforce.api", "zeep", "lxml")) == ["simple_salesforce.api"]


LOADED_HERE = {"cryptography.x509"} if importlib.util.find_spec("OpenSSL") else set()
"""With pyOpenSSL installed (the SAM CLI brings it to the development environment, the functions' artifact
has none), botocore imports urllib3's pyOpenSSL support, which imports ``cryptography.x509.oid``: the
real package loads, as it should."""


@pytest.mark.parametrize(
    "handler", [*OTHER_INGRESS, "leadrelay.handlers.processor", "leadrelay.handlers.sla_monitor"]
)
def test_every_function_holds_stand_ins_for_what_its_libraries_rarely_use(handler: str) -> None:
    # requests also registers charset_normalizer's under requests.packages.*: one stand-in, three names
    stand_ins = (
        "sorted({m.stands_in_for for m in list(sys.modules.values())"
        " if type(m).__name__ == 'DeferredModule'})"
    )
    assert after_importing(handler, stand_ins) == sorted(set(RARELY_USED) - LOADED_HERE)
    assert loaded(handler, ("more_itertools", "multiprocessing.context", "zeep")) == []


def test_the_sla_monitor_loads_neither_the_match_rules_nor_their_libraries() -> None:
    matching = ("leadrelay.domain.matching", "leadrelay.rulefiles.dedup_loading", "phonenumbers", "rapidfuzz")
    assert loaded("leadrelay.handlers.sla_monitor", matching) == []


def test_the_sla_monitor_compiles_no_rules_and_loads_neither_the_engine_nor_the_routing_table() -> None:
    compiling = (
        "leadrelay.rulefiles.bundle",
        "leadrelay.engine.ruleset",
        "leadrelay.engine.conditions",
        "leadrelay.domain.routing",
        "re2",
    )
    assert loaded("leadrelay.handlers.sla_monitor", compiling) == []


@pytest.mark.parametrize("handler", ["leadrelay.handlers.processor", "leadrelay.handlers.sla_monitor"])
def test_the_queue_readers_send_to_sqs_without_the_ingress_idempotency_layer(handler: str) -> None:
    ingress = ("leadrelay.adapters.ingest_queue", "aws_lambda_powertools.utilities.idempotency")
    assert loaded(handler, ingress) == []


def test_the_processor_loads_none_of_the_salesforce_events_functions_parsing() -> None:
    parsing = ("leadrelay.ingress.salesforce", "leadrelay.ingress.salesforce_cdc", "leadrelay.ingress.loops")
    assert loaded("leadrelay.handlers.processor", parsing) == []
