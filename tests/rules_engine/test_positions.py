"""Every JSON pointer of a rule file has a line and column, so a diagnostic can be annotated in place."""

from __future__ import annotations

from leadrelay.engine.diagnostics import Diagnostic
from leadrelay.rulefiles.positions import locate, positions

TEXT = (
    '{\n  "rules": [\n'
    '    {"id": "fit.title", "when": {"field": "lead.Title", "value": ["部長", "a\\"]b"]}},\n'
    '    {"id": "fit/size~x", "points": 5}\n  ]\n}\n'
)


def test_members_and_items_are_located_at_their_start() -> None:
    found = positions(TEXT)

    assert found["/rules"] == (2, 3)
    assert found["/rules/0"] == (3, 5)
    assert found["/rules/0/when/field"] == (3, 34)
    assert found["/rules/0/when/value/1"] == (3, 73)
    assert found["/rules/1/points"] == (4, 26)


def test_a_pointer_the_text_lacks_is_located_at_its_nearest_enclosing_value() -> None:
    (located,) = locate(
        [Diagnostic("rules/scoring.json", "/rules/1/pionts", "unknown key")], {"rules/scoring.json": TEXT}
    )

    assert (located.line, located.column) == (4, 5)


def test_keys_with_slashes_and_tildes_are_escaped_in_pointers() -> None:
    assert "/rules/1/id" in positions(TEXT)
    assert positions('{"a/b~c": 1}')["/a~1b~0c"] == (1, 2)
