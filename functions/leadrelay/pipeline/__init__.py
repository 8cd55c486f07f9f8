"""The processor's pipeline: one batch of ingest messages → Salesforce, with an outcome per message.

See docs/processor.md. Ports in, report out; no AWS imports here.

Names are resolved lazily (as in ``leadrelay/__init__.py``): the SLA monitor imports
``leadrelay.pipeline.sla_monitor`` and must not pay, on its cold start, for the batch pipeline and
the matching libraries behind it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadrelay.engine.lazy_names import lazy_names

if TYPE_CHECKING:
    from leadrelay.pipeline.batch import Pipeline
    from leadrelay.pipeline.config import PipelineConfig
    from leadrelay.pipeline.messages import BatchReport, BatchTally, InboundMessage, MessageResult, Outcome

__all__ = [
    "BatchReport",
    "BatchTally",
    "InboundMessage",
    "MessageResult",
    "Outcome",
    "Pipeline",
    "PipelineConfig",
]

_MESSAGES = ("BatchReport", "BatchTally", "InboundMessage", "MessageResult", "Outcome")
_HOMES = {
    "Pipeline": "leadrelay.pipeline.batch",
    "PipelineConfig": "leadrelay.pipeline.config",
    **dict.fromkeys(_MESSAGES, "leadrelay.pipeline.messages"),
}


__getattr__ = lazy_names(__name__, _HOMES)
