"""Every relative link in the README and the guides leads somewhere: a file that exists and, for a
``#section``, a heading of that file (GitHub's anchors: lower case, punctuation dropped, spaces as
hyphens, ``-1``… for repeated headings). Moving a section between guides breaks no reader's link."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
INLINE_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def anchors(text: str) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown text (fenced code is not a heading)."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    fenced = False
    for line in text.splitlines():
        fenced ^= line.startswith("```")
        heading = None if fenced else HEADING.match(line)
        if heading is None:
            continue
        slug = re.sub(r"[^\w\- ]", "", INLINE_LINK.sub(r"\1", heading.group(2).strip()).lower())
        slug = slug.replace(" ", "-")
        repeats = seen.get(slug, 0)
        seen[slug] = repeats + 1
        found.add(slug if repeats == 0 else f"{slug}-{repeats}")
    return found


def broken_links(document: Path) -> list[str]:
    """The relative links of ``document`` whose file or heading does not exist."""
    broken = []
    for target in LINK.findall(document.read_text(encoding="utf-8")):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto: …
            continue
        path, _, anchor = target.partition("#")
        destination = (document.parent / path) if path else document
        if not destination.exists():
            broken.append(f"{target}: no such file")
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination.read_text("utf-8")):
            broken.append(f"{target}: no such heading in {destination.name}")
    return broken


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_relative_link_leads_to_a_file_and_heading_that_exist(document: Path) -> None:
    assert broken_links(document) == []


def test_a_link_to_a_heading_that_moved_is_reported(tmp_path: Path) -> None:
    (tmp_path / "deploy.md").write_text("# Deploying\n\n## Build\n\n## Build\n", encoding="utf-8")
    guide = tmp_path / "guide.md"
    guide.write_text(
        "[ok](deploy.md#build) [again](deploy.md#build-1) [moved](deploy.md#cold-start) [gone](x.md)",
        encoding="utf-8",
    )

    assert broken_links(guide) == ["deploy.md#cold-start: no such heading in deploy.md", "x.md: no such file"]
