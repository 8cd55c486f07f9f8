"""The pipeline's tunables (the composition root fills them from the processor's settings)."""

from __future__ import annotations

from msgspec import Struct, field

from leadrelay.domain.retry import Backoff


class PipelineConfig(Struct, frozen=True):
    """Tunables of the pipeline (the handler fills them from ``Settings``)."""

    max_receive_count: int = 5
    """The ingest queue's ``maxReceiveCount``: a transient failure on this delivery is dead-lettered."""
    history_days: int = 365
    function_version: str | None = None
    source_queue: str | None = None
    backoff: Backoff = field(default_factory=Backoff)
    resync_max_records: int = 10_000
    """The most records one re-sync window (overflow, wildcard) re-reads; a larger window is
    dead-lettered as ``RESYNC_WINDOW_TOO_LARGE`` rather than retried until it times out."""
