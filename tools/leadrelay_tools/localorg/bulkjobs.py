"""The Bulk API 2.0 jobs the local org keeps (``bulk`` serves them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class BulkJob:
    """One Bulk API 2.0 job and what it produced."""

    id: str
    kind: str  # query | ingest
    info: dict[str, Any]
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    upload: list[bytes] = field(default_factory=list)
    successes: list[list[str]] = field(default_factory=list)
    failures: list[list[str]] = field(default_factory=list)


@dataclass
class BulkJobs:
    """The org's Bulk API 2.0 jobs by id."""

    jobs: dict[str, BulkJob] = field(default_factory=dict)
    sequence: int = 0

    def new(self, kind: str, info: dict[str, Any]) -> BulkJob:
        """A job with the next id (key prefix 750, as Salesforce's)."""
        self.sequence += 1
        job = BulkJob(f"750RM{self.sequence:013d}", kind, info)
        job.info["id"] = job.id
        self.jobs[job.id] = job
        return job
