"""`leadrelay rules validate` knows the world the rules run in: the org's fields, the activity types
the ingress produces, the canonical event, the MA's payload keys. Each mistake that would otherwise
validate clean and then silently never fire is one located error with a "did you mean …?"."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.rules_cli.conftest import CLI, SHIPPED_RULES, read, rule_index, write


def _diagnostics(cli: CLI, *argv: str | Path) -> tuple[int, list[dict[str, object]]]:
    run = cli("rules", "validate", *argv, "--json")
    payload = run.json()
    return run.code, payload["diagnostics"]


def test_an_activity_type_the_ingress_never_produces_is_an_error(cli: CLI, rules_dir: Path) -> None:
    scoring = read(rules_dir / "scoring.json")
    webinar = rule_index(scoring, "engagement.webinar")
    scoring["rules"][webinar]["activities"]["types"] = ["demo_request"]
    write(rules_dir / "scoring.json", scoring)

    code, diagnostics = _diagnostics(cli, rules_dir)

    assert code == 1
    (problem,) = diagnostics
    assert problem["pointer"] == f"/rules/{webinar}/activities/types/0"
    assert problem["severity"] == "error"
    assert "unknown activity type 'demo_request': the ingress never produces it" in str(problem["message"])
    assert "webinar_attended" in str(problem["message"])  # the known types are listed
    assert isinstance(problem["line"], int)
    assert isinstance(problem["column"], int)


def test_a_misspelt_lead_field_is_an_error_with_a_suggestion(cli: CLI, rules_dir: Path) -> None:
    scoring = read(rules_dir / "scoring.json")
    size = rule_index(scoring, "fit.company_size")
    scoring["rules"][size]["field"] = "lead.NumberOfEmploye"
    write(rules_dir / "scoring.json", scoring)

    run = cli("rules", "validate", rules_dir)

    assert run.code == 1
    expected = (
        f"/rules/{size}/field: unknown field 'NumberOfEmploye': no Lead or Contact field of that name; "
        "did you mean 'NumberOfEmployees'?"
    )
    assert re.search(
        re.escape(f"{rules_dir / 'scoring.json'}:") + r"\d+:\d+: " + re.escape(expected), run.out
    )
    assert "invalid (1 error, 0 warnings)" in run.out


def test_a_jmespath_index_in_a_field_path_is_one_error_pointing_to_expr(cli: CLI, rules_dir: Path) -> None:
    scoring = read(rules_dir / "scoring.json")
    title = rule_index(scoring, "fit.title")
    scoring["rules"][title]["cases"][0]["when"] = {
        "field": "lead.Title[0]",
        "op": "keyword",
        "value": ["社長"],
    }
    write(rules_dir / "scoring.json", scoring)

    code, diagnostics = _diagnostics(cli, rules_dir)

    assert code == 1
    assert [(d["pointer"], d["message"]) for d in diagnostics] == [
        (
            f"/rules/{title}/cases/0/when/field",
            "'lead.Title[0]' is not a plain dotted path; use \"expr\" for a JMESPath expression",
        )
    ]


def test_a_typo_in_a_hubspot_mapping_key_is_an_error(cli: CLI, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(SHIPPED_RULES, rules)
    hubspot = read(rules / "mappings" / "hubspot.json")
    hubspot["identity"] = {"ma_id": "to_string(objectID)"}
    write(rules / "mappings" / "hubspot.json", hubspot)

    code, diagnostics = _diagnostics(cli, rules)

    assert code == 1
    (problem,) = diagnostics
    assert problem["pointer"] == "/identity/ma_id"
    assert problem["message"] == "hubspot events have no key 'objectID'; did you mean 'objectId'?"


def test_a_mapping_writing_a_field_the_org_lacks_is_an_error(cli: CLI, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(SHIPPED_RULES, rules)
    generic = read(rules / "mappings" / "generic.json")
    generic["fields"] = {"Compnay": "company"}
    write(rules / "mappings" / "generic.json", generic)

    code, diagnostics = _diagnostics(cli, rules)

    assert code == 1
    assert [d["message"] for d in diagnostics] == [
        "unknown field 'Compnay': no Lead or Contact field of that name; did you mean 'Company'?"
    ]


def test_a_path_outside_the_context_is_an_error_not_a_warning(cli: CLI, rules_dir: Path) -> None:
    scoring = read(rules_dir / "scoring.json")
    size = rule_index(scoring, "fit.company_size")
    scoring["rules"][size]["field"] = "leed.NumberOfEmployees"
    write(rules_dir / "scoring.json", scoring)

    code, diagnostics = _diagnostics(cli, rules_dir)

    assert code == 1
    assert [(d["severity"], d["message"]) for d in diagnostics] == [
        ("error", "'leed' is not part of the context (lead, event, activities, scores); did you mean 'lead'?")
    ]


def test_a_custom_field_from_the_org_field_list_is_known(cli: CLI, rules_dir: Path, tmp_path: Path) -> None:
    scoring = read(rules_dir / "scoring.json")
    size = rule_index(scoring, "fit.company_size")
    scoring["rules"][size]["field"] = "lead.Employees_JP__c"
    write(rules_dir / "scoring.json", scoring)
    org_fields = tmp_path / "org-fields.json"
    org_fields.write_text(
        json.dumps(
            {
                "kind": "org_fields",
                "org": "https://example.my.salesforce.com",
                "objects": {"Lead": [{"name": "Employees_JP__c", "type": "double", "custom": True}]},
            }
        ),
        encoding="utf-8",
    )

    assert cli("rules", "validate", rules_dir).code == 1
    assert cli("rules", "validate", rules_dir, "--org-fields", org_fields).code == 0


def test_an_unreadable_org_field_list_is_one_sentence(cli: CLI, rules_dir: Path, tmp_path: Path) -> None:
    run = cli("rules", "validate", rules_dir, "--org-fields", tmp_path / "missing.json")

    assert run.code == 2
    assert run.err.startswith(f"error: {tmp_path / 'missing.json'}: cannot read the field list")


def test_an_unknown_activity_attribute_is_a_warning_that_strict_makes_fatal(
    cli: CLI, rules_dir: Path
) -> None:
    scoring = read(rules_dir / "scoring.json")
    download = rule_index(scoring, "engagement.case_study_download")
    where = scoring["rules"][download]["activities"]["where"]
    where["any"][0]["field"] = "asset_typ"
    write(rules_dir / "scoring.json", scoring)

    relaxed = cli("rules", "validate", rules_dir)
    strict = cli("rules", "validate", rules_dir, "--strict")

    assert relaxed.code == 0
    assert (
        "warning: activity attribute 'asset_typ' is sent by no known source; did you mean 'asset_type'?"
        in (relaxed.out)
    )
    assert strict.code == 1


def test_a_rule_test_naming_an_unknown_type_or_field_is_an_error(cli: CLI, rules_dir: Path) -> None:
    cases = read(rules_dir / "tests" / "engagement.json")
    cases["cases"][0]["activities"][0]["type"] = "page_veiw"
    cases["cases"][0]["lead"]["Titel"] = "部長"
    write(rules_dir / "tests" / "engagement.json", cases)

    code, diagnostics = _diagnostics(cli, rules_dir)

    assert code == 1
    messages = sorted(str(d["message"]) for d in diagnostics)
    assert messages == [
        "unknown activity type 'page_veiw': the ingress never produces it; did you mean 'page_view'?",
        "unknown field 'Titel': no Lead or Contact field of that name; did you mean 'Title'?",
    ]


def test_ci_validates_the_rules_strictly() -> None:
    makefile = (SHIPPED_RULES.parent / "Makefile").read_text(encoding="utf-8")

    assert "leadrelay rules validate --strict rules" in makefile
