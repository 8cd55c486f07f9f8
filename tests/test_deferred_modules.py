"""What the functions' libraries import but rarely use loads when first used (``leadrelay.deferred_modules``):
simple-salesforce's Metadata API client (zeep, lxml), its Bulk API clients, PyJWT's certificate support,
s3transfer's process-pool manager (multiprocessing), boto3's s3transfer-importing ``compat`` module, the
package metadata reader pydantic's plugin loader and urllib3's HTTP/2 support import.

Each case runs in a fresh interpreter: a stand-in applies only before its library is imported.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from leadrelay.deferred_modules import declared_version

pytestmark = pytest.mark.slow  # fresh interpreter processes
FUNCTIONS = Path(__file__).resolve().parents[1] / "functions"


def run(code: str) -> dict[str, object]:
    done = subprocess.run(  # noqa: S603 - our interpreter, fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=FUNCTIONS
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


def test_the_bulk_api_clients_are_simple_salesforces_own_once_they_are_asked_for() -> None:
    code = """
import json, sys
import leadrelay.adapters.salesforce
from simple_salesforce.api import Salesforce
before = "more_itertools" in sys.modules
sf = Salesforce(session_id="00D5g000004XyZ!token", instance="leadrelay-demo.my.salesforce.com")
bulk, bulk2 = sf.bulk, sf.bulk2
import simple_salesforce.bulk as v1, simple_salesforce.bulk2 as v2
print(json.dumps({"before": before, "after": "more_itertools" in sys.modules,
    "real": [type(bulk) is v1.SFBulkHandler, type(bulk2) is v2.SFBulk2Handler],
    "bound": sys.modules["simple_salesforce"].bulk2 is v2}))
"""
    assert run(code) == {"before": False, "after": True, "real": [True, True], "bound": True}


def test_pyjwt_reaches_the_real_certificate_module_when_it_first_needs_it() -> None:
    code = """
import json, sys
import leadrelay.adapters.salesforce
import cryptography, jwt
before = type(sys.modules["cryptography.x509"]).__name__
token = jwt.encode({"sub": "山田太郎"}, "a-shared-secret-of-32-characters!", algorithm="HS256")
print(json.dumps({"before": before, "after": type(sys.modules["cryptography.x509"]).__name__,
    "bound": cryptography.x509 is sys.modules["cryptography.x509"],
    "claims": jwt.decode(token, "a-shared-secret-of-32-characters!", algorithms=["HS256"])}))
"""
    assert run(code) == {
        "before": "DeferredModule",
        "after": "module",
        "bound": True,
        "claims": {"sub": "山田太郎"},
    }


def test_boto3_loads_without_multiprocessing_and_s3transfers_process_pool_still_gets_the_real_manager() -> (
    None
):
    code = """
import json, sys
import leadrelay, boto3
before = "multiprocessing.context" in sys.modules
from s3transfer import compat
from s3transfer.processpool import TransferMonitorManager
from multiprocessing.managers import BaseManager
manager = BaseManager()
print(json.dumps({"before": before, "subclass": TransferMonitorManager.__mro__[1] is BaseManager,
    "registered": hasattr(TransferMonitorManager, "TransferMonitor"),
    "instance": isinstance(manager, compat.BaseManager), "built": type(compat.BaseManager()) is BaseManager}))
"""
    assert run(code) == {
        "before": False,
        "subclass": True,
        "registered": True,
        "instance": True,
        "built": True,
    }


def test_boto3_loads_without_s3transfer_which_still_comes_with_a_boto3_s3_client() -> None:
    code = """
