"""The Lambda entry points: ``processor``, ``webhook``, ``salesforce_events`` and ``sla_monitor``, each a
thin ``handler`` over its composition root in ``leadrelay.bootstrap``.

Importing any of them begins a cold start, so this package pauses the cyclic garbage collector first,
in a Lambda execution environment only, until the handler has served its first event
(:mod:`leadrelay.handlers.cold_start`).
"""

from __future__ import annotations

from leadrelay.handlers.cold_start import pause_collection

pause_collection()
