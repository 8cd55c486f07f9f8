"""The decision log the settings name, shared by the processor's and the SLA monitor's object graphs
(the monitor logs its actions beside the processor's decisions, and imports nothing else of the
processor's root)."""

from __future__ import annotations

from leadrelay.adapters.aws_clients import AwsClients
from leadrelay.adapters.decision_log import DirectoryDecisionLog, S3DecisionLog
from leadrelay.ports import DecisionLog
from leadrelay.settings import ProcessorSettings, SlaMonitorSettings


def decision_log(
    settings: ProcessorSettings | SlaMonitorSettings, clients: AwsClients | None = None
) -> DecisionLog | None:
    """The decision log the settings name: the S3 bucket, else (local mode) the directory, else none."""
    if settings.decision_log_bucket:
        s3 = (clients or AwsClients()).lazy("s3")
        return S3DecisionLog(s3, settings.decision_log_bucket, settings.decision_log_prefix)
    if settings.decision_log_dir:
        return DirectoryDecisionLog(settings.decision_log_dir, settings.decision_log_prefix)
    return None
