"""`leadrelay org describe --output FILE`: the org's fields through the sObject Describe API, written as
the field list `rules validate --org-fields` reads — run here against the local org over HTTPS."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.replay.local import write_credentials

from tests.rules_cli.conftest import CLI, read, rule_index, write


@pytest.fixture
def org_env(local_org: LocalOrg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalOrg:
    """The environment the functions read, pointing at the local org (client-credentials login)."""
    _point_at(local_org, tmp_path, monkeypatch)
    return local_org


def _point_at(org: LocalOrg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEADRELAY_SF_SECRET_ID", raising=False)
    monkeypatch.setenv("LEADRELAY_SF_CREDENTIALS_FILE", str(write_credentials(org, tmp_path)))
    monkeypatch.setenv("LEADRELAY_SF_CA_FILE", str(org.ca_file))


def test_describe_writes_every_field_of_each_object(cli: CLI, org_env: LocalOrg, tmp_path: Path) -> None:
    output = tmp_path / "org-fields.json"

    run = cli("org", "describe", "--output", output)

    assert run.code == 0, run.err
    document = json.loads(output.read_text(encoding="utf-8"))
    assert document["kind"] == "org_fields"
    assert sorted(document["objects"]) == ["Account", "Contact", "Lead", "Task", "User"]
    lead = {entry["name"]: entry for entry in document["objects"]["Lead"]}
    assert lead["LR_Lifecycle_Stage__c"] == {
        "name": "LR_Lifecycle_Stage__c",
        "type": "picklist",
        "custom": True,
    }
    assert lead["NumberOfEmployees"] == {"name": "NumberOfEmployees", "type": "int", "custom": False}
    assert run.out.startswith(f"{output}: fields of Lead ")


def test_a_field_only_the_org_has_validates_with_the_exported_list(
    cli: CLI, rules_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "dx"
    fields = project / "force-app" / "main" / "default" / "objects" / "Lead" / "fields"
    fields.mkdir(parents=True)
    (project / "sfdx-project.json").write_text('{"packageDirectories": [{"path": "force-app"}]}')
    (fields / "Seminar_Count__c.field-meta.xml").write_text(
        '<CustomField xmlns="http://soap.sforce.com/2006/04/metadata"><fullName>Seminar_Count__c</fullName>'
        "<label>セミナー参加回数</label><precision>4</precision><scale>0</scale><type>Number</type></CustomField>",
        encoding="utf-8",
    )
    scoring = read(rules_dir / "scoring.json")
    scoring["rules"][rule_index(scoring, "fit.company_size")]["field"] = "lead.Seminar_Count__c"
    write(rules_dir / "scoring.json", scoring)
    output = tmp_path / "org-fields.json"

    with LocalOrg(metadata_dir=project) as org:
        _point_at(org, tmp_path, monkeypatch)
        assert cli("org", "describe", "--output", output, "--objects", "Lead").code == 0

    assert cli("rules", "validate", rules_dir).code == 1
    assert cli("rules", "validate", rules_dir, "--org-fields", output).code == 0


def test_an_object_the_org_lacks_is_one_sentence(cli: CLI, org_env: LocalOrg, tmp_path: Path) -> None:
    output = tmp_path / "org-fields.json"

    run = cli("org", "describe", "--output", output, "--objects", "Lead,Seminar__c")

    assert run.code == 2
    assert run.err == "error: the org has no object 'Seminar__c'\n"
    assert not output.exists()


def test_without_credentials_it_says_what_is_missing(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LEADRELAY_SF_SECRET_ID", "LEADRELAY_SF_CREDENTIALS_FILE", "LEADRELAY_SF_CA_FILE"):
        monkeypatch.delenv(name, raising=False)

    run = cli("org", "describe", "--output", tmp_path / "org-fields.json")

    assert run.code == 2
    assert run.err.startswith("error: cannot log in to Salesforce: ")
    assert "LEADRELAY_SF_SECRET_ID is not set" in run.err
    assert "Traceback" not in run.err
