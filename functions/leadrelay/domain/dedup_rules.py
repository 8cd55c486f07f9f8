"""The match rules file (``rules/dedup.json``, kind ``dedup``): pairs, blocking keys, comparisons, outcomes.

A pair (``lead_lead``, ``lead_contact``, ``lead_account``) says how two records are found
(``blocking``: candidates share every part of at least one key), how they are compared
(``comparisons``: each gives a *level* — ``exact``, ``close``, ``different``, ``missing`` … — and
the level's weight, Fellegi-Sunter style), and what follows: the first ``rules`` entry whose levels
all hold decides; otherwise the summed weight against ``thresholds`` gives **match**,
**candidate** or **distinct**. The models describe the file only; ``match_rules.compile_match_rules``
turns them into plain callables once; ``check_dedup_file`` is what ``leadrelay rules validate``
runs (this module imports no matching library, so validating rule files stays cheap). See docs/matching.md.
"""

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from leadrelay.engine.diagnostics import CheckContext, pointer
from leadrelay.engine.file_models import RuleFile, Strict


class Outcome(StrEnum):
    """What a comparison of two records decides."""

    MATCH = "match"
    CANDIDATE = "candidate"
    DISTINCT = "distinct"


PairName = Literal["lead_lead", "lead_contact", "lead_account"]
ObjectName = Literal["Lead", "Contact", "Account"]
PAIR_OBJECTS: dict[str, tuple[str, str]] = {
    "lead_lead": ("Lead", "Lead"),
    "lead_contact": ("Lead", "Contact"),
    "lead_account": ("Lead", "Account"),
}
"""The objects on each side of a pair."""

MatchField = Literal[
    "id",
    "first_name",
    "last_name",
    "name",
    "email",
    "company",
    "phone",
    "mobile",
    "title",
    "website",
    "street",
    "city",
    "state",
    "postal_code",
    "country",
    "corporate_number",
]
"""The fields the comparisons read; ``columns`` says which input column holds each."""
CustomField = Annotated[str, StringConstraints(pattern=r"^x_[a-z][a-z0-9_]*$")]
"""A field of the file's own (``x_date_of_birth``): read from the columns the file maps to it, compared
with ``exact``, ``normalised``, ``jaro_winkler``, ``token_set`` or ``reading``, or a blocking-key part
(its folded value)."""
FieldName = MatchField | CustomField

Method = Literal[
    "exact",
    "normalised",
    "jaro_winkler",
    "token_set",
    "reading",
    "phone",
    "email",
    "domain",
    "corporate_number",
]
SIMILARITY_METHODS = frozenset({"jaro_winkler", "token_set", "reading"})
"""Methods giving a similarity in [0, 1]; the comparison names its levels by minimum similarity."""
METHOD_LEVELS: dict[str, tuple[str, ...]] = {
    "exact": ("same", "different", "missing"),
    "normalised": ("same", "different", "missing"),
    "phone": ("same_direct", "same_switchboard", "different_direct", "different", "missing"),
    "email": ("same_personal", "same_role", "typo", "same_domain", "different", "missing"),
    "domain": ("same", "different", "missing"),
    "corporate_number": ("same", "different", "missing"),
}
"""The fixed levels of the categorical methods (similarity methods add their own above ``different``).
``email``'s ``same_domain``: two different personal addresses at one company domain — colleagues,
more often than one person with two addresses; ``typo``: the same, one edit apart (a mistyped
address, or t.sato@/k.sato@: weigh it as no evidence). ``phone``'s ``different_direct``: no number in
common, and both have a mobile, or both a direct desk line — one person rarely has two of a kind."""
FIELDLESS_METHODS = frozenset({"phone", "email", "domain", "corporate_number"})

BlockingPart = Literal[
    "email",
    "phone",
    "person",
    "company",
    "company_sound",
    "domain",
    "corporate_number",
    "postal_code",
]
"""What a blocking key is made of: the personal e-mail, a direct phone line, the person's reading
(order-insensitive), the company's reading or consonant skeleton, the company web domain, the
法人番号, the postal code."""