import json, os, sys
os.environ.update(AWS_DEFAULT_REGION="ap-northeast-1", AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
import leadrelay, boto3
before = "s3transfer" in sys.modules
s3 = boto3.client("s3")
from boto3.dynamodb.types import TypeSerializer
print(json.dumps({"before": before, "after": "s3transfer.manager" in sys.modules,
    "upload_file": callable(getattr(s3, "upload_file", None)),
    "string_set": list(TypeSerializer().serialize({"山田", "田中"}))}))
"""
    assert run(code) == {"before": False, "after": True, "upload_file": True, "string_set": ["SS"]}


def test_phonenumbers_parses_without_its_free_text_matcher_which_still_comes_when_asked_for() -> None:
    code = """
import json, sys
import leadrelay, phonenumbers
parsed = phonenumbers.parse("03-1234-5678", "JP")
number = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
before = type(sys.modules["phonenumbers.phonenumbermatcher"]).__name__
found = [m.raw_string for m in phonenumbers.PhoneNumberMatcher("代表 03-1234-5678 まで", "JP",
                                                                leniency=phonenumbers.Leniency.VALID)]
print(json.dumps({"number": number, "before": before, "found": found,
    "after": type(sys.modules["phonenumbers.phonenumbermatcher"]).__name__}))
"""
    assert run(code) == {
        "number": "+81312345678",
        "before": "DeferredModule",
        "found": ["03-1234-5678"],
        "after": "module",
    }


def test_a_name_in_kanji_is_read_without_pykakasis_v1_api_which_still_comes_when_asked_for() -> None:
    code = """
import json, sys
import leadrelay
from leadrelay.domain.matching.readings import romaji
reading = romaji("山田太郎")
before = [m for m in ("wrapt", "deprecated") if m in sys.modules]
import pykakasi
legacy = "".join(part["hira"] for part in pykakasi.kakasi().convert("山田"))
print(json.dumps({"reading": reading, "before": before, "legacy": legacy, "wrapt": "wrapt" in sys.modules}))
"""
    assert run(code) == {"reading": "yamadataro", "before": [], "legacy": "やまだ", "wrapt": True}


def test_rapidfuzz_compares_without_its_process_module_which_still_comes_when_asked_for() -> None:
    code = """
import json, sys
import leadrelay
from rapidfuzz.distance import JaroWinkler
score = round(JaroWinkler.normalized_similarity("yamada taro", "yamada tarou"), 2)
before = type(sys.modules["rapidfuzz.process"]).__name__
import rapidfuzz
best = rapidfuzz.process.extractOne("株式会社サンプル", ["サンプル株式会社", "株式会社サンプル商事"])
print(json.dumps({"score": score, "before": before, "best": best[0]}))
"""
    assert run(code) == {"score": 0.98, "before": "DeferredModule", "best": "株式会社サンプル商事"}


def test_a_submodule_of_a_deferred_package_imports_after_loading_the_package() -> None:
    """The local org's TLS helper (trustme) imports ``cryptography.x509.oid`` after leadrelay (make demo)."""
    code = """
import json, sys
import leadrelay
before = type(sys.modules["cryptography.x509"]).__name__
from cryptography.x509.oid import NameOID
import cryptography.x509
package = type(sys.modules["cryptography.x509"]).__name__
print(json.dumps({"before": before, "oid": NameOID.COMMON_NAME.dotted_string, "package": package,
    "bound": cryptography.x509.oid.NameOID is NameOID}))
"""
    assert run(code) == {"before": "DeferredModule", "oid": "2.5.4.3", "package": "module", "bound": True}


PACKAGE_METADATA = """
import json, os, sys
os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"  # as the template's Globals set it
import leadrelay
from pydantic import BaseModel
import urllib3.http2

class Lead(BaseModel):
    company: str

lead = Lead(company="株式会社サンプル")
before = type(sys.modules["importlib.metadata"]).__name__
heavy = [name for name in ("zipfile", "csv") if name in sys.modules]
from importlib.metadata import entry_points, version
import pydantic
print(json.dumps({"company": lead.company, "before": before, "heavy": heavy,
    "version": version("pydantic") == pydantic.VERSION,
    "scripts": any(e.name == "leadrelay" for e in entry_points(group="console_scripts")),
    "after": type(sys.modules["importlib.metadata"]).__name__}))
"""


def test_pydantic_and_urllib3_import_without_the_package_metadata_reader_which_comes_when_asked() -> None:
    assert run(PACKAGE_METADATA) == {
        "company": "株式会社サンプル",
        "before": "DeferredModule",
        "heavy": [],
        "version": True,
        "scripts": True,
        "after": "module",
    }


CHARSET_DETECTION = """
import json, sys, warnings
warnings.simplefilter("error")  # requests warns when it cannot read charset_normalizer's version
import leadrelay
import requests
import charset_normalizer
from requests.models import Response
before = type(sys.modules["charset_normalizer"]).__name__
response = Response()
response._content = "株式会社サンプルの山田です".encode("shift_jis")
print(json.dumps({"before": before, "version": charset_normalizer.__version__,
    "encoding": response.apparent_encoding.lower(), "text": response.text,
    "after": type(sys.modules["charset_normalizer"]).__name__}))
"""


def test_requests_imports_without_the_charset_detector_which_still_guesses_an_undeclared_encoding() -> None:
    seen = run(CHARSET_DETECTION)
    assert seen["before"] == "DeferredModule"
    assert str(seen["version"]).count(".") == 2
    assert seen["encoding"] in {"cp932", "shift_jis"}
    assert seen["text"] == "株式会社サンプルの山田です"
    assert seen["after"] == "module"


@pytest.mark.parametrize(
    ("source", "version"),
    [
        ('"""Expose version"""\n__version__ = "3.5.3"\nVERSION = __version__.split(".")\n', "3.5.3"),
        ('__version__: str = "1.0.2"\n', "1.0.2"),
        ("from ._build import version\n__version__ = version()\n", None),  # computed: not read
        ("VERSION = (1, 0)\n", None),
    ],
)
def test_a_stand_in_carries_the_version_its_package_declares_as_a_plain_string(
    tmp_path: Path, source: str, version: str | None
) -> None:
    declared = tmp_path / "version.py"
    declared.write_text(source, encoding="utf-8")

    assert declared_version(str(declared)) == version


def test_a_missing_version_file_declares_no_version(tmp_path: Path) -> None:
    assert declared_version(str(tmp_path / "version.py")) is None
