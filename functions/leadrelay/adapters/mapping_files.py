"""Reading the webhook mappings (``rules/mappings/*.json``, kind ``mapping``) from disk, compiled once."""

from __future__ import annotations

from pathlib import Path

from leadrelay.engine.diagnostics import Diagnostic
from leadrelay.ingress.mapping import CompiledMapping, compile_mapping
from leadrelay.ingress.mapping_model import MappingFile
from leadrelay.rulefiles.reading import read_models


class MappingFilesError(ValueError):
    """Mapping files that do not validate; the message lists every problem as ``FILE:POINTER: message``."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("invalid webhook mappings:\n" + "\n".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


def load_mappings(rules_path: str | Path) -> dict[str, CompiledMapping]:
    """Every mapping under ``<rules_path>/mappings`` by provider; raises :class:`MappingFilesError`.

    A missing directory means no webhook providers (every request is then a 404).
    """
    directory = Path(rules_path) / "mappings"
    if not directory.is_dir():
        return {}
    mappings: dict[str, CompiledMapping] = {}
    specs, problems = read_models(directory, MappingFile)
    for file, spec in specs:
        if spec.provider in mappings:
            problems.append(Diagnostic(file, "/provider", f"provider {spec.provider!r} is mapped twice"))
            continue
        mappings[spec.provider] = compile_mapping(spec)
    if problems:
        raise MappingFilesError(problems)
    return mappings