class Comparison(Strict):
    """One comparison of two records: a method on a field, its levels and their weights."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Named in rules, reasons and pair tests.")
    method: Method = Field(description="How the two values are compared.")
    field: FieldName | None = Field(
        default=None,
        description="The field compared; implied for phone, email, domain, corporate_number. A field of "
        "the file's own is named x_… and mapped in columns.",
    )
    levels: dict[str, float] = Field(
        default_factory=dict,
        description="Similarity methods only: level name → minimum similarity (0–1); the highest reached "
        "wins, below all of them the level is 'different'.",
    )
    weights: dict[str, float] = Field(
        description="Level → weight added to the score (log-odds style; negative is evidence against). "
        "A level without a weight adds 0."
    )


class Rule(Strict):
    """An ordered rule: when every named comparison is at one of its levels, it decides the outcome."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str | None = None
    when: dict[str, list[str]] = Field(min_length=1, description="Comparison id → the levels that satisfy.")
    outcome: Outcome


class Thresholds(Strict):
    """Score cut-offs used when no rule decided: match at ``match`` or above, candidate at ``candidate``."""

    match: float
    candidate: float


class PairRules(Strict):
    """How two records of a pair of objects are blocked, compared and decided."""

    description: str | None = None
    same_as: PairName | None = Field(
        default=None, description="Use another pair's blocking, comparisons, rules and thresholds."
    )
    blocking: list[list[BlockingPart | CustomField]] = Field(
        default_factory=list,
        description="Blocking keys: two records are compared when they share every part of one key.",
    )
    comparisons: list[Comparison] = Field(default_factory=list)
    rules: list[Rule] = Field(
        default_factory=list, description="Checked in order; the first that holds decides."
    )
    thresholds: Thresholds | None = None


class DedupFile(RuleFile):
    """``rules/dedup.json``: the match rules per pair of objects, and where each field is read from."""

    kind: Literal["dedup"]
    description: str | None = None
    columns: dict[ObjectName, dict[FieldName, list[str]]] = Field(
        default_factory=dict,
        description="Input columns per object and field, first non-empty wins; by default Salesforce "
        "field API names (Email, Company, FirstName, …).",
    )
    max_block: int = Field(
        default=300, ge=2, description="A blocking key shared by more records than this is too common to use."
    )
    pairs: dict[PairName, PairRules] = Field(min_length=1)


DIFFERENT = "different"
MISSING = "missing"


def levels_of(comparison: Comparison) -> tuple[str, ...]:
    """Every level a comparison can reach: its method's fixed levels, or its own plus different/missing."""
    if comparison.method in SIMILARITY_METHODS:
        return (*comparison.levels, DIFFERENT, MISSING)
    return METHOD_LEVELS[comparison.method]


def _check_comparison(comparison: Comparison, where: str, ctx: CheckContext) -> None:
    method = comparison.method
    if comparison.field is None and method not in FIELDLESS_METHODS:
        ctx.error(f"{where}/field", f"the {method} method needs a field")
    if method in SIMILARITY_METHODS and not comparison.levels:
        ctx.error(f"{where}/levels", 'name at least one level, e.g. {"exact": 1.0, "close": 0.9}')
    if method not in SIMILARITY_METHODS and comparison.levels:
        ctx.error(
            f"{where}/levels", f"the {method} method has fixed levels: {', '.join(METHOD_LEVELS[method])}"
        )
    for name, minimum in comparison.levels.items():
        if not 0.0 <= minimum <= 1.0 or name in (DIFFERENT, MISSING):
            ctx.error(f"{where}/levels/{name}", "a level is a new name with a minimum similarity from 0 to 1")
    known = levels_of(comparison)
    for name in comparison.weights:
        if name not in known:
            ctx.error(
                f"{where}/weights/{name}", f"unknown level {name!r}; the levels are: {', '.join(known)}"
            )


