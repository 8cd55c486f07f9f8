"""docs/deploy.md names what the template and infra/salesforce define: no parameter, output or channel
member missing, none that does not exist."""

from __future__ import annotations

import re

from tests.infra.cfn import ROOT, load_template

GUIDE = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
MEMBERS = ROOT / "infra" / "salesforce" / "force-app" / "main" / "default" / "platformEventChannelMembers"


def _section(title: str) -> str:
    start = GUIDE.index(f"\n### {title}\n")
    end = GUIDE.index("\n#", start + 5)
    return GUIDE[start:end]


def test_the_parameter_table_lists_exactly_the_template_parameters() -> None:
    rows = [line for line in _section("Parameters").splitlines() if line.startswith("| `")]
    documented = {name for row in rows for name in re.findall(r"`(\w+)`", row.split("|")[1])}
    assert documented == set(load_template()["Parameters"])


def test_the_outputs_named_are_the_template_outputs() -> None:
    named = set(re.findall(r"`(\w+)`", _section("Outputs")))
    assert set(load_template()["Outputs"]) <= named


def test_the_change_relay_members_are_the_deployed_channel_members() -> None:
    row = next(line for line in GUIDE.splitlines() if line.startswith("| record changes |"))
    documented = set(re.findall(r"`(\w+ChangeEvent)`", row))
    deployed = {
        re.sub(r"^LeadRelay_Changes_chn_", "", path.name.split(".")[0])
        for path in MEMBERS.glob("LeadRelay_Changes_chn_*")
    }
    assert documented == deployed


def test_every_template_file_the_guide_names_exists() -> None:
    for relative in re.findall(r"`(infra/salesforce/[\w./-]+)`", GUIDE):
        if "node_modules" not in relative:  # installed by make salesforce-cli
            assert (ROOT / relative).exists(), relative
