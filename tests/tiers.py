"""The test tiers' one knob: how many examples a property test draws.

``make test`` (the gate, what ``.ci/run`` calls) draws every example a test asks for. ``make test-fast``
sets ``LEADRELAY_FAST_TESTS=1``: every property test still runs, on an eighth of its examples (at least
ten), and tests without their own ``max_examples`` draw 25 (the ``fast`` Hypothesis profile).
"""

from __future__ import annotations

import os

from hypothesis import settings

FAST = os.environ.get("LEADRELAY_FAST_TESTS") == "1"

settings.register_profile("fast", max_examples=25)
if FAST:
    settings.load_profile("fast")


def examples(full: int) -> int:
    """``full`` in the gate, an eighth of it (at least ten) in the fast tier."""
    return max(10, full // 8) if FAST else full