def _check_rules(name: str, spec: PairRules, base: str, ctx: CheckContext) -> None:
    comparisons = {comparison.id: comparison for comparison in spec.comparisons}
    seen: set[str] = set()
    for index, rule in enumerate(spec.rules):
        where = f"{base}/rules/{index}"
        if rule.id in seen:
            ctx.error(f"{where}/id", f"duplicate rule id {rule.id!r}")
        seen.add(rule.id)
        for comparison_id, levels in rule.when.items():
            comparison = comparisons.get(comparison_id)
            if comparison is None:
                ctx.error(
                    f"{where}/when/{comparison_id}", f"unknown comparison {comparison_id!r} in pair {name}"
                )
                continue
            known = levels_of(comparison)
            for i, level in enumerate(levels):
                if level not in known:
                    message = (
                        f"unknown level {level!r} of {comparison_id}; the levels are: {', '.join(known)}"
                    )
                    ctx.error(f"{where}/when/{comparison_id}/{i}", message)


def _check_custom_field(model: DedupFile, comparison: Comparison, where: str, ctx: CheckContext) -> None:
    field = comparison.field
    if field is None or not field.startswith("x_"):
        return
    if comparison.method in FIELDLESS_METHODS:
        ctx.error(f"{where}/field", f"the {comparison.method} method reads its own field, not {field}")
    if not any(field in columns for columns in model.columns.values()):
        ctx.error(f"{where}/field", f"{field} is read from no column: map it in columns (e.g. Lead)")


def _check_custom_blocking(model: DedupFile, spec: PairRules, base: str, ctx: CheckContext) -> None:
    for index, parts in enumerate(spec.blocking):
        for position, part in enumerate(parts):
            if part.startswith("x_") and not any(part in columns for columns in model.columns.values()):
                where = f"{base}/blocking/{index}/{position}"
                ctx.error(where, f"{part} is read from no column: map it in columns (e.g. Lead)")


def _check_pair(model: DedupFile, name: str, spec: PairRules, ctx: CheckContext) -> None:
    base = pointer("pairs", name)
    if spec.same_as is not None:
        target = model.pairs.get(spec.same_as)
        if target is None or target.same_as is not None or spec.blocking or spec.comparisons or spec.rules:
            ctx.error(
                f"{base}/same_as", "same_as names another pair defined in full, and nothing else is given"
            )
        return
    missing = [key for key in ("blocking", "comparisons") if not getattr(spec, key)]
    for key in [*missing, *(["thresholds"] if spec.thresholds is None else [])]:
        ctx.error(base, f"pair {name} needs {key} (or same_as another pair)")
    seen: set[str] = set()
    for index, comparison in enumerate(spec.comparisons):
        where = f"{base}/comparisons/{index}"
        if comparison.id in seen:
            ctx.error(f"{where}/id", f"duplicate comparison id {comparison.id!r}")
        seen.add(comparison.id)
        _check_comparison(comparison, where, ctx)
        _check_custom_field(model, comparison, where, ctx)
    _check_custom_blocking(model, spec, base, ctx)
    _check_rules(name, spec, base, ctx)
    if spec.thresholds is not None and spec.thresholds.candidate > spec.thresholds.match:
        ctx.error(f"{base}/thresholds/candidate", "the candidate threshold is above the match threshold")


def check_dedup_file(model: DedupFile, ctx: CheckContext) -> None:
    """The ``dedup`` kind's checks (``leadrelay rules validate``): every mistake at its JSON pointer."""
    for name, spec in model.pairs.items():
        _check_pair(model, name, spec, ctx)


def resolve_pair(model: DedupFile, name: PairName) -> PairRules:
    """A pair's own rules, or those of the pair it is ``same_as``."""
    spec = model.pairs[name]
    return model.pairs[spec.same_as] if spec.same_as is not None else spec
