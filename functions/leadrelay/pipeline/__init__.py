"""The processor's pipeline: one batch of ingest messages → Salesforce, with an outcome per message.

See docs/processor.md. Ports in, report out; no AWS imports here.
"""

from __future__ import annotations

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
