"""simple-salesforce's Metadata API client (zeep, lxml) loads when it is first used, not with the gateway.

Each case runs in a fresh interpreter: the stand-in applies only before simple-salesforce is imported.
"""

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # fresh interpreter processes


def run(code: str) -> dict[str, object]:
    done = subprocess.run(  # noqa: S603 - our interpreter, fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="functions"
    )
    return dict(json.loads(done.stdout.splitlines()[-1]))


CONNECTED = """
import json, sys
import leadrelay.adapters.salesforce
from simple_salesforce.api import Salesforce
before = "zeep" in sys.modules
sf = Salesforce(session_id="00D5g000004XyZ!token", instance="leadrelay-demo.my.salesforce.com")
mdapi = sf.mdapi
import simple_salesforce.metadata as metadata
print(json.dumps({"zeep_before": before, "zeep_after": "zeep" in sys.modules,
    "real_client": type(mdapi) is metadata.SfdcMetadataApi, "same_client": sf.mdapi is mdapi,
    "bound": sys.modules["simple_salesforce"].metadata is metadata,
    "endpoint": mdapi.metadata_url}))
"""


def test_the_gateway_imports_simple_salesforce_without_its_soap_stack() -> None:
    assert run(CONNECTED)["zeep_before"] is False


def test_the_metadata_api_client_is_simple_salesforces_own_once_it_is_asked_for() -> None:
    seen = run(CONNECTED)
    assert seen["zeep_after"] is True
    assert seen["real_client"] is True
    assert seen["same_client"] is True
    assert seen["bound"] is True
    assert str(seen["endpoint"]).startswith("https://leadrelay-demo.my.salesforce.com/services/Soap/m/")


def test_simple_salesforce_imported_first_is_left_as_it_is() -> None:
    code = """
import json, sys
import simple_salesforce
import leadrelay.adapters.salesforce
print(json.dumps({"real": type(sys.modules["simple_salesforce.metadata"]).__name__ == "module"}))
"""
    assert run(code)["real"] is True


def test_any_other_name_of_the_module_comes_from_the_real_one_when_asked_for() -> None:
    code = """
import json, sys
import leadrelay.adapters.salesforce
from simple_salesforce.metadata import MetadataType
print(json.dumps({"zeep": "zeep" in sys.modules,
    "real": MetadataType.__module__ == "simple_salesforce.metadata",
    "loaded": type(sys.modules["simple_salesforce.metadata"]).__name__ == "module"}))
"""
    assert run(code) == {"zeep": True, "real": True, "loaded": True}


def test_the_import_systems_probes_do_not_load_the_real_module() -> None:
    code = """
import json, sys
import leadrelay.adapters.salesforce
stand_in = sys.modules["simple_salesforce.metadata"]
probes = [hasattr(stand_in, name) for name in ("__path__", "__file__", "__wrapped__")]
print(json.dumps({"probes": probes, "zeep": "zeep" in sys.modules}))
"""
    assert run(code) == {"probes": [False, False, False], "zeep": False}
